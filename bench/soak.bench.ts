// Soak: the compiled station and the central, each in its own process as installed, with 8 simulated docks on socat
// ptys at fast simulated time (packs charge, are swapped for others from a pool of 24, overheat now and then), for
// RIKSCHA_SOAK_MINUTES (default 10; 60 or more for a real soak; RIKSCHA_SOAK_SPEED, default 30). Reports each
// process's resident-memory slope over the second half (least squares) and where its memory is (heap used, the heap
// live after full GCs, external, native: from their SIGUSR2 memory reports), with the slope of each part, so a leak
// names its kind (heap used also climbs with garbage between full GCs; the live heap does not).
// RIKSCHA_SOAK_FULL_GC=1 starts both with --expose-gc, so each memory report runs a full GC first: the slopes are
// then those of what is live (V8 otherwise lets the central's old generation fill with garbage for hours before its
// next full GC; `npm run bench -- gc-headroom`), and the figures go on file under names of their own.
// RIKSCHA_SOAK_HEAP_DIFF=1 also takes a heap snapshot of each process after a third of the run and at its end and
// prints the object types that grew in between (a snapshot steps RSS up for good, so the RSS slopes of such a run
// say nothing; run it to find what grows once a plain run showed a heap slope).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../lib/clock.ts';
import { FaultInjector } from '../hardware/faults/fault-injector.ts';
import { ptyPortFactory } from '../hardware/ports/pty-port.ts';
import { stationConfigFor } from '../hardware/scenario/station-config-snippet.ts';
import { SimStation } from '../hardware/station-sim/sim-station.ts';
import { requireTool } from '../test/support/socat.ts';
import type { Benchmark } from './benchmark.ts';
import { heapGrowth } from './support/heap-diff.ts';
import { buildDist, NodeProcess, slope, unitLaunch, type MemoryReport } from './support/node-process.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/rikscha.js');
const MINUTES = Number(process.env.RIKSCHA_SOAK_MINUTES ?? 10);
const SPEED = Number(process.env.RIKSCHA_SOAK_SPEED ?? 30);
const DOCKS = 8;
const PACKS = 24;
const STATION = 'soak-1';
/** Above this slope (MB/h) the run prints where the memory went. */
const ALERT_MB_PER_H = 2;
const HEAP_DIFF = process.env.RIKSCHA_SOAK_HEAP_DIFF === '1';
const FULL_GC = process.env.RIKSCHA_SOAK_FULL_GC === '1';
/** Names in the forced-GC mode differ, so its figures do not replace the plain run's on file. */
const MODE = FULL_GC ? ' (full GC before each report)' : '';

type Part = keyof Omit<MemoryReport, 'arrayBuffersMb' | 'heapTotalMb' | 'fullGcs'>;
const PARTS: Part[] = ['rssMb', 'heapUsedMb', 'liveHeapMb', 'externalMb', 'threadHeapTotalMb', 'nativeMb'];

interface ProcessFigures {
  /** Slope of /proc RSS over the second half, MB/h. */
  rssSlope: number;
  /** Each part's slope over the second half, MB/h, and its value at the end, MB. */
  parts: Record<Part, { slope: number; end: number }>;
  /** Full GCs over the run (after the first report); the live heap's slope rests on those of the second half. */
  fullGcs: number;
}

interface SoakRun {
  station: ProcessFigures;
  central: ProcessFigures;
}

function stationPassword(centralDir: string): string {
  const add = spawnSync(process.execPath, [BIN, 'broker', 'add-station', STATION, '--data-dir', centralDir], {
    env: { ...process.env, RIKSCHA_COMPILED: '1' },
    encoding: 'utf8',
  });
  const password = /^password: (\S+)$/m.exec(add.stdout)?.[1];
  if (!password) throw new Error(`add-station: ${add.stdout}${add.stderr}`);
  return password;
}

