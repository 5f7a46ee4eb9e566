// The station daemon as installed (compiled JavaScript, its own process) with 8 simulated docks on socat ptys and a
// central: its start-up time until the charge loop runs, and its resident memory sampled over the run (steady
// level and slope). A Pi Zero 2 W has 512 MB for everything. RIKSCHA_BENCH_MINUTES sets the run (default 10).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startCentral } from '../broker/central.ts';
import { systemClock } from '../lib/clock.ts';
import { ptyPortFactory } from '../hardware/ports/pty-port.ts';
import { SimStation } from '../hardware/station-sim/sim-station.ts';
import { stationConfigFor } from '../hardware/scenario/station-config-snippet.ts';
import { requireTool } from '../test/support/socat.ts';
import type { Benchmark } from './benchmark.ts';
import { unitNodeFlags } from './support/node-process.ts';

const ROOT = join(import.meta.dirname, '..');
const MINUTES = Number(process.env.RIKSCHA_BENCH_MINUTES ?? 10);
const DOCKS = 8;

interface MemoryRun {
  startupMs: number;
  steadyMb: number;
  slopeMbPerHour: number;
}

/** Resident set of a process in MB, from /proc (what the kernel charges it, shared libraries included). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kb / 1024;
}

/** Least-squares slope of (t hours, mb) samples. */
function slope(samples: Array<[number, number]>): number {
  const n = samples.length;
  const mt = samples.reduce((a, [t]) => a + t, 0) / n;
  const mm = samples.reduce((a, [, m]) => a + m, 0) / n;
  const num = samples.reduce((a, [t, m]) => a + (t - mt) * (m - mm), 0);
  const den = samples.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

let memo: Promise<MemoryRun> | null = null;

async function measure(): Promise<MemoryRun> {
  requireTool('socat', 'socat');
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
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
  const config = {
    ...stationConfigFor(sim),
    dataDir: join(dir, 'station'),
    mqtt: { url: `mqtt://127.0.0.1:${central.mqttPort}`, password },
  };
  const file = join(dir, 'station.json');
  writeFileSync(file, JSON.stringify(config));
  const started = performance.now();
  // With the node flags of the installed unit: the figure is what a Pi runs.
  const flags = unitNodeFlags('station');
  const child = spawn(process.execPath, [...flags, join(ROOT, 'bin/rikscha.js'), 'station', '--config', file], {
    env: { ...process.env, RIKSCHA_COMPILED: '1', RIKSCHA_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    // Devices open and the charge loop deciding: the daemon logs 'station started' right after the loop's start.
    let startupMs = NaN;
    const firstDecision = new Promise<void>((resolve) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        if (Number.isNaN(startupMs) && /"msg":"station started"/.test(buffered)) {
          startupMs = performance.now() - started;
          resolve();
        }
        if (buffered.length > 100_000) buffered = buffered.slice(-10_000);
      });
    });
    await firstDecision;
    const samples: Array<[number, number]> = [];
    const end = Date.now() + MINUTES * 60_000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 5000));
      samples.push([(Date.now() - (end - MINUTES * 60_000)) / 3_600_000, rssMb(child.pid ?? 0)]);
    }
    // Steady level: the mean of the last half, after start-up allocations have settled.
    const tail = samples.slice(Math.floor(samples.length / 2));
    const steadyMb = tail.reduce((a, [, m]) => a + m, 0) / Math.max(1, tail.length);
    return { startupMs, steadyMb, slopeMbPerHour: slope(tail) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
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
    name: 'station memory: RSS slope over the second half of the run',
    unit: 'MB/h',
    target: 1,
    better: 'lower',
    run: async () => (await run()).slopeMbPerHour,
  },
  {
    name: 'station memory: start-up to the station running, compiled',
    unit: 'ms',
    target: 3000,
    better: 'lower',
    run: async () => (await run()).startupMs,
  },
];
