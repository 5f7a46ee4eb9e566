// How every config file's problems are reported: one line per problem with the path of its field
// (`docks[2].charger.unit: expected number`), shared by the station, the broker and the simulator.

import type { z } from 'zod';
import { findUnknownKeys } from './unknown-keys.ts';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `docks[2].charger.unit` from `['docks', 2, 'charger', 'unit']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

/** Renders zod issues as `docks[2].charger.unit: expected number` lines. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`);
}

/**
 * Validates a config file's content against its schema and reports every problem in one pass: the schema's own,
 * and keys the schema does not know (zod would drop them silently, and a misspelt option would fall back to its
 * default), with the known key a misspelling most likely meant.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, file: string): z.infer<S> {
  const unknown = findUnknownKeys(schema, input).map((u) => {
    const where = formatPath([...u.path, u.key]);
    return `${where}: unknown key${u.suggestion ? ` (did you mean "${u.suggestion}"?)` : ''}`;
  });
  const r = schema.safeParse(input);
  const problems = [...(r.success ? [] : formatIssues(r.error.issues)), ...unknown];
  if (problems.length > 0 || !r.success) throw new ConfigError(file, problems);
  return r.data;
}
