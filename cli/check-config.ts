// `rikscha check-config F`: validates a station config, or a procedures file (`{ "procedures": [...] }`), and prints
// every problem with the path of its field. Exit 0 when valid, 2 when not; never a stack trace.

import { readJsonConfig } from '../lib/config-file.ts';
import { ConfigError, loadStationConfig } from '../station/config/station-config.ts';
import { loadProceduresFile } from '../station/procedures/procedure-source.ts';

/** A procedures file has `procedures` and none of a station config's required keys. */
function isProceduresFile(file: string): boolean {
  try {
    const json = readJsonConfig(file);
    return typeof json === 'object' && json !== null && 'procedures' in json && !('stationId' in json);
  } catch {
    return false; // unreadable or not JSON: the station config check says so
  }
}

export function checkConfig(file: string): number {
  try {
    if (isProceduresFile(file)) {
      const p = loadProceduresFile(file);
      process.stdout.write(`${file}: valid (${p.procedures.length} procedures)\n`);
      return 0;
    }
    const cfg = loadStationConfig(file);
    process.stdout.write(
      `${file}: valid (station ${cfg.stationId}, ${cfg.docks.length} docks) with ${cfg.procedures.length} procedures\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
