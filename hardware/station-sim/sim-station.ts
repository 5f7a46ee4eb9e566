// A station's worth of simulated docks, stepped on an injected clock (optionally faster than real time). Each device
// sits on a port (serialport mock binding by default, or socat ptys / TCP listeners) that a station opens; several
// Riden chargers may share one RS-485 line with different unit ids. Also holds the station's I/O board model.

import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { BatteryPackConfigInput } from '../battery/pack-config.ts';
import { IoBoardModel } from '../io-board/io-board-model.ts';
import { mockPortFactory, type SimPort, type SimPortFactory } from '../ports/sim-port.ts';
import { SimDock } from './sim-dock.ts';

export const BMS_BAUD = 9600;
export const RIDEN_BAUD = 115200;
export const VESC_BAUD = 115200;

export interface SimStationDockOptions {
  dock: number;
  batteryId: string;
  pack: BatteryPackConfigInput;
  /** A plain charger the station cannot control: simply on, as a commodity e-bike charger would be. */
  standaloneCharger?: { voltageV: number; currentA: number };
  /** A Riden RD6018 the station controls over Modbus. `bus` names a line shared with other docks' chargers. */
  charger?: { unit?: number; bus?: string; serial?: number };
  /** A rickshaw is docked: its VESC answers on a line of its own. */
  rickshaw?: boolean;
  /** Its controller's hardware id, 24 hex digits; default one made from the station id and dock number. */
  rickshawId?: string;
  /** Kilometres on its tachometer at the start. Default 0. */
  rickshawKm?: number;
}

