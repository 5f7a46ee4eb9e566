// Charge-planning cost per tick for 8, 64 and 512 docks: the planner alone and the whole controller tick
// (interlocks, state machines, planner, leases), p99 over many ticks of seeded random stations.

import { performance } from 'node:perf_hooks';
import type { BmsReading } from '../firmware-bridge/bms/bms.ts';
import type { ChargerReading } from '../firmware-bridge/charger/charger.ts';
import { ChargeController } from '../station/charging/charge-controller.ts';
import { planCharging, type PlanCandidate } from '../station/charging/charge-planner.ts';
import { chargingConfig } from '../station/charging/charging-config.ts';
import type { Booking, DockInput } from '../station/charging/charging-types.ts';
import { percentile, type Benchmark } from './benchmark.ts';
import { mulberry32 } from '../hardware/battery/seeded-random.ts';

// Enough warm-up for the JIT to settle, enough samples for a stable p99.
const TICKS = 4000;
const WARMUP = 2000;
/**
 * The p99 of one run is at the mercy of whatever else the machine runs (a 30 µs tick preempted once is a 300 µs
 * sample); the lowest p99 of a few independent runs measures the code rather than the neighbours.
 */
const RUNS = 3;

async function bestOf(run: () => number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    best = Math.min(best, run());
    await new Promise<void>((r) => setImmediate(r));
  }
  return best;
}
const T0 = Date.UTC(2026, 2, 2, 5, 0);
const H = 3_600_000;

const bookingsFor = (n: number): Booking[] => [
  { id: 'early', at: T0 + 2 * H, packs: Math.max(1, n >> 3), minSocPct: 90 },
  { id: 'late', at: T0 + 5 * H, packs: Math.max(1, n >> 4), minSocPct: 95 },
];

function plannerBench(n: number, target: number): Benchmark {
  return {
    name: `planner tick p99, ${n} docks`,
    unit: 'ms',
    target,
    better: 'lower',
    run: () =>
      bestOf(() => {
        const cfg = chargingConfig({ budget: { maxW: n * 250 } });
        const r = mulberry32(n);
        const cands: PlanCandidate[] = Array.from({ length: n }, (_, i) => ({
          dock: i + 1,
          batteryId: `p${i}`,
          socPct: Math.floor(r() * 100),
          nominalAh: 10 + r() * 10,
          voltageV: r() < 0.5 ? 54.6 : 58.8,
          maxA: 1 + r() * 8,
          chargeable: r() < 0.9,
          full: false,
          cvDone: false,
          departureAt: r() < 0.3 ? T0 + Math.floor(r() * 10 * H) : null,
        }));
        const bookings = bookingsFor(n);
        const samples: number[] = [];
        for (let t = 0; t < TICKS + WARMUP; t++) {
          // Readings move between ticks, outside the timed part.
          for (const c of cands) if (r() < 0.05) c.socPct = Math.min(100, c.socPct + 1);
          const now = T0 + t * 100;
          const start = performance.now();
          planCharging(cands, bookings, n * 250, now, cfg);
          if (t >= WARMUP) samples.push(performance.now() - start);
        }
        return percentile(samples, 99);
      }),
  };
}

function controllerBench(n: number, target: number): Benchmark {
  return {
    name: `controller tick p99, ${n} docks`,
    unit: 'ms',
    target,
    better: 'lower',
    run: () =>
      bestOf(() => {
        const c = new ChargeController({ budget: { maxW: n * 250 } });
        for (const b of bookingsFor(n)) c.addBooking(b);
        const r = mulberry32(1000 + n);
        const docks = Array.from({ length: n }, (_, i) => {
          const series: 13 | 14 = r() < 0.5 ? 13 : 14;
          const cellV = 3.6 + r() * 0.5;
          const bms: BmsReading = {
            id: `pack-${i}`,
            voltageV: cellV * series,
            currentA: 0,
            socPct: Math.floor(r() * 100),
            remainingAh: 5,
            nominalAh: 10 + r() * 10,
            cycles: 50,
            cellsV: Array.from({ length: series }, () => cellV + r() * 0.02),
            tempsC: [15 + r() * 20, 15 + r() * 20],
            protection: [],
            chargeFetOn: true,
            dischargeFetOn: true,
            balancing: [],
          };
          const charger: ChargerReading = {
            online: true,
            at: T0,
            outputOn: false,
            setVoltageV: 0,
            setCurrentA: 0,
            voltageV: bms.voltageV,
            currentA: 0,
            protection: 'none',
            mode: 'cc',
          };
          const input: DockInput = {
            dock: i + 1,
            config: { series, chargerMaxA: 10 },
            bms: { at: T0, value: bms },
            charger: { at: T0, value: charger },
            ...(r() < 0.3 ? { departureAt: T0 + Math.floor(r() * 10 * H) } : {}),
          };
          return { input, bms, charger, set: 0 };
        });
        const samples: number[] = [];
        for (let t = 0; t < TICKS + WARMUP; t++) {
          const now = T0 + t * 100;
          // A poll every 5 ticks per dock, staggered, like a 500 ms poll period at a 100 ms tick.
          for (const [i, d] of docks.entries()) {
            if ((t + i) % 5 !== 0) continue;
            d.charger.currentA = d.charger.outputOn ? d.set : 0;
            d.bms.currentA = d.charger.currentA;
            if (d.charger.outputOn && r() < 0.2) d.bms.socPct = Math.min(100, d.bms.socPct + 1);
            d.input = {
              ...d.input,
              bms: { at: now, value: d.bms },
              charger: { at: now, value: { ...d.charger, at: now } },
            };
          }
          const inputs = docks.map((d) => d.input);
          const start = performance.now();
          const res = c.tick({ now, docks: inputs });
          if (t >= WARMUP) samples.push(performance.now() - start);
          for (const cmd of res.commands) {
            const d = docks[cmd.dock - 1];
            if (!d) continue;
            if (cmd.kind === 'on') d.charger.outputOn = true;
            if (cmd.kind === 'off') d.charger.outputOn = false;
            if (cmd.kind === 'set') {
              d.set = cmd.currentA;
              d.charger.setCurrentA = cmd.currentA;
              d.charger.setVoltageV = cmd.voltageV;
            }
          }
        }
        return percentile(samples, 99);
      }),
  };
}

export const benchmarks: Benchmark[] = [
  plannerBench(8, 0.1),
  plannerBench(64, 1),
  plannerBench(512, 5),
  controllerBench(8, 0.1),
  controllerBench(64, 1),
  controllerBench(512, 5),
];
