// Station-side driver for a Riden RD60xx over Modbus: identifies the model (its scaling depends on it), reads the
// live block in one request, writes V+I in one FC16, and switches the output off through the safety lane.
//
// The RD60xx has NO comms watchdog: if the station hangs with the output on, the charger keeps charging at its
// last set-points. The station's expiring set-points (loop watchdog → output off) and the device-side OVP/OCP set
// here are what bound that; the BMS charge FET is the last line.

import type { Priority } from '../bus/request-bus.ts';
import type { DeviceCountersSnapshot } from '../bus/device-counters.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import type { ModbusCallOptions, ModbusClient } from '../modbus/modbus-master.ts';
import {
  ChargerError,
  checkSetpoints,
  outputPriority,
  type ChargerDriver,
  type ChargerLimits,
  type ChargerReading,
} from './charger.ts';
import {
  BATTERY_BLOCK,
  blockValues,
  decodeBattery,
  decodeIdentity,
  decodeLive,
  decodeTemperature,
  encodeCurrent,
  encodeVoltage,
  ID_BLOCK,
  RIDEN_MODELS,
  RidenReg,
  ridenModelFromId,
  type RidenIdentity,
  type RidenModel,
  type RidenModelName,
} from './riden-registers.ts';

export interface RidenDriverOptions {
  /** Device name in counters, logs and errors, e.g. `dock-2/charger`. */
  name: string;
  /** Modbus unit address; the RD60xx default is 1. */
  unit?: number;
  /** Model the station config expects; the driver refuses a device that reports another (scaling would be wrong). */
  expectModel?: RidenModelName;
  /** Reply timeout per request, ms. Default: the master's. */
  timeoutMs?: number;
  /** When to read the battery block (Ah, Wh, V_BAT): it costs a second request. Default 'when-output-on'. */
  readBattery?: 'always' | 'when-output-on' | 'never';
  /** Reads regs 4–19 instead of 8–19 to include the internal temperature (still one request). Default false. */
  readTemperature?: boolean;
  clock?: Clock;
}

export class RidenDriver implements ChargerDriver {
  readonly name: string;
  readonly hasCommsWatchdog = false;
  private readonly unit: number;
  private riden: RidenModel | null = null;
  private identity: RidenIdentity | null = null;
  private identifying: Promise<RidenModel> | null = null;
  /** RD6012P current range (reg 20) as last read; it changes the current scaling. */
  private currentRange = 0;
  private readonly clock: Clock;

  constructor(
    private readonly master: ModbusClient,
    private readonly opts: RidenDriverOptions,
  ) {
    this.name = opts.name;
    this.unit = opts.unit ?? 1;
    this.clock = opts.clock ?? systemClock;
  }

  get model(): string | null {
    return this.riden?.name ?? null;
  }

  get limits(): ChargerLimits | null {
    if (!this.riden) return null;
    // An RD6012P in its low range cannot represent more than 6.5535 A at ×10000.
    const maxCurrentA = this.riden.hasCurrentRange && this.currentRange === 0 ? 6 : this.riden.maxCurrentA;
    return { maxVoltageV: this.riden.maxVoltageV, maxCurrentA };
  }

  get deviceIdentity(): RidenIdentity | null {
    return this.identity;
  }

  private call(label: string, priority: Priority = 'normal'): ModbusCallOptions {
    return {
      device: this.name,
      label,
      priority,
      ...(this.opts.timeoutMs === undefined ? {} : { timeoutMs: this.opts.timeoutMs }),
    };
  }

  /** Reads ID, serial and firmware (vector M4) and picks the scaling; repeated calls share one request. */
  identify(): Promise<RidenModel> {
    if (this.riden) return Promise.resolve(this.riden);
    this.identifying ??= this.doIdentify().finally(() => (this.identifying = null));
    return this.identifying;
  }

  private async doIdentify(): Promise<RidenModel> {
    const regs = await this.master.readHoldingRegisters(
      this.unit,
      ID_BLOCK.start,
      ID_BLOCK.count,
      this.call('read id, serial, firmware'),
    );
    const identity = decodeIdentity(regs);
    const m = ridenModelFromId(identity.modelId);
    if (!m) throw new ChargerError('UNKNOWN_MODEL', this.name, `model id ${identity.modelId} is not a known RD60xx`);
    if (this.opts.expectModel && m.name !== this.opts.expectModel) {
      throw new ChargerError(
        'MODEL_MISMATCH',
        this.name,
        `device is an ${m.name} (id ${identity.modelId}), config says ${this.opts.expectModel}`,
      );
    }
    if (m.hasCurrentRange) {
      const [range = 0] = await this.master.readHoldingRegisters(
        this.unit,
        RidenReg.currentRange,
        1,
        this.call('read current range'),
      );
      this.currentRange = range;
    }
    this.identity = identity;
    this.riden = m;
    return m;
  }

  /** Forgets the model, so the next call identifies again (after a reconnect the unit may have been swapped). */
  forgetIdentity(): void {
    this.riden = null;
    this.identity = null;
  }

