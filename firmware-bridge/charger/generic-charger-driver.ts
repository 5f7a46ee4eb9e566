// A Modbus charger driver whose whole register map comes from a validated model file (generic-charger-config.ts),
// so a new charger model needs a JSON file, not code. Same contract as the Riden driver: off via the safety lane.

import type { DeviceCountersSnapshot } from '../bus/device-counters.ts';
import type { Priority } from '../bus/request-bus.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import type { ModbusCallOptions, ModbusClient } from '../modbus/modbus-master.ts';
import {
  ChargerError,
  checkSetpoints,
  outputPriority,
  type ChargerDriver,
  type ChargerLimits,
  type ChargerProtection,
  type ChargerReading,
} from './charger.ts';
import type { GenericChargerConfig, ScaledRegister, WritableRegister } from './generic-charger-config.ts';

export interface GenericChargerDriverOptions {
  /** Device name in counters, logs and errors, e.g. `dock-2/charger`. */
  name: string;
  /** Modbus unit address; default the model file's defaultUnit. */
  unit?: number;
  /** Reply timeout per request, ms. Default: the master's. */
  timeoutMs?: number;
  clock?: Clock;
}

/** Decimal places that a multiplier or offset can produce, so 5123 × 0.01 reads 51.23, not 51.230000000000004. */
function decimals(x: number): number {
  let d = 0;
  while (d < 10 && Math.abs(Math.round(x * 10 ** d) - x * 10 ** d) > 1e-9) d++;
  return d;
}

export class GenericChargerDriver implements ChargerDriver {
  readonly name: string;
  readonly model: string;
  readonly limits: ChargerLimits;
  readonly hasCommsWatchdog: boolean;
  readonly configureTimeout?: (timeoutMs: number) => Promise<void>;
  readonly setProtection?: (ovpV: number, ocpA: number) => Promise<void>;
  private readonly unit: number;
  private readonly clock: Clock;
  private identified: Promise<void> | null = null;

  constructor(
    private readonly master: ModbusClient,
    private readonly config: GenericChargerConfig,
    private readonly opts: GenericChargerDriverOptions,
  ) {
    this.name = opts.name;
    this.model = config.model;
    this.limits = { ...config.limits };
    this.unit = opts.unit ?? config.defaultUnit;
    this.clock = opts.clock ?? systemClock;
    this.hasCommsWatchdog = config.commsTimeout !== undefined;
    // Optional capabilities exist only when the model file describes them, so callers can test for them.
    const watchdog = config.commsTimeout;
    if (watchdog) {
      this.configureTimeout = async (timeoutMs) => {
        const raw = Math.round(timeoutMs / watchdog.msPerUnit);
        if (!Number.isFinite(raw) || raw < 0 || raw > 0xffff)
          throw new ChargerError('OUT_OF_RANGE', this.name, `comms timeout ${timeoutMs} ms does not fit the register`);
        await this.write(watchdog.register, [raw], watchdog.functionCode, `comms timeout ${timeoutMs} ms`);
      };
    }
    const prot = config.protectionLimits;
    if (prot) {
      this.setProtection = async (ovpV, ocpA) => {
        await this.ensureIdentified();
        const err = checkSetpoints(this.name, ovpV, ocpA, this.limits);
        if (err) throw err;
        await this.writePair(
          prot.ovp,
          ovpV,
          prot.ocp,
          ocpA,
          prot.functionCode,
          `protection OVP ${ovpV} V OCP ${ocpA} A`,
        );
      };
    }
  }

  private call(label: string, priority: Priority = 'normal'): ModbusCallOptions {
    return {
      device: this.name,
      label,
      priority,
      ...(this.opts.timeoutMs === undefined ? {} : { timeoutMs: this.opts.timeoutMs }),
    };
  }

  private readBlock(fc: 3 | 4, start: number, count: number, label: string): Promise<number[]> {
    return fc === 3
      ? this.master.readHoldingRegisters(this.unit, start, count, this.call(label))
      : this.master.readInputRegisters(this.unit, start, count, this.call(label));
  }

  /** Checks the model id once (before the first read or set-point write); a failure is retried next time. */
  private ensureIdentified(): Promise<void> {
    const id = this.config.identity;
    if (!id) return Promise.resolve();
    this.identified ??= (async () => {
      const [value = -1] = await this.readBlock(id.functionCode, id.register, id.readCount, 'read identity');
      const fits = id.accept.some((a) => (typeof a === 'number' ? a === value : value >= a.min && value <= a.max));
      if (!fits)
        throw new ChargerError(
          'MODEL_MISMATCH',
          this.name,
          `model id ${value} does not fit model file ${this.config.model}`,
        );
    })().catch((err: unknown) => {
      this.identified = null;
      throw err;
    });
    return this.identified;
  }

