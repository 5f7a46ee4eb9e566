// One simulated dock: a battery pack model behind a JBD BMS on a serial line, a CC/CV charger wired to it through
// the BMS's charge MOSFET (optionally a Riden RD6018 Modbus slave that drives it), and optionally a docked rickshaw's
// VESC. The station's real drivers talk to it over the wire protocols only.

import { systemClock, type Clock } from '../../lib/clock.ts';
import type { ByteTransport } from '../../firmware-bridge/transports/transport.ts';
import { BatteryPack } from '../battery/battery-pack.ts';
import { ChargerModel, type ChargeablePack } from '../battery/charger-model.ts';
import type { BatteryPackConfigInput } from '../battery/pack-config.ts';
import { JbdBmsSim, type MeasuredPack } from '../jbd/jbd-bms-sim.ts';
import { LineFaults } from '../line/line-faults.ts';
import { RidenSim } from '../riden/riden-sim.ts';
import { DEFAULT_VESC_SIM_FIRMWARE, VescSim } from '../vesc/vesc-sim.ts';

export interface SimDockChargerOptions {
  line: ByteTransport;
  /** Modbus unit on that line. Default 1. */
  unit?: number;
  /** 'tcp' when the line is a Modbus TCP gateway. Default 'rtu'. */
  framing?: 'rtu' | 'tcp';
  /** Paces replies at this baud; omit for no pacing. */
  baudRate?: number;
  serial?: number;
}

export interface SimDockOptions {
  dock: number;
  /** Identity the BMS reports (0x05); unique per pack in the simulator. */
  batteryId: string;
  pack: BatteryPackConfigInput;
  bmsLine: ByteTransport;
  seed: number;
  /** For the Riden sim's reply delays and pacing; the default is real time. */
  clock?: Clock;
  /** A Riden RD6018 on this line drives the dock's charger; without it the charger is set in process only. */
  charger?: SimDockChargerOptions;
  /** A docked rickshaw's motor controller on this line. */
  vescLine?: ByteTransport;
  /** Its controller's hardware id (24 hex digits, the firmware-version answer's UUID): one per rickshaw. */
  vescUuid?: string;
  /** Kilometres its tachometer has counted since the controller booted, at the start. Default 0. */
  vescStartKm?: number;
}

/** The pack as its BMS measures it. */
function measured(pack: BatteryPack): MeasuredPack {
  return {
    cellVoltagesV: () => pack.cellVoltagesV(),
    terminalVoltageV: () => pack.terminalVoltageV(),
    currentA: () => pack.currentA(),
    socPct: () => pack.socPct(),
    temperaturesC: () => pack.temperaturesC(),
    remainingAh: () => pack.remainingAh(),
    ratedAh: () => pack.ratedCapacityAh,
    cycles: () => pack.cycles,
  };
}

interface Fitted {
  batteryId: string;
  pack: BatteryPack;
  bms: JbdBmsSim;
}

export class SimDock {
  readonly dock: number;
  pack: BatteryPack;
  batteryId: string;
  readonly charger = new ChargerModel();
  readonly bmsFaults: LineFaults;
  bms: JbdBmsSim;
  readonly riden: RidenSim | null;
  readonly vesc: VescSim | null;
  /** The battery in the dock before a swap, put back by restoreBattery(). */
  private original: Fitted | null = null;
  /** Set while the battery is out on a ride: it discharges and the charger sees open terminals. */
  private ride: { loadA: number; speedKmh: number } | null = null;
  private readonly gated: ChargeablePack;
  private readonly openTerminals: ChargeablePack;
  private started = false;

