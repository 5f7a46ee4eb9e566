// Which driver serves which `type` of the config, for BMSes and chargers: a new device kind is one entry here (and
// its value in the config schema). Generic charger model files are read once, up front.

import type { BmsDriver } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerDriver } from '../../firmware-bridge/charger/charger.ts';
import {
  loadGenericChargerConfig,
  type GenericChargerConfig,
} from '../../firmware-bridge/charger/generic-charger-config.ts';
import { GenericChargerDriver } from '../../firmware-bridge/charger/generic-charger-driver.ts';
import { RidenDriver } from '../../firmware-bridge/charger/riden-driver.ts';
import { JbdBmsDriver } from '../../firmware-bridge/jbd/jbd-driver.ts';
import type { ModbusClient } from '../../firmware-bridge/modbus/modbus-master.ts';
import type { Clock } from '../../lib/clock.ts';
import { ConfigError, type DockConfig, type StationConfig } from '../config/station-config.ts';
import type { Line } from './line-pool.ts';

type BmsConfig = DockConfig['bms'];
type ChargerConfig = DockConfig['charger'];
type ChargerType = Exclude<ChargerConfig['type'], 'none'>;

/** A BMS driver and what to do when its line is lost. */
export interface StationBms {
  driver: BmsDriver;
  /** After a reconnect a swap may have happened: forget what identifies the pack. */
  lineLost(): void;
}

export interface BmsContext {
  device: string;
  pollIntervalMs: number;
}

export const bmsDrivers: Record<BmsConfig['type'], (line: Line, config: BmsConfig, context: BmsContext) => StationBms> =
  {
    jbd: (line, config, { device, pollIntervalMs }) => {
      // A noisy line costs an exchange, not the reading: each exchange and then the whole read get one more try
      // within the poll period, where the time allows.
      const driver = new JbdBmsDriver(line.bus, { device, timeoutMs: config.timeoutMs, retryWithinMs: pollIntervalMs });
      return { driver, lineLost: () => driver.forgetIdentity() };
    },
  };

export interface ChargerContext {
  name: string;
  clock: Clock;
  models: ReadonlyMap<string, GenericChargerConfig>;
}

export const chargerDrivers: Record<
  ChargerType,
  (client: ModbusClient, config: ChargerConfig, context: ChargerContext) => ChargerDriver
> = {
  riden: (client, config, { name, clock }) =>
    new RidenDriver(client, { name, unit: config.unit, timeoutMs: config.timeoutMs, clock }),
  generic: (client, config, { name, clock, models }) => {
    const model = models.get(config.model ?? '');
    if (!model) throw new Error(`${name}: charger model not loaded`);
    return new GenericChargerDriver(client, model, { name, unit: config.unit, timeoutMs: config.timeoutMs, clock });
  },
};

/** Reads every generic charger's model file; a bad one stops the start with every problem named. */
export async function loadChargerModels(config: StationConfig): Promise<Map<string, GenericChargerConfig>> {
  const models = new Map<string, GenericChargerConfig>();
  for (const [i, dock] of config.docks.entries()) {
    if (dock.charger.type !== 'generic') continue;
    const file = dock.charger.model;
    if (!file) throw new ConfigError('config', [`docks[${i}].charger.model: required for the generic charger`]);
    if (models.has(file)) continue;
    const loaded = await loadGenericChargerConfig(file);
    if (!loaded.ok) throw new ConfigError(file, loaded.problems);
    models.set(file, loaded.config);
  }
  return models;
}
