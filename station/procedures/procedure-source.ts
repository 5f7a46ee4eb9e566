// Where a station's procedures come from: the station config's `procedures` section (a list), the procedures file
// its `proceduresFile` names (a path, relative to the config file), or the shipped defaults when it says neither.

import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, parseConfig } from '../../lib/config-error.ts';
import { readJsonConfig } from '../../lib/config-file.ts';
import { DEFAULT_PROCEDURES } from './default-procedures.ts';
import { procedureListSchema, proceduresFileSchema, type Procedure } from './procedure-config.ts';

/** The procedures a station offers, or the problems of the file it names (each with the path of its field). */
export function resolveProcedures(
  value: string | Procedure[] | undefined,
  configFile: string,
): { ok: true; procedures: Procedure[] } | { ok: false; problems: string[] } {
  if (Array.isArray(value)) return { ok: true, procedures: value };
  if (value === undefined) return { ok: true, procedures: procedureListSchema.parse(DEFAULT_PROCEDURES) };
  const path = isAbsolute(value) ? value : resolve(dirname(configFile), value);
  try {
    return { ok: true, procedures: loadProceduresFile(path).procedures };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { ok: false, problems: err.problems.map((p) => `proceduresFile (${value}): ${p}`) };
  }
}

/** A procedures file on its own: `{ "procedures": [...] }`; throws a ConfigError naming every problem. */
export function loadProceduresFile(file: string): { procedures: Procedure[] } {
  return parseConfig(proceduresFileSchema, readJsonConfig(file), file);
}
