// How much garbage V8 lets pile up before a full GC, with the broker unit's node flags and with node's defaults: a
// child process keeps ~18 MB live (the central's live heap in the soak) and makes objects that live long enough to
// be promoted and then die, as the central's messages do. Reported as the heap used at each full GC over what was
// live after it (median). Explains the central's resident memory: garbage waits in the old generation for that GC.

import { spawn } from 'node:child_process';
import type { Benchmark } from './benchmark.ts';
import { unitLaunch } from './support/node-process.ts';

const SECONDS = Number(process.env.RIKSCHA_BENCH_GC_SECONDS ?? 20);

// Plain JavaScript for the child: ~18 MB live (2 MB kept and the 20,000 newest of a stream of objects that live long
// enough to be promoted, then die); one JSON line per full GC with the heap used just before (the highest sampled
// since the last) and just after it.
const WORKLOAD = `
const { PerformanceObserver, constants } = require('node:perf_hooks');
const { getHeapStatistics } = require('node:v8');
const kept = Array.from({ length: 32 }, () => new Array(8192).fill(0.5));
let peak = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
    console.log(JSON.stringify({ before: peak, after: getHeapStatistics().used_heap_size }));
    peak = 0;
  }
}).observe({ entryTypes: ['gc'] });
const ring = [];
let i = 0;
const end = Date.now() + Number(process.argv[1]) * 1000;
const timer = setInterval(() => {
  for (let k = 0; k < 50; k++) ring.push({ a: new Array(64).fill(i++), s: 'x' + i });
  while (ring.length > 20000) ring.shift();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  if (Date.now() > end) { clearInterval(timer); console.log(JSON.stringify({ kept: kept.length })); }
}, 1);
`;

async function headroom(nodeFlags: string[]): Promise<number> {
  const child = spawn(process.execPath, [...nodeFlags, '-e', WORKLOAD, String(SECONDS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`gc workload exited with ${String(code)}`);
  // The first full GCs happen while the kept arrays are still being built: only those after the heap settled count.
  const gcs = out
    .split('\n')
    .filter((l) => l.includes('"before"'))
    .map((l) => JSON.parse(l) as { before: number; after: number })
    .filter((g) => g.after > 15 * 1048576);
  if (gcs.length === 0) throw new Error(`no full GC with the kept heap in ${SECONDS} s`);
  const ratios = gcs.map((g) => g.before / g.after).sort((a, b) => a - b);
  const mb = (b: number) => (b / 1048576).toFixed(1);
  process.stderr.write(
    `  ${nodeFlags.join(' ') || "node's defaults"}: ${gcs.length} full GCs in ${SECONDS} s; ` +
      `heap at GC -> after: ${gcs
        .slice(0, 6)
        .map((g) => `${mb(g.before)} -> ${mb(g.after)}`)
        .join(', ')} MB\n`,
  );
  return ratios[Math.floor(ratios.length / 2)] ?? NaN;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'central: heap at a full GC over the heap live after it (broker unit flags)',
    unit: 'x',
    target: 2,
    better: 'lower',
    run: () => headroom(unitLaunch('broker').nodeFlags),
  },
  {
    name: "central: heap at a full GC over the heap live after it (node's defaults)",
    unit: 'x',
    target: 2,
    better: 'lower',
    run: () => headroom([]),
  },
];