/** A hardware id for a simulated rickshaw: stable for a station and dock, different between them. */
export function simRickshawId(stationId: string, dock: number): string {
  let h = 0x811c9dc5;
  for (const ch of `${stationId}/${dock}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `5a${h.toString(16).padStart(8, '0')}${dock.toString(16).padStart(4, '0')}0000000000`.slice(0, 24);
}

export interface SimStationOptions {
  stationId: string;
  docks: SimStationDockOptions[];
  clock: Clock;
  /** Simulated seconds per real second. */
  speed: number;
  /** Physics step period in real ms. */
  stepMs?: number;
  seed: number;
  /** Where devices are put; default serialport mock ports `rikscha/<stationId>/dock-<n>/<device>`. */
  ports?: SimPortFactory;
  /** Pace replies at each line's baud (10 bits per character), for the bench. Default false. */
  paceReplies?: boolean;
}

export type DeviceKind = 'bms' | 'charger' | 'vesc';

export interface SimStationDock {
  dock: SimDock;
  bms: SimPort;
  /** The Riden's line; on a shared bus the same port object for every dock on it. */
  charger: SimPort | null;
  chargerUnit: number | null;
  vesc: SimPort | null;
}

export interface SimDeviceInfo {
  dock: number;
  kind: DeviceKind;
  /** What a station config puts in `port`. */
  address: string;
  transport: SimPort['kind'];
  present: boolean;
  baudRate: number;
  /** Modbus unit, for chargers. */
  unit?: number;
  /** Other docks on the same line (shared RS-485 bus). */
  sharedWith?: number[];
  /** BMS: the battery id it reports. */
  batteryId?: string;
}

export class SimStation {
  readonly stationId: string;
  readonly docks: SimStationDock[];
  readonly ioBoard: IoBoardModel;
  private readonly ports: SimPort[] = [];
  private readonly stepListeners = new Set<(simTimeS: number, dtS: number) => void>();
  private timer: TimerHandle | null = null;
  private running = false;
  private lastAt = 0;
  private simS = 0;

  constructor(private readonly opts: SimStationOptions) {
    this.stationId = opts.stationId;
    const factory = opts.ports ?? mockPortFactory(opts.stationId);
    const make = (name: string, baud: number): SimPort => {
      const p = factory(name, baud);
      this.ports.push(p);
      return p;
    };
    const buses = new Map<string, SimPort>();
    const pace = (baud: number) => (opts.paceReplies ? { baudRate: baud } : {});
    this.docks = opts.docks.map((d, i) => {
      const bms = make(`dock-${d.dock}/bms`, BMS_BAUD);
      let charger: SimPort | null = null;
      if (d.charger) {
        const bus = d.charger.bus;
        charger = bus
          ? (buses.get(bus) ?? make(`bus-${bus}/chargers`, RIDEN_BAUD))
          : make(`dock-${d.dock}/charger`, RIDEN_BAUD);
        if (bus) buses.set(bus, charger);
      }
      const vesc = d.rickshaw ? make(`dock-${d.dock}/vesc`, VESC_BAUD) : null;
      const dock = new SimDock({
        dock: d.dock,
        batteryId: d.batteryId,
        pack: d.pack,
        bmsLine: bms.device,
        seed: opts.seed + i,
        clock: opts.clock,
        ...(charger
          ? {
              charger: {
                line: charger.device,
                unit: d.charger?.unit ?? 1,
                framing: charger.kind === 'tcp' ? ('tcp' as const) : ('rtu' as const),
                ...pace(RIDEN_BAUD),
                serial: d.charger?.serial ?? 10_000 + d.dock,
              },
            }
          : {}),
        ...(vesc
          ? {
              vescLine: vesc.device,
              vescUuid: d.rickshawId ?? simRickshawId(opts.stationId, d.dock),
              ...(d.rickshawKm ? { vescStartKm: d.rickshawKm } : {}),
            }
          : {}),
      });
      if (d.standaloneCharger && !d.charger) {
        dock.charger.setVoltage(d.standaloneCharger.voltageV);
        dock.charger.setCurrent(d.standaloneCharger.currentA);
        dock.charger.setOutput(true);
      }
      return { dock, bms, charger, chargerUnit: d.charger ? (d.charger.unit ?? 1) : null, vesc };
    });
    this.ioBoard = new IoBoardModel(['status', ...opts.docks.map((d) => `dock-${d.dock}`)]);
  }

  get speed(): number {
    return this.opts.speed;
  }

  /** Simulated seconds since start. */
  get simTimeS(): number {
    return this.simS;
  }

  dock(n: number): SimStationDock {
    const d = this.docks.find((x) => x.dock.dock === n);
    if (!d) throw new Error(`no simulated dock ${n}; docks are ${this.docks.map((x) => x.dock.dock).join(', ')}`);
    return d;
  }

  /** Address a station config uses for a dock's BMS. */
  bmsAddress(dock: number): string {
    return this.dock(dock).bms.hostAddress;
  }

  /** Address of a dock's charger line (shared by the docks on one bus), or null without a Riden. */
  chargerAddress(dock: number): string | null {
    return this.dock(dock).charger?.hostAddress ?? null;
  }

  vescAddress(dock: number): string | null {
    return this.dock(dock).vesc?.hostAddress ?? null;
  }

  /** The port a fault or a person would unplug for this device. */
  port(dock: number, kind: DeviceKind): SimPort | null {
    const d = this.dock(dock);
    return kind === 'bms' ? d.bms : kind === 'charger' ? d.charger : d.vesc;
  }

  /** Every device with where it is, for `rikscha sim`'s table and GET /api/sim. */
  devices(): SimDeviceInfo[] {
    const out: SimDeviceInfo[] = [];
    for (const d of this.docks) {
      const n = d.dock.dock;
      out.push({
        dock: n,
        kind: 'bms',
        address: d.bms.hostAddress,
        transport: d.bms.kind,
        present: d.bms.present,
        baudRate: BMS_BAUD,
        batteryId: d.dock.batteryId,
      });
      if (d.charger) {
        const charger = d.charger;
        const shared = this.docks.filter((x) => x !== d && x.charger === charger).map((x) => x.dock.dock);
        out.push({
          dock: n,
          kind: 'charger',
          address: charger.hostAddress,
          transport: charger.kind,
          present: charger.present,
          baudRate: RIDEN_BAUD,
          unit: d.chargerUnit ?? 1,
          ...(shared.length ? { sharedWith: shared } : {}),
        });
      }
      if (d.vesc)
        out.push({
          dock: n,
          kind: 'vesc',
          address: d.vesc.hostAddress,
          transport: d.vesc.kind,
          present: d.vesc.present,
          baudRate: VESC_BAUD,
        });
    }
    return out;
  }

  /** Changes the air temperature around every pack, °C. */
  setAmbient(ambientC: number): void {
    for (const d of this.docks) d.dock.pack.setAmbient(ambientC);
  }

  /** Called after every physics step with the simulated time and the step; the scenario runner hooks in here. */
  onStep(listener: (simTimeS: number, dtS: number) => void): () => void {
    this.stepListeners.add(listener);
    return () => this.stepListeners.delete(listener);
  }

  async start(): Promise<void> {
    for (const p of this.ports) await p.plug();
    for (const d of this.docks) d.dock.start();
    this.running = true;
    this.lastAt = this.opts.clock.monotonic();
    this.schedule();
  }

  /** Advances the physics by `dtS` simulated seconds now (tests; the timer does this while running). */
  step(dtS: number): void {
    this.simS += dtS;
    for (const d of this.docks) d.dock.step(dtS);
    for (const l of this.stepListeners) l(this.simS, dtS);
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => {
      const now = this.opts.clock.monotonic();
      const dtS = ((now - this.lastAt) / 1000) * this.opts.speed;
      this.lastAt = now;
      this.step(dtS);
      this.schedule();
    }, this.opts.stepMs ?? 100);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    for (const d of this.docks) d.dock.stop();
    // In parallel: each pty needs its socat to exit, and a stop must fit the CLI's shutdown deadline.
    await Promise.all(this.ports.map((p) => p.dispose()));
  }
}
