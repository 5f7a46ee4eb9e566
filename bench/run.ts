// `npm run bench [-- <text>]`: runs every bench/*.bench.ts (or those whose benchmark names contain the text),
// prints a table and writes bench/results.json as [{ name, value, unit, target, better }].

import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Benchmark, BenchResult } from './benchmark.ts';

const filter = process.argv.slice(2).join(' ').trim();
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const results: BenchResult[] = [];

for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { benchmarks?: Benchmark[] };
  for (const b of mod.benchmarks ?? []) {
    if (filter && !b.name.includes(filter)) continue;
    process.stderr.write(`running ${b.name} ...\n`);
    const value = await b.run();
    results.push({
      name: b.name,
      value: Number(value.toPrecision(4)),
      unit: b.unit,
      target: b.target,
      better: b.better,
    });
  }
}

const met = (r: BenchResult) => (r.better === 'lower' ? r.value <= r.target : r.value >= r.target);
const rows = results.map((r) => [
  r.name,
  String(r.value),
  r.unit,
  `${r.better === 'lower' ? '<=' : '>='} ${r.target}`,
  met(r) ? 'ok' : 'MISSED',
]);
const head = ['benchmark', 'value', 'unit', 'target', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(line(head));
for (const r of rows) console.log(line(r));
writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
if (results.length === 0) console.log(filter ? `no benchmark matches "${filter}"` : 'no benchmarks found');
