// Builds each dock's devices from the config: its BMS and charger drivers (chosen by `type` in driver-registry.ts) on
// lines from the pool, and a poller each. A dock's devices are marked offline when their line is lost.

import type { Logger } from 'pino';
import type { BmsDriver, BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerDriver, ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import type { GenericChargerConfig } from '../../firmware-bridge/charger/generic-charger-config.ts';
import type { Clock } from '../../lib/clock.ts';
import type { DockConfig, StationConfig } from '../config/station-config.ts';
import { armCommsWatchdog } from './comms-watchdog.ts';
import { DevicePoller } from './device-poller.ts';
import { bmsDrivers, chargerDrivers, loadChargerModels } from './driver-registry.ts';
import { LinePool, type Line } from './line-pool.ts';

export type { Line } from './line-pool.ts';

export interface DockDevices {
  config: DockConfig;
  bms: BmsDriver;
  bmsPoller: DevicePoller<BmsReading>;
  charger: ChargerDriver | null;
  chargerPoller: DevicePoller<ChargerReading> | null;
}

export interface StationDevices {
  lines: Line[];
  docks: DockDevices[];
  start(): void;
  stop(): Promise<void>;
}

interface BuildContext {
  pool: LinePool;
  models: ReadonlyMap<string, GenericChargerConfig>;
  clock: Clock;
  log: Logger;
  pollIntervalMs: number;
}

export async function createStationDevices(
  config: StationConfig,
  deps: { clock: Clock; log: Logger },
): Promise<StationDevices> {
  const models = await loadChargerModels(config);
  const pool = new LinePool(deps);
  const context: BuildContext = { pool, models, ...deps, pollIntervalMs: config.pollIntervalMs };
  const docks = config.docks.map((dock) => dockDevices(dock, context));
  return {
    lines: pool.lines,
    docks,
    start() {
      pool.start();
      for (const d of docks) {
        d.bmsPoller.start();
        d.chargerPoller?.start();
      }
    },
    async stop() {
      for (const d of docks) {
        d.bmsPoller.stop();
        d.chargerPoller?.stop();
      }
      await pool.stop();
    },
  };
}

function dockDevices(config: DockConfig, context: BuildContext): DockDevices {
  const { pool, clock, pollIntervalMs } = context;
  const log = context.log.child({ dock: config.dock });
  const bmsLine = pool.line(config.bms.port, config.bms.baudRate);
  const bms = bmsDrivers[config.bms.type](bmsLine, config.bms, { device: `dock-${config.dock}/bms`, pollIntervalMs });
  const bmsPoller = new DevicePoller(bms.driver.device, () => bms.driver.read(), {
    clock,
    log,
    periodMs: pollIntervalMs,
    retryMinMs: config.bms.timeoutMs,
  });
  bmsLine.onLost.push(() => {
    bmsPoller.liveness.lineLost('line closed');
    bms.lineLost();
  });

  const chargerConfig = config.charger;
  if (chargerConfig.type === 'none' || !chargerConfig.port) {
    return { config, bms: bms.driver, bmsPoller, charger: null, chargerPoller: null };
  }
  const client = pool.modbus(chargerConfig.port, chargerConfig.baudRate, chargerConfig.timeoutMs);
  const charger = chargerDrivers[chargerConfig.type](client, chargerConfig, {
    name: `dock-${config.dock}/charger`,
    clock,
    models: context.models,
  });
  const chargerPoller = new DevicePoller(charger.name, () => charger.read(), {
    clock,
    log,
    periodMs: pollIntervalMs,
    retryMinMs: chargerConfig.timeoutMs,
  });
  pool
    .line(chargerConfig.port, chargerConfig.baudRate)
    .onLost.push(() => chargerPoller.liveness.lineLost('line closed'));
  armCommsWatchdog(charger, chargerPoller, pollIntervalMs, log);
  return { config, bms: bms.driver, bmsPoller, charger, chargerPoller };
}