/** Keeps the docks busy: a pack that is nearly full is swapped for the next of the pool; one dock overheats a while. */
function keepBusy(sim: SimStation, faults: FaultInjector): () => void {
  let next = DOCKS;
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    for (let n = 1; n <= DOCKS; n++) {
      const dock = sim.dock(n).dock;
      if (dock.pack.socPct() < 90) continue;
      next = (next % PACKS) + 1;
      dock.swapBattery(`SOAK-13S-${String(next).padStart(3, '0')}`, {
        series: 13,
        capacityAh: 14,
        socPct: 10 + (next % 5) * 5,
        ageCycles: 50 + next * 10,
        seed: 500 + next,
      });
    }
    // Every 2 minutes (real time) a dock overheats for 30 s: faults, events and their recovery in the mix.
    if (tick % 24 === 0) void faults.inject(1 + ((tick / 24) % DOCKS), 'over-temperature');
    if (tick % 24 === 6) void faults.clear();
  }, 5000);
  return () => clearInterval(timer);
}

function figures(samples: { t: number; rss: number; mem: MemoryReport }[]): ProcessFigures {
  const half = samples.slice(Math.floor(samples.length / 2));
  const last = samples[samples.length - 1];
  const parts = {} as ProcessFigures['parts'];
  for (const p of PARTS) {
    // The live heap changes only at a full GC: one point per GC (a sample whose count moved on), not the same value
    // repeated until the next one. Fewer than two such points give no slope (NaN, printed as missed), not a flat 0.
    const known =
      p === 'liveHeapMb'
        ? half.filter((s, i) => s.mem[p] !== undefined && s.mem.fullGcs !== (half[i - 1]?.mem.fullGcs ?? 0))
        : half;
    parts[p] = {
      slope: known.length >= 2 ? slope(known.map((s) => [s.t, s.mem[p] ?? 0])) : NaN,
      end: p === 'liveHeapMb' ? (known[known.length - 1]?.mem[p] ?? NaN) : (last?.mem[p] ?? 0),
    };
  }
  return { rssSlope: slope(half.map((s) => [s.t, s.rss])), parts, fullGcs: last?.mem.fullGcs ?? 0 };
}

function explain(name: string, f: ProcessFigures): void {
  const rows = PARTS.map(
    (p) =>
      `  ${p.padEnd(17)} ${f.parts[p].end.toFixed(1).padStart(7)} MB  ${f.parts[p].slope.toFixed(2).padStart(7)} MB/h`,
  );
  const head = f.rssSlope > ALERT_MB_PER_H ? `grows ${f.rssSlope.toFixed(2)} MB/h; where` : 'at the end';
  process.stderr.write(`soak: ${name} ${head} (${String(f.fullGcs)} full GCs):\n${rows.join('\n')}\n`);
}

/**
 * The unit's way to start a process; with RIKSCHA_SOAK_HEAP_DIFF, heap snapshots on SIGUSR1 into `dir`; with
 * RIKSCHA_SOAK_FULL_GC, a full GC before each memory report.
 */
function launch(unit: 'station' | 'broker', dir: string): ReturnType<typeof unitLaunch> & { cwd: string } {
  const l = unitLaunch(unit);
  const extra = [...(HEAP_DIFF ? ['--heapsnapshot-signal=SIGUSR1'] : []), ...(FULL_GC ? ['--expose-gc'] : [])];
  return { ...l, cwd: dir, nodeFlags: [...l.nodeFlags, ...extra] };
}

function showGrowth(name: string, earlier: string | undefined, later: string | undefined): void {
  if (!earlier || !later) return;
  const rows = heapGrowth(earlier, later).map(
    (g) => `  ${(g.bytes / 1024).toFixed(1).padStart(9)} KB ${String(g.count).padStart(8)} objects  ${g.type}`,
  );
  process.stderr.write(`soak: ${name} heap, what grew between the two snapshots:\n${rows.join('\n')}\n`);
}

