// Compares two V8 heap snapshots (.heapsnapshot files) by what the objects are: per constructor (or V8's internal
// type), how many more objects and bytes the later one holds. A leak shows up as a type that keeps growing.

import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface TypeGrowth {
  /** `object:Buffer`, `closure:onData`, `string`, `code`... */
  type: string;
  count: number;
  bytes: number;
}

/** Objects and their self size per type, in one snapshot. */
export function heapByType(file: string): Map<string, { count: number; bytes: number }> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const kinds = s.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const kind = kinds[s.nodes[i + iType] ?? 0] ?? '?';
    // Objects and closures by their constructor or function name; strings, arrays and code by kind only.
    const named = kind === 'object' || kind === 'closure' || kind === 'native';
    const type = named ? `${kind}:${(s.strings[s.nodes[i + iName] ?? 0] ?? '').slice(0, 60)}` : kind;
    const e = out.get(type) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += s.nodes[i + iSize] ?? 0;
    out.set(type, e);
  }
  return out;
}

/** The types that grew most in bytes from `earlier` to `later`, largest first. */
export function heapGrowth(earlier: string, later: string, top = 12): TypeGrowth[] {
  const a = heapByType(earlier);
  const b = heapByType(later);
  const types = new Set([...a.keys(), ...b.keys()]);
  return [...types]
    .map((type) => ({
      type,
      count: (b.get(type)?.count ?? 0) - (a.get(type)?.count ?? 0),
      bytes: (b.get(type)?.bytes ?? 0) - (a.get(type)?.bytes ?? 0),
    }))
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, top);
}
