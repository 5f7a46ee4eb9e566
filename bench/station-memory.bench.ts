// The station daemon as installed (compiled JavaScript, its own process, the unit's node flags and environment) with
// 8 simulated docks on socat ptys and a central: its start-up time until the charge loop runs, and its resident memory
// sampled over the run (steady level, slope, and where it is). A Pi Zero 2 W has 512 MB for everything.
// The steady figures come from a window of RIKSCHA_BENCH_MINUTES (default 10) after a warm-up of
// RIKSCHA_BENCH_WARMUP_MINUTES (default 20): a fresh station's RSS climbs ~6 MB over its first 12 minutes and ~1 MB
// more by minute 30 as V8 and malloc settle (the hour-long soak levels off), so a window that starts at once
// measures the warm-up.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startCentral } from '../broker/central.ts';
import { systemClock } from '../lib/clock.ts';
import { ptyPortFactory } from '../hardware/ports/pty-port.ts';
import { SimStation } from '../hardware/station-sim/sim-station.ts';
import { stationConfigFor } from '../hardware/scenario/station-config-snippet.ts';
import { requireTool } from '../test/support/socat.ts';
import { waitFor } from '../test/support/wait-for.ts';
import type { Benchmark } from './benchmark.ts';
import { buildDist, NodeProcess, slope, unitLaunch, type MemoryReport } from './support/node-process.ts';

const MINUTES = Number(process.env.RIKSCHA_BENCH_MINUTES ?? 10);
const WARMUP_MINUTES = Number(process.env.RIKSCHA_BENCH_WARMUP_MINUTES ?? 20);
const DOCKS = 8;
const SAMPLE_MS = 5000;

interface MemoryRun {
  /** Until the daemon logs 'station started' (devices open, the charge loop running, READY=1 under systemd). */
  startupMs: number;
  /** Until the first simulated charger's output is on: the first charger decision that reached a device. */
  firstChargeMs: number;
  /** Mean RSS over the window after the warm-up. */
  steadyMb: number;
  /** Highest sample of the window: "flat" means this stays near the steady level. */
  peakMb: number;
  slopeMbPerHour: number;
  /** Anonymous memory over the window: RSS without the file-backed code pages of node and its libraries. */
  anonMb: number;
  anonSlopeMbPerHour: number;
  /** Steady RSS minus the mean of the first minute: what the warm-up adds to a fresh station. */
  warmupRiseMb: number;
  /** The station's own report at the end (SIGUSR2): V8 heap, Buffers, and the rest (native). */
  end: MemoryReport;
}

let memo: Promise<MemoryRun> | null = null;

