// `npm run bench [-- <text>]`: runs every bench/*.bench.ts (or those whose benchmark names contain the text, or
// the file <text>.bench.ts), prints a table and writes bench/results.json as [{ name, value, unit, target, better,
// measuredAt }]. A filtered run replaces only the figures it measured, so one benchmark's run does not wipe the others'.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mergeResults, type Benchmark, type BenchResult } from './benchmark.ts';

const filter = process.argv.slice(2).join(' ').trim();
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const results: BenchResult[] = [];
const resultsFile = join(dir, 'results.json');

for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { benchmarks?: Benchmark[] };
  for (const b of mod.benchmarks ?? []) {
    // The text may also name the file: `npm run bench -- station-memory` runs bench/station-memory.bench.ts.
    if (filter && !b.name.includes(filter) && !f.startsWith(`${filter}.`)) continue;
    process.stderr.write(`running ${b.name} ...\n`);
    const value = await b.run();
    results.push({
      name: b.name,
      value: Number(value.toPrecision(4)),
      unit: b.unit,
      target: b.target,
      better: b.better,
      measuredAt: new Date().toISOString(),
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
writeFileSync(resultsFile, `${JSON.stringify(mergeResults(readEarlier(), results), null, 2)}\n`);
if (results.length === 0) console.log(filter ? `no benchmark matches "${filter}"` : 'no benchmarks found');

/** The figures already on file; an unreadable file counts as none (it is rewritten whole). */
function readEarlier(): BenchResult[] {
  if (!existsSync(resultsFile)) return [];
  try {
    const parsed: unknown = JSON.parse(readFileSync(resultsFile, 'utf8'));
    return Array.isArray(parsed) ? (parsed as BenchResult[]) : [];
  } catch {
    return [];
  }
}
