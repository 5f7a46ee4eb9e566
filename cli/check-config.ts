// `rikscha check-config F`: validates a station config and prints every problem with the path of its field.
// Exit 0 when valid, 2 when not; never a stack trace.

import { ConfigError, loadStationConfig } from '../station/config/station-config.ts';

export function checkConfig(file: string): number {
  try {
    const cfg = loadStationConfig(file);
    process.stdout.write(`${file}: valid (station ${cfg.stationId}, ${cfg.docks.length} docks)\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