async function measure(): Promise<SoakRun> {
  requireTool('socat', 'socat');
  buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-soak-'));
  const centralDir = join(dir, 'central');
  const password = stationPassword(centralDir);
  const brokerFile = join(dir, 'broker.json');
  writeFileSync(
    brokerFile,
    JSON.stringify({ dataDir: centralDir, mqtt: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 } }),
  );
  const sim = new SimStation({
    stationId: STATION,
    docks: Array.from({ length: DOCKS }, (_, i) => ({
      dock: i + 1,
      batteryId: `SOAK-13S-${String(i + 1).padStart(3, '0')}`,
      pack: { series: 13 as const, capacityAh: 14, socPct: 15 + 5 * i, ageCycles: 50, seed: 40 + i },
      charger: { unit: 1 },
    })),
    clock: systemClock,
    speed: SPEED,
    seed: 13,
    ports: ptyPortFactory(dir),
  });
  const procs: NodeProcess[] = [];
  let stopBusy = () => {};
  try {
    const central = new NodeProcess('central', ['broker', '--config', brokerFile], launch('broker', dir));
    procs.push(central);
    const started = await central.line((l) => l.msg === 'central started', "'central started'");
    await sim.start();
    const stationFile = join(dir, 'station.json');
    writeFileSync(
      stationFile,
      JSON.stringify({
        ...stationConfigFor(sim),
        dataDir: join(dir, 'station'),
        mqtt: { url: `mqtt://127.0.0.1:${String(started.mqttPort)}`, password },
      }),
    );
    const station = new NodeProcess('station', ['station', '--config', stationFile], launch('station', dir));
    procs.push(station);
    await station.line((l) => l.msg === 'station started', "'station started'");
    stopBusy = keepBusy(sim, new FaultInjector(sim, { overTemperatureC: 65 }));

    const every = Math.max(5000, (MINUTES * 60_000) / 120);
    const t0 = Date.now();
    const snapshots: Array<{ station: string; central: string }> = [];
    const snapshotsDue = HEAP_DIFF ? [MINUTES / 3] : [];
    const samples = { station: [] as Parameters<typeof figures>[0], central: [] as Parameters<typeof figures>[0] };
    while (Date.now() - t0 < MINUTES * 60_000) {
      await new Promise((r) => setTimeout(r, every));
      const t = (Date.now() - t0) / 3_600_000;
      // RSS read after the report: in the forced-GC mode, after its full GC.
      for (const [name, p] of [
        ['station', station],
        ['central', central],
      ] as const) {
        const mem = await p.memory();
        samples[name].push({ t, rss: p.rssMb(), mem });
      }
      if (snapshotsDue.length > 0 && Date.now() - t0 >= (snapshotsDue[0] ?? 0) * 60_000) {
        snapshotsDue.shift();
        snapshots.push({ station: await station.heapSnapshot(dir), central: await central.heapSnapshot(dir) });
      }
    }
    if (HEAP_DIFF) {
      snapshots.push({ station: await station.heapSnapshot(dir), central: await central.heapSnapshot(dir) });
      for (const name of ['station', 'central'] as const) showGrowth(name, snapshots[0]?.[name], snapshots[1]?.[name]);
    }
    const run = { station: figures(samples.station), central: figures(samples.central) };
    explain('station', run.station);
    explain('central', run.central);
    return run;
  } finally {
    stopBusy();
    for (const p of procs.reverse()) await p.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let memo: Promise<SoakRun> | null = null;
const run = (): Promise<SoakRun> => (memo ??= measure());

function processBenchmarks(name: 'station' | 'central', rssTarget: number, heapTarget: number): Benchmark[] {
  const unit = (p: Part, what: string, target: number): Benchmark => ({
    name: `soak: ${name} ${what} at the end${MODE}`,
    unit: 'MB',
    target,
    better: 'lower',
    run: async () => (await run())[name].parts[p].end,
  });
  const growth = (p: Part, what: string): Benchmark => ({
    name: `soak: ${name} ${what} slope, second half${MODE}`,
    unit: 'MB/h',
    target: ALERT_MB_PER_H,
    better: 'lower',
    run: async () => (await run())[name].parts[p].slope,
  });
  return [
    {
      name: `soak: ${name} RSS slope, second half${MODE}`,
      unit: 'MB/h',
      target: ALERT_MB_PER_H,
      better: 'lower',
      run: async () => (await run())[name].rssSlope,
    },
    unit('rssMb', 'RSS', rssTarget),
    unit('heapUsedMb', 'heap used', heapTarget),
    growth('heapUsedMb', 'heap used'),
    growth('liveHeapMb', 'live heap (after full GCs)'),
    growth('externalMb', 'external'),
    ...(name === 'central' ? [growth('threadHeapTotalMb', 'write worker heap')] : []),
    growth('nativeMb', 'native (SQLite, code)'),
  ];
}

export const benchmarks: Benchmark[] = [
  ...processBenchmarks('station', 80, 30),
  ...processBenchmarks('central', 150, 60),
];
