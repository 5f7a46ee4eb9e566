// Test wiring: a SimStation on serialport mock ports (physics stepped by hand) and the station's real drivers on the
// other end — SerialTransport + LineKeeper + RequestBus + JbdBmsDriver / RidenDriver / VescDriver, as dock-devices
// builds them — so a fault is seen exactly as the station will see it.

import pino from 'pino';
import { LineKeeper } from '../../firmware-bridge/bus/line-keeper.ts';
import { RequestBus } from '../../firmware-bridge/bus/request-bus.ts';
import { RidenDriver } from '../../firmware-bridge/charger/riden-driver.ts';
import { systemClock } from '../../lib/clock.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { JbdBmsDriver } from '../../firmware-bridge/jbd/jbd-driver.ts';
import { createRtuMaster } from '../../firmware-bridge/modbus/modbus-master.ts';
import { SerialTransport } from '../../firmware-bridge/transports/serial-transport.ts';
import { VescDriver } from '../../firmware-bridge/vesc/vesc-driver.ts';
import { FaultInjector } from '../../hardware/faults/fault-injector.ts';
import { SimStation, type SimStationDockOptions } from '../../hardware/station-sim/sim-station.ts';

const log = pino({ level: 'silent' });
let n = 0;

export interface HostLine {
  keeper: LineKeeper;
  bus: RequestBus;
  opened: boolean;
}

function hostLine(address: string, baudRate: number, onLost: () => void): HostLine {
  const transport = new SerialTransport(address, { baudRate });
  const keeper = new LineKeeper(transport, {
    clock: systemClock,
    log,
    minBackoffMs: 10,
    maxBackoffMs: 50,
    random: () => 0,
  });
  const line: HostLine = { keeper, bus: new RequestBus(transport, { clock: systemClock }), opened: false };
  keeper.onChange((open) => {
    line.opened = open;
    if (!open) onLost();
  });
  keeper.start();
  return line;
}

export async function stationRig(docks?: SimStationDockOptions[]) {
  const stationId = `rig-${process.pid}-${++n}`;
  const clock = new ManualClock();
  const station = new SimStation({
    stationId,
    clock,
    speed: 1,
    seed: 5,
    docks: docks ?? [
      {
        dock: 1,
        batteryId: 'RIK-13S-0001',
        pack: { series: 13, socPct: 50, seed: 21 },
        charger: { unit: 1 },
        rickshaw: true,
      },
      {
        dock: 2,
        batteryId: 'RIK-13S-0002',
        pack: { series: 13, socPct: 60, seed: 22 },
        charger: { unit: 2, bus: 'a' },
      },
      {
        dock: 3,
        batteryId: 'RIK-13S-0003',
        pack: { series: 13, socPct: 70, seed: 23 },
        charger: { unit: 3, bus: 'a' },
      },
    ],
  });
  await station.start();
  const faults = new FaultInjector(station);
  const lines = new Map<string, HostLine>();
  const line = (address: string, baud: number, onLost: () => void) => {
    const existing = lines.get(address);
    if (existing) return existing;
    const l = hostLine(address, baud, onLost);
    lines.set(address, l);
    return l;
  };
  const drivers = station.docks.map((d) => {
    const n = d.dock.dock;
    // As the station's device layer does: a lost line makes the BMS driver ask the pack's identity again.
    const bmsLine = line(d.bms.hostAddress, 9600, () => bms.forgetIdentity());
    const bms = new JbdBmsDriver(bmsLine.bus, { device: `dock-${n}/bms`, timeoutMs: 150 });
    const chargerLine = d.charger ? line(d.charger.hostAddress, 115200, () => undefined) : null;
    const charger = chargerLine
      ? new RidenDriver(createRtuMaster(chargerLine.bus, { timeoutMs: 150 }), {
          name: `dock-${n}/charger`,
          unit: d.chargerUnit ?? 1,
          readBattery: 'always',
        })
      : null;
    const vescLine = d.vesc ? line(d.vesc.hostAddress, 115200, () => undefined) : null;
    const vesc = vescLine ? new VescDriver(vescLine.bus, { device: `dock-${n}/vesc`, timeoutMs: 150 }) : null;
    return { dock: n, bms, bmsLine, charger, chargerLine, vesc, vescLine };
  });
  const driversOf = (dock: number) => {
    const d = drivers.find((x) => x.dock === dock);
    if (!d) throw new Error(`no dock ${dock}`);
    return d;
  };
  return {
    clock,
    station,
    faults,
    drivers: driversOf,
    /** Advances the physics by `seconds` in 1 s steps, as the timer would. */
    run(seconds: number) {
      for (let t = 0; t < seconds; t++) station.step(1);
    },
    async stop() {
      for (const l of lines.values()) {
        l.bus.dispose();
        await l.keeper.stop();
      }
      await station.stop();
    },
  };
}
