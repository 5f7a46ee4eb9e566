// Finds keys in a config file that its zod schema does not know (a misspelt `pollIntervallMs` would otherwise be
// dropped silently and its default used), with a "did you mean" for near misses. Works for every config kind.

import type { z } from 'zod';

/** One unknown key: where it is, and the known key it most likely means (if one is close). */
export interface UnknownKey {
  path: (string | number)[];
  key: string;
  suggestion?: string;
}

/** The parts of a zod 4 schema definition this walk reads (zod's own types for them are internal). */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  items?: z.ZodType[];
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Object schemas a value may match, unwrapping optional/default/pipe layers and union options. */
function objectShapes(schema: z.ZodType, depth = 0): SchemaDef[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return [def];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return def.innerType ? objectShapes(def.innerType, depth + 1) : [];
    case 'pipe':
      return def.in ? objectShapes(def.in, depth + 1) : [];
    case 'lazy':
      return def.getter ? objectShapes(def.getter(), depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => objectShapes(o, depth + 1));
    default:
      return [];
  }
}

/** The element schema of an array (or tuple item), unwrapping optional/default layers. */
function elementOf(schema: z.ZodType, index: number, depth = 0): z.ZodType | undefined {
  if (depth > 20) return undefined;
  const def = defOf(schema);
  if (def.type === 'array') return def.element;
  if (def.type === 'tuple') return def.items?.[index];
  if (def.type === 'record') return def.valueType;
  if (def.innerType) return elementOf(def.innerType, index, depth + 1);
  if (def.type === 'pipe' && def.in) return elementOf(def.in, index, depth + 1);
  if (def.type === 'lazy' && def.getter) return elementOf(def.getter(), index, depth + 1);
  return undefined;
}

/** Edit distance with transpositions, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The known key closest to `key`, if it is close enough to be a misspelling (case ignored). */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = editDistance(key.toLowerCase(), k.toLowerCase());
    if (dist < bestDistance) {
      best = k;
      bestDistance = dist;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** Every key of `input` that `schema` does not describe, depth first in document order. */
export function findUnknownKeys(schema: z.ZodType, input: unknown, path: (string | number)[] = []): UnknownKey[] {
  if (Array.isArray(input)) {
    return input.flatMap((item, i) => {
      const element = elementOf(schema, i);
      return element ? findUnknownKeys(element, item, [...path, i]) : [];
    });
  }
  if (!isRecord(input)) return [];
  const shapes = objectShapes(schema);
  if (shapes.length === 0) {
    const values = defOf(schema).type === 'record' ? elementOf(schema, 0) : undefined;
    return values ? Object.entries(input).flatMap(([k, v]) => findUnknownKeys(values, v, [...path, k])) : [];
  }
  // An object with a catch-all takes any key; several shapes (a union) take the keys of any of them.
  if (shapes.some((s) => s.catchall && defOf(s.catchall).type !== 'never')) return [];
  const known = [...new Set(shapes.flatMap((s) => Object.keys(s.shape ?? {})))];
  const found: UnknownKey[] = [];
  for (const [key, value] of Object.entries(input)) {
    const field = shapes.map((s) => s.shape?.[key]).find((f) => f !== undefined);
    if (field) {
      found.push(...findUnknownKeys(field, value, [...path, key]));
      continue;
    }
    const suggestion = closest(key, known);
    found.push(suggestion ? { path, key, suggestion } : { path, key });
  }
  return found;
}