async function measure(): Promise<MemoryRun> {
  requireTool('socat', 'socat');
  buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-membench-'));
  const log = pino({ level: 'silent' });
  const central = await startCentral({
    dataDir: join(dir, 'central'),
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: log,
  });
  const sim = new SimStation({
    stationId: 'mem-1',
    docks: Array.from({ length: DOCKS }, (_, i) => ({
      dock: i + 1,
      batteryId: `MEM-13S-${i + 1}`,
      pack: { series: 13 as const, capacityAh: 14, socPct: 15 + 5 * i, seed: 40 + i },
      charger: { unit: 1 },
    })),
    clock: systemClock,
    speed: 1,
    seed: 11,
    ports: ptyPortFactory(dir),
  });
  await sim.start();
  const password = central.addStation('mem-1');
  const file = join(dir, 'station.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...stationConfigFor(sim),
      dataDir: join(dir, 'station'),
      mqtt: { url: `mqtt://127.0.0.1:${central.mqttPort}`, password },
    }),
  );
  const started = performance.now();
  // With the node flags and environment of the installed unit: the figure is what a Pi runs.
  const station = new NodeProcess('station', ['station', '--config', file], unitLaunch('station'));
  try {
    // Devices open and the charge loop deciding: the daemon logs 'station started' right after the loop's start.
    await station.line((l) => l.msg === 'station started', "'station started'");
    const startupMs = performance.now() - started;
    await waitFor(() => sim.docks.some((d) => d.dock.charger.getSetpoints().outputOn), {
      what: 'a simulated charger switched on',
      timeoutMs: 60_000,
      intervalMs: 10,
    });
    const firstChargeMs = performance.now() - started;
    const samples: Array<[number, number]> = [];
    const anon: Array<[number, number]> = [];
    const t0 = Date.now();
    let watching = false;
    while (Date.now() - t0 < (WARMUP_MINUTES + MINUTES) * 60_000) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const t = (Date.now() - t0) / 3_600_000;
      samples.push([t, station.rssMb()]);
      anon.push([t, station.anonMb()]);
      // A first memory report starts the station's watch on full GCs: the end report then says what is live.
      if (!watching && t * 60 >= WARMUP_MINUTES) watching = Boolean(await station.memory());
    }
    const end = await station.memory();
    const mean = (xs: Array<[number, number]>): number => xs.reduce((a, [, m]) => a + m, 0) / Math.max(1, xs.length);
    const inWindow = ([t]: [number, number]): boolean => t * 60 >= WARMUP_MINUTES;
    const window = samples.filter(inWindow);
    const anonWindow = anon.filter(inWindow);
    const steadyMb = mean(window);
    const run = {
      startupMs,
      firstChargeMs,
      steadyMb,
      peakMb: Math.max(...window.map(([, m]) => m)),
      slopeMbPerHour: slope(window),
      anonMb: mean(anonWindow),
      anonSlopeMbPerHour: slope(anonWindow),
      warmupRiseMb: steadyMb - mean(samples.filter(([t]) => t * 60 < 1)),
      end,
    };
    process.stderr.write(
      `station memory, ${String(MINUTES)} minutes after a ${String(WARMUP_MINUTES)}-minute warm-up: ` +
        `steady ${steadyMb.toFixed(1)} MB (+${run.warmupRiseMb.toFixed(1)} over the first minute), ` +
        `peak ${run.peakMb.toFixed(1)} MB, ${run.slopeMbPerHour.toFixed(1)} MB/h; anonymous ${run.anonMb.toFixed(1)} ` +
        `MB, ${run.anonSlopeMbPerHour.toFixed(1)} MB/h; at the end heap used ${end.heapUsedMb} of ${end.heapTotalMb} ` +
        `MB (live after the last full GC: ${String(end.liveHeapMb ?? 'no full GC seen')}), external ` +
        `${end.externalMb} MB, native ${end.nativeMb} MB\n`,
    );
    return run;
  } finally {
    await station.stop();
    await sim.stop();
    await central.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const run = (): Promise<MemoryRun> => (memo ??= measure());

export const benchmarks: Benchmark[] = [
  {
    name: 'station memory: steady RSS, 8 docks, compiled',
    unit: 'MB',
    target: 80,
    better: 'lower',
    run: async () => (await run()).steadyMb,
  },
  {
    name: 'station memory: peak RSS after warm-up',
    unit: 'MB',
    target: 80,
    better: 'lower',
    run: async () => (await run()).peakMb,
  },
  {
    name: 'station memory: RSS slope after warm-up',
    unit: 'MB/h',
    target: 1,
    better: 'lower',
    run: async () => (await run()).slopeMbPerHour,
  },
  {
    name: 'station memory: anonymous memory (RSS without code pages) after warm-up',
    unit: 'MB',
    target: 40,
    better: 'lower',
    run: async () => (await run()).anonMb,
  },
  {
    name: 'station memory: anonymous memory slope after warm-up',
    unit: 'MB/h',
    target: 1,
    better: 'lower',
    run: async () => (await run()).anonSlopeMbPerHour,
  },
  {
    name: 'station memory: RSS rise during warm-up (steady minus the first minute)',
    unit: 'MB',
    target: 15,
    better: 'lower',
    run: async () => (await run()).warmupRiseMb,
  },
  {
    name: 'station memory: V8 heap live after the last full GC, at the end',
    unit: 'MB',
    target: 30,
    better: 'lower',
    run: async () => (await run()).end.liveHeapMb ?? NaN,
  },
  {
    name: 'station memory: V8 heap used at the end',
    unit: 'MB',
    target: 30,
    better: 'lower',
    run: async () => (await run()).end.heapUsedMb,
  },
  {
    name: 'station memory: start-up to the station running, compiled',
    unit: 'ms',
    target: 3000,
    better: 'lower',
    run: async () => (await run()).startupMs,
  },
  {
    name: 'station memory: start-up to the first charger switched on, compiled',
    unit: 'ms',
    target: 5000,
    better: 'lower',
    run: async () => (await run()).firstChargeMs,
  },
];
