// `rikscha station --config F`: the station daemon for real (or simulated) devices named in the config.

import { readFileSync } from 'node:fs';
import { systemClock } from '../lib/clock.ts';
import { ConfigError, loadStationConfig, type StationConfig } from '../station/config/station-config.ts';
import { startStation } from '../station/station.ts';
import { SchemaError } from '../station/store/migrate.ts';
import { createLogger } from './logger.ts';
import { onMemoryReport } from './memory-report.ts';
import { UsageError } from './options.ts';
import { onShutdown } from './shutdown.ts';

/** `rikscha station` exits with this when its database cannot be used (too new, or a migration failed). */
export const SCHEMA_EXIT_CODE = 3;

function mqttPassword(cfg: StationConfig): string {
  if (cfg.mqtt.passwordFile) return readFileSync(cfg.mqtt.passwordFile, 'utf8').trim();
  const p = cfg.mqtt.password ?? process.env.RIKSCHA_MQTT_PASSWORD;
  if (!p)
    throw new UsageError('mqtt.password: no password (set mqtt.passwordFile, mqtt.password or RIKSCHA_MQTT_PASSWORD)');
  return p;
}

export async function runStation(file: string): Promise<void> {
  let cfg: StationConfig;
  try {
    cfg = loadStationConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const log = createLogger();
  let station;
  try {
    station = await startStation(cfg, {
      clock: systemClock,
      log: log.child({ component: 'station' }),
      password: mqttPassword(cfg),
    });
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    // Its own exit code, which the unit's RestartPreventExitStatus names: restarting cannot fix a schema.
    log.fatal({ code: err.code, schemaVersion: err.version }, err.message);
    process.stderr.write(`rikscha: ${err.message}\n`);
    process.exitCode = SCHEMA_EXIT_CODE;
    return;
  }
  onShutdown(log, () => station.stop());
  onMemoryReport(log);
}
