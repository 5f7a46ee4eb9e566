// Builds each dock's device drivers from the config: one line (transport, keeper, request bus) per port, shared
// by every device on it (several chargers on one RS-485 bus), a BMS driver and a charger driver per dock, and a poller each.

import type { Logger } from 'pino';
import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import { LineKeeper } from '../../firmware-bridge/bus/line-keeper.ts';
import { RequestBus } from '../../firmware-bridge/bus/request-bus.ts';
import type { ChargerDriver, ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import { GenericChargerDriver } from '../../firmware-bridge/charger/generic-charger-driver.ts';
import {
  loadGenericChargerConfig,
  type GenericChargerConfig,
} from '../../firmware-bridge/charger/generic-charger-config.ts';
import { RidenDriver } from '../../firmware-bridge/charger/riden-driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { JbdBmsDriver } from '../../firmware-bridge/jbd/jbd-driver.ts';
import { createRtuMaster, createTcpMaster, type ModbusClient } from '../../firmware-bridge/modbus/modbus-master.ts';
import { createTransport } from '../../firmware-bridge/transports/transport-factory.ts';
import { ConfigError, type DockConfig, type StationConfig } from '../config/station-config.ts';
import { DevicePoller } from './device-poller.ts';

export interface Line {
  address: string;
  keeper: LineKeeper;
  bus: RequestBus;
  /** Devices on this line, for marking them offline when it is lost. */
  onLost: (() => void)[];
}

export interface DockDevices {
  config: DockConfig;
  bms: JbdBmsDriver;
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

/** Modbus RTU needs 3.5 character times of silence between frames; at 115200 Bd the spec fixes it at 1.75 ms. */
function modbusGapMs(baudRate: number): number {
  return baudRate > 19200 ? 1.75 : (3.5 * 11 * 1000) / baudRate;
}

/** The charger's own comms timeout: any request resets it and the station polls every period, so four missed polls, at least 2 s. */
export function commsTimeoutMs(pollIntervalMs: number): number {
  return Math.max(2000, 4 * pollIntervalMs);
}

export async function createStationDevices(
  config: StationConfig,
  deps: { clock: Clock; log: Logger },
): Promise<StationDevices> {
  const { clock, log } = deps;
  const lines = new Map<string, Line>();
  const lineFor = (address: string, baudRate: number, gapMs = 0): Line => {
    let line = lines.get(address);
    if (!line) {
      const transport = createTransport(address, { baudRate });
      const keeper = new LineKeeper(transport, { clock, log: log.child({ line: address }) });
      const created: Line = { address, keeper, bus: new RequestBus(transport, { clock, gapMs }), onLost: [] };
      keeper.onChange((open) => {
        if (!open) for (const f of created.onLost) f();
      });
      lines.set(address, created);
      line = created;
    }
    return line;
  };
  const modbusClients = new Map<string, ModbusClient>();
  const modbusFor = (address: string, baudRate: number, timeoutMs: number): ModbusClient => {
    let client = modbusClients.get(address);
    if (!client) {
      const tcp = address.startsWith('tcp://');
      const line = lineFor(address, baudRate, tcp ? 0 : modbusGapMs(baudRate));
      client = tcp ? createTcpMaster(line.bus, { timeoutMs }) : createRtuMaster(line.bus, { timeoutMs });
      modbusClients.set(address, client);
    }
    return client;
  };

  // Charger model files are read once, up front: a bad one stops the start with every problem named.
  const models = new Map<string, GenericChargerConfig>();
  for (const [i, dc] of config.docks.entries()) {
    const file = dc.charger.type === 'generic' ? dc.charger.model : undefined;
    if (dc.charger.type === 'generic' && !file)
      throw new ConfigError('config', [`docks[${i}].charger.model: required for the generic charger`]);
    if (!file || models.has(file)) continue;
    const r = await loadGenericChargerConfig(file);
    if (!r.ok) throw new ConfigError(file, r.problems);
    models.set(file, r.config);
  }

  const docks = config.docks.map((dc): DockDevices => {
    const dlog = log.child({ dock: dc.dock });
    const bmsLine = lineFor(dc.bms.port, dc.bms.baudRate);
    // A noisy line costs an exchange, not the reading: each exchange and then the whole read get one more try
    // within the poll period, where the time allows.
    const bms = new JbdBmsDriver(bmsLine.bus, {
      device: `dock-${dc.dock}/bms`,
      timeoutMs: dc.bms.timeoutMs,
      retryWithinMs: config.pollIntervalMs,
    });
    const bmsPoller = new DevicePoller(bms.device, () => bms.read(), {
      clock,
      log: dlog,
      periodMs: config.pollIntervalMs,
      retryMinMs: dc.bms.timeoutMs,
    });
    bmsLine.onLost.push(() => {
      bmsPoller.liveness.lineLost('line closed');
      bms.forgetIdentity();
    });

    let charger: ChargerDriver | null = null;
    const cc = dc.charger;
    if (cc.type !== 'none' && cc.port) {
      const client = modbusFor(cc.port, cc.baudRate, cc.timeoutMs);
      const name = `dock-${dc.dock}/charger`;
      if (cc.type === 'riden') {
        charger = new RidenDriver(client, { name, unit: cc.unit, timeoutMs: cc.timeoutMs, clock });
      } else {
        const model = models.get(cc.model ?? '');
        if (!model) throw new Error(`dock ${dc.dock}: charger model not loaded`);
        charger = new GenericChargerDriver(client, model, { name, unit: cc.unit, timeoutMs: cc.timeoutMs, clock });
      }
    }
    const chargerPoller = charger
      ? new DevicePoller(charger.name, () => (charger as ChargerDriver).read(), {
          clock,
          log: dlog,
          periodMs: config.pollIntervalMs,
          retryMinMs: cc.timeoutMs,
        })
      : null;
    if (chargerPoller && cc.port)
      lineFor(cc.port, cc.baudRate).onLost.push(() => chargerPoller.liveness.lineLost('line closed'));
    // A charger with its own comms watchdog is armed at first contact (and again after it comes back), so a station
    // that dies leaves it switching itself off instead of running at its last current.
    if (chargerPoller && charger?.hasCommsWatchdog && charger.configureTimeout) {
      const arm = charger.configureTimeout.bind(charger);
      let armed = false;
      chargerPoller.liveness.onChange((state) => {
        if (state !== 'alive') armed = false;
      });
      chargerPoller.onReading(() => {
        if (armed) return;
        armed = true;
        arm(commsTimeoutMs(config.pollIntervalMs)).catch((err: unknown) => {
          armed = false;
          dlog.warn(
            { charger: charger.name, err: err instanceof Error ? err.message : String(err) },
            'cannot arm the charger comms watchdog',
          );
        });
      });
    }
    return { config: dc, bms, bmsPoller, charger, chargerPoller };
  });

  return {
    lines: [...lines.values()],
    docks,
    start() {
      for (const l of lines.values()) l.keeper.start();
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
      for (const l of lines.values()) {
        l.bus.dispose();
        await l.keeper.stop();
      }
    },
  };
}