  async read(): Promise<ChargerReading> {
    const m = await this.identify();
    const start = this.opts.readTemperature ? RidenReg.tempSign : RidenReg.setVoltage;
    const end = m.hasCurrentRange ? RidenReg.currentRange : RidenReg.preset;
    const live = blockValues(
      { start, count: end - start + 1 },
      await this.master.readHoldingRegisters(
        this.unit,
        start,
        end - start + 1,
        this.call(`read live regs ${start}-${end}`),
      ),
    );
    if (m.hasCurrentRange) this.currentRange = live.get(RidenReg.currentRange) ?? this.currentRange;
    const l = decodeLive(live, m);
    const at = this.clock.now();
    const reading: ChargerReading = {
      online: true,
      at,
      outputOn: l.outputOn,
      setVoltageV: l.setVoltageV,
      setCurrentA: l.setCurrentA,
      voltageV: l.voltageV,
      currentA: l.currentA,
      ...(l.powerW === undefined ? {} : { powerW: l.powerW }),
      inputV: l.inputV,
      protection: l.protection,
      ...(l.protection === 'other' ? { protectionCode: l.protectionCode } : {}),
      mode: l.mode,
      ...(this.opts.readTemperature ? { tempC: decodeTemperature(live) } : {}),
    };
    const battery = this.opts.readBattery ?? 'when-output-on';
    if (battery === 'always' || (battery === 'when-output-on' && l.outputOn)) {
      const regs = await this.master.readHoldingRegisters(
        this.unit,
        BATTERY_BLOCK.start,
        BATTERY_BLOCK.count,
        this.call('read battery regs 32-41'),
      );
      const b = decodeBattery(blockValues(BATTERY_BLOCK, regs), m);
      Object.assign(reading, { batteryV: b.batteryV, ah: b.ah, wh: b.wh });
    }
    return reading;
  }

  async setOutput(on: boolean, priority?: Priority): Promise<void> {
    // No identify() first: switching off must work even when identification is what fails.
    await this.master.writeRegister(
      this.unit,
      RidenReg.output,
      on ? 1 : 0,
      this.call(`output ${on ? 'on' : 'off'}`, outputPriority(on, priority)),
    );
  }

  /** Both set-points in one FC16 write to regs 8–9 (vector M10), so the charger never runs a half-updated pair. */
  async setVoltageCurrent(voltageV: number, currentA: number, priority?: Priority): Promise<void> {
    const m = await this.checked(voltageV, currentA);
    const values = [encodeVoltage(voltageV, m), encodeCurrent(currentA, m, this.currentRange)];
    await this.master.writeRegisters(
      this.unit,
      RidenReg.setVoltage,
      values,
      this.call(`set ${voltageV} V ${currentA} A`, priority),
    );
  }

  /** Voltage set-point alone (FC06 to reg 8, vectors M7/M8). */
  async setVoltage(voltageV: number, priority?: Priority): Promise<void> {
    const m = await this.checked(voltageV, 0);
    await this.master.writeRegister(
      this.unit,
      RidenReg.setVoltage,
      encodeVoltage(voltageV, m),
      this.call(`set ${voltageV} V`, priority),
    );
  }

  /** Current set-point alone (FC06 to reg 9, vector M9). */
  async setCurrent(currentA: number, priority?: Priority): Promise<void> {
    const m = await this.checked(0, currentA);
    await this.master.writeRegister(
      this.unit,
      RidenReg.setCurrent,
      encodeCurrent(currentA, m, this.currentRange),
      this.call(`set ${currentA} A`, priority),
    );
  }

  /** OVP and OCP of the active memory (regs 82–83) in one FC16: the charger's own clamp if a set-point runs away. */
  async setProtection(ovpV: number, ocpA: number): Promise<void> {
    const m = await this.checked(ovpV, ocpA);
    const values = [encodeVoltage(ovpV, m), encodeCurrent(ocpA, m, this.currentRange)];
    await this.master.writeRegisters(
      this.unit,
      RidenReg.ovp,
      values,
      this.call(`protection OVP ${ovpV} V OCP ${ocpA} A`),
    );
  }

  /** OVP alone (FC06 to reg 82, vector M11). */
  async setOvp(ovpV: number): Promise<void> {
    const m = await this.checked(ovpV, 0);
    await this.master.writeRegister(this.unit, RidenReg.ovp, encodeVoltage(ovpV, m), this.call(`OVP ${ovpV} V`));
  }

  /** Identifies first (the scaling depends on the model), then range-checks against the model's limits. */
  private async checked(voltageV: number, currentA: number): Promise<RidenModel> {
    const m = await this.identify();
    const err = checkSetpoints(this.name, voltageV, currentA, this.limits ?? RIDEN_MODELS[m.name]);
    if (err) throw err;
    return m;
  }

  counters(): DeviceCountersSnapshot {
    return this.master.countersFor(this.name).snapshot();
  }
}