  async read(): Promise<ChargerReading> {
    await this.ensureIdentified();
    const regs = new Map<number, number>();
    const load = async (when: 'always' | 'output-on') => {
      for (const b of this.config.reads.filter((x) => x.when === when)) {
        const values = await this.readBlock(
          b.functionCode,
          b.start,
          b.count,
          `read regs ${b.start}-${b.start + b.count - 1}`,
        );
        values.forEach((v, i) => regs.set(b.start + i, v));
      }
    };
    await load('always');
    const at = this.clock.now();
    const raw = (reg: number) => regs.get(reg) ?? 0;
    const outputOn = raw(this.config.output.register) === this.config.output.on;
    if (outputOn) await load('output-on');

    const value = (s: ScaledRegister | WritableRegister): number => {
      const sr: ScaledRegister = 'words' in s ? s : { ...s, words: 1, signed: false };
      let r = sr.words === 2 ? raw(sr.register) * 0x10000 + raw(sr.register + 1) : raw(sr.register);
      if (sr.signed) r = sr.words === 2 ? (r >= 0x80000000 ? r - 0x100000000 : r) : r >= 0x8000 ? r - 0x10000 : r;
      if (sr.signRegister !== undefined && raw(sr.signRegister) !== 0) r = -Math.abs(r);
      return Number((r * sr.multiplier + sr.offset).toFixed(Math.max(decimals(sr.multiplier), decimals(sr.offset))));
    };
    const optional = (key: 'powerW' | 'inputV' | 'tempC' | 'batteryV' | 'ah' | 'wh') => {
      const m = this.config.measurements[key];
      if (!m) return {};
      // Registers of 'output-on' blocks are absent while the output is off: leave those fields out.
      const regsNeeded = [m.register, ...(m.words === 2 ? [m.register + 1] : [])];
      return regsNeeded.every((r) => regs.has(r)) ? { [key]: value(m) } : {};
    };

    const setCurrentA = value(this.config.setpoints.current);
    const currentA = value(this.config.measurements.currentA);
    const { protection, protectionCode } = this.protection(raw);
    const mode = this.config.mode
      ? raw(this.config.mode.register) === this.config.mode.ccValue
        ? 'cc'
        : 'cv'
      : setCurrentA > 0 && currentA >= 0.97 * setCurrentA
        ? 'cc'
        : 'cv';
    return {
      online: true,
      at,
      outputOn,
      setVoltageV: value(this.config.setpoints.voltage),
      setCurrentA,
      voltageV: value(this.config.measurements.voltageV),
      currentA,
      protection,
      ...(protection === 'other' ? { protectionCode } : {}),
      mode,
      ...optional('powerW'),
      ...optional('inputV'),
      ...optional('tempC'),
      ...optional('batteryV'),
      ...optional('ah'),
      ...optional('wh'),
    };
  }

  private protection(raw: (reg: number) => number): { protection: ChargerProtection; protectionCode: number } {
    const p = this.config.protection;
    if (!p) return { protection: 'none', protectionCode: 0 };
    const code = raw(p.register);
    return { protection: p.values[String(code)] ?? 'other', protectionCode: code };
  }

  async setOutput(on: boolean, priority?: Priority): Promise<void> {
    const o = this.config.output;
    // No identity check first: switching off must work even when identification is what fails.
    await this.write(
      o.register,
      [on ? o.on : o.off],
      o.functionCode,
      `output ${on ? 'on' : 'off'}`,
      outputPriority(on, priority),
    );
  }

  async setVoltageCurrent(voltageV: number, currentA: number, priority?: Priority): Promise<void> {
    const err = checkSetpoints(this.name, voltageV, currentA, this.limits);
    if (err) throw err;
    await this.ensureIdentified();
    const s = this.config.setpoints;
    await this.writePair(
      s.voltage,
      voltageV,
      s.current,
      currentA,
      s.functionCode,
      `set ${voltageV} V ${currentA} A`,
      priority,
    );
  }

  private encode(r: WritableRegister, v: number, what: string): number {
    const raw = Math.round((v - r.offset) / r.multiplier);
    if (!(raw >= 0 && raw <= 0xffff))
      throw new ChargerError('OUT_OF_RANGE', this.name, `${what} ${v} gives raw ${raw}, not a u16`);
    return raw;
  }

  /** Two registers in one FC16 when adjacent (no half-updated pair on the device), else one write each. */
  private async writePair(
    a: WritableRegister,
    av: number,
    b: WritableRegister,
    bv: number,
    fc: 6 | 16,
    label: string,
    priority?: Priority,
  ): Promise<void> {
    const ra = this.encode(a, av, 'first value');
    const rb = this.encode(b, bv, 'second value');
    if (fc === 16 && Math.abs(a.register - b.register) === 1) {
      const values = a.register < b.register ? [ra, rb] : [rb, ra];
      await this.write(Math.min(a.register, b.register), values, 16, label, priority);
      return;
    }
    await this.write(a.register, [ra], fc, label, priority);
    await this.write(b.register, [rb], fc, label, priority);
  }

  private async write(
    register: number,
    values: number[],
    fc: 6 | 16,
    label: string,
    priority?: Priority,
  ): Promise<void> {
    const [first = 0] = values;
    if (fc === 6 && values.length === 1)
      await this.master.writeRegister(this.unit, register, first, this.call(label, priority));
    else await this.master.writeRegisters(this.unit, register, values, this.call(label, priority));
  }

  counters(): DeviceCountersSnapshot {
    return this.master.countersFor(this.name).snapshot();
  }
}