  constructor(private readonly opts: SimDockOptions) {
    this.dock = opts.dock;
    this.batteryId = opts.batteryId;
    this.pack = new BatteryPack(opts.pack);
    this.bmsFaults = new LineFaults(opts.seed);
    this.bms = this.makeBms(opts.batteryId, this.pack);
    // Charge current flows only while the BMS keeps its charge MOSFET closed.
    this.gated = {
      openCircuitVoltageV: () => this.pack.openCircuitVoltageV(),
      resistanceOhm: () => this.pack.resistanceOhm(),
      terminalVoltageV: () => this.pack.terminalVoltageV(),
      step: (dt, i) => this.pack.step(dt, this.bms.chargeFetOn() ? i : Math.min(0, i)),
    };
    // Nothing on the charger's output: no current can flow, whatever the set-points.
    this.openTerminals = {
      openCircuitVoltageV: () => Number.MAX_VALUE,
      resistanceOhm: () => 1,
      terminalVoltageV: () => this.chargerTerminalV(),
      step: () => 0,
    };
    const c = opts.charger;
    this.riden = c
      ? new RidenSim({
          line: c.line,
          charger: this.charger,
          clock: opts.clock ?? systemClock,
          unit: c.unit ?? 1,
          framing: c.framing ?? 'rtu',
          ...(c.baudRate ? { baudRate: c.baudRate } : {}),
          ...(c.serial !== undefined ? { serial: c.serial } : {}),
          faults: new LineFaults(opts.seed + 1000),
          around: {
            terminalVoltageV: () => this.chargerTerminalV(),
            probeTempC: () => Math.max(...this.pack.temperaturesC()),
            ambientC: () => this.pack.truth().ambientC,
          },
        })
      : null;
    this.vesc = opts.vescLine
      ? new VescSim({
          transport: opts.vescLine,
          seed: opts.seed + 2000,
          ...(opts.vescUuid ? { firmware: { ...DEFAULT_VESC_SIM_FIRMWARE, uuid: opts.vescUuid } } : {}),
        })
      : null;
    if (opts.vescStartKm) this.vesc?.ride(opts.vescStartKm * 1000);
  }

  /** Line faults of the charger (replies of its Riden sim), or null without one. */
  get chargerFaults(): LineFaults | null {
    return this.riden?.faults ?? null;
  }

  get away(): boolean {
    return this.ride !== null;
  }

  /** Whether the battery in the dock is not the one the dock started with. */
  get swapped(): boolean {
    return this.original !== null;
  }

  start(): void {
    this.started = true;
    this.bms.start();
    this.riden?.start();
    if (this.vesc) void this.vesc.start();
  }

  stop(): void {
    this.started = false;
    this.bms.stop();
    this.riden?.stop();
    if (this.vesc) void this.vesc.stop();
  }

  /** Advances the physics by `dtS` simulated seconds. */
  step(dtS: number): void {
    if (this.ride) {
      this.pack.discharge(dtS, this.ride.loadA);
      this.charger.step(this.openTerminals, dtS);
      this.vesc?.setInputVoltage(this.pack.terminalVoltageV());
      this.vesc?.step(dtS * 1000);
    } else {
      this.charger.step(this.gated, dtS);
    }
    this.bms.evaluate();
    this.riden?.evaluate();
  }

  /** Puts a different pack (with its own BMS id) in the dock; the port-level unplug/replug is the caller's. */
  swapBattery(batteryId: string, pack: BatteryPackConfigInput): void {
    this.original ??= { batteryId: this.batteryId, pack: this.pack, bms: this.bms };
    const fitted = new BatteryPack(pack);
    this.fit({ batteryId, pack: fitted, bms: this.makeBms(batteryId, fitted) });
  }

  /** Puts the dock's own battery back after swapBattery(). */
  restoreBattery(): void {
    if (!this.original) return;
    const o = this.original;
    this.original = null;
    this.fit(o);
  }

  /** The battery leaves on a ride: it discharges at `loadA` until endRide(). */
  startRide(loadA: number, speedKmh = 15): void {
    this.ride = { loadA, speedKmh };
    this.vesc?.setSpeedKmh(speedKmh);
    this.vesc?.setMotorCurrent(loadA);
  }

  endRide(): void {
    this.ride = null;
    this.vesc?.setSpeedKmh(0);
    this.vesc?.setMotorCurrent(0);
  }

  private fit(f: Fitted): void {
    if (this.started) this.bms.stop();
    this.batteryId = f.batteryId;
    this.pack = f.pack;
    this.bms = f.bms;
    if (this.started) this.bms.start();
  }

  /** Each BMS measures its own pack: it travels with the battery when the battery is swapped. */
  private makeBms(hardwareId: string, pack: BatteryPack): JbdBmsSim {
    return new JbdBmsSim(this.opts.bmsLine, { hardwareId, pack: measured(pack), faults: this.bmsFaults });
  }

  private chargerTerminalV(): number {
    if (!this.ride) return this.pack.terminalVoltageV();
    const sp = this.charger.getSetpoints();
    return sp.outputOn ? sp.setVoltageV : 0;
  }
}
