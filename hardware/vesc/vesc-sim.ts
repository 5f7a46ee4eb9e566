// A simulated VESC on the device end of a ByteTransport: it decodes requests with the real codec and answers
// GET_VALUES, GET_VALUES_SELECTIVE and FW_VERSION like the firmware, from a small model of a rickshaw being ridden.

import type { Clock } from '../../lib/clock.ts';
import type { ByteTransport, Unsubscribe } from '../../firmware-bridge/transports/transport.ts';
import {
  decodeVescRequest,
  encodeFwVersionReply,
  encodeGetValuesReply,
  encodeGetValuesSelectiveReply,
  vescFault,
  vescFaultCode,
  type VescFaultName,
  type VescFirmwareInfo,
  type VescRequest,
  type VescValues,
} from '../../firmware-bridge/vesc/vesc-commands.ts';
import { VescFrameDecoder } from '../../firmware-bridge/vesc/vesc-decoder.ts';
import {
  checkOdometerConfig,
  metresPerTachoStep,
  type OdometerConfig,
} from '../../firmware-bridge/vesc/vesc-odometer.ts';
import { encodeVescPacket } from '../../firmware-bridge/vesc/vesc-packet.ts';

export interface VescSimOptions {
  /** The device end of the line, e.g. `createMemoryLink('dock-1-vesc').device`. */
  transport: ByteTransport;
  /** When given, the model rides on to `clock.monotonic()` before each answer; otherwise only step() moves it. */
  clock?: Clock;
  /** Default: 23 pole pairs, 1.65 m wheel, hub motor (gear 1), a common e-rickshaw rear hub. */
  geometry?: OdometerConfig;
  /** ERPM per volt at full duty, for the duty the model reports. Default 120 (≈ 25 km/h at 48 V, default wheel). */
  erpmPerVolt?: number;
  firmware?: VescFirmwareInfo;
  controllerId?: number;
  /** Seed for garbage bytes; the same seed gives the same bytes. */
  seed?: number;
  /** The firmware's app timeout (APPCONF_TIMEOUT_MSEC); only tracked with a clock. Default 1000. */
  appTimeoutMs?: number;
}

export const DEFAULT_VESC_SIM_FIRMWARE: VescFirmwareInfo = {
  major: 6,
  minor: 5,
  hwName: '60',
  uuid: '3a001b000f5131373634383a',
  pairingDone: false,
  testVersion: 0,
  hwType: 0,
  customConfigs: 0,
  hasPhaseFilters: false,
  qmlHw: 0,
  qmlApp: 0,
  nrfFlags: 0,
  fwName: '',
};

export class VescSim {
  // Model state, SI units.
  private speedKmh = 0;
  private motorCurrentA = 0;
  private inputV = 50.4;
  private tempFetC = 25;
  private tempMotorC = 25;
  private faultCode = 0;
  /** Fractional commutation steps, so slow speeds and small steps still add up exactly. */
  private tachoSteps = 0;
  private tachoAbsSteps = 0;
  private ampSeconds = 0;
  private ampSecondsCharged = 0;
  private wattSeconds = 0;
  private wattSecondsCharged = 0;
  private lastSyncMs: number;
  private lastCommandMs: number | null = null;

  // Fault hooks.
  private silent = false;
  private corruptLeft = 0;
  private garbagePerReply = 0;
  private rng: number;

  /** Every request decoded while answering, newest last (tests and the training UI look here). */
  readonly requests: VescRequest[] = [];
  /** The last SET_CURRENT / SET_CURRENT_BRAKE received, in A as on the wire (a brake current is positive). */
  lastSetpoint: { kind: 'current' | 'brake'; amps: number } | null = null;
  repliesSent = 0;
  lastWriteError: unknown = null;

  private readonly decoder = new VescFrameDecoder();
  private readonly geometry: OdometerConfig;
  private readonly firmware: VescFirmwareInfo;
  private readonly controllerId: number;
  private readonly erpmPerVolt: number;
  private readonly appTimeoutMs: number;
  private readonly unsubscribe: Unsubscribe[] = [];

  constructor(private readonly opts: VescSimOptions) {
    this.geometry = opts.geometry ?? { polePairs: 23, wheelCircumferenceM: 1.65, gearRatio: 1 };
    checkOdometerConfig(this.geometry);
    this.firmware = opts.firmware ?? DEFAULT_VESC_SIM_FIRMWARE;
    this.controllerId = opts.controllerId ?? 0;
    this.erpmPerVolt = opts.erpmPerVolt ?? 120;
    this.appTimeoutMs = opts.appTimeoutMs ?? 1000;
    this.rng = (opts.seed ?? 0x9e3779b9) >>> 0 || 1;
    this.lastSyncMs = opts.clock?.monotonic() ?? 0;
  }

  /** Opens the device end (if needed) and starts answering. */
  async start(): Promise<void> {
    if (!this.opts.transport.isOpen) await this.opts.transport.open();
    this.unsubscribe.push(this.opts.transport.onData((chunk) => this.onData(chunk)));
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await this.opts.transport.close();
  }

  // ---- the rickshaw model ----

  setSpeedKmh(kmh: number): void {
    this.syncToClock();
    this.speedKmh = kmh;
  }

  setMotorCurrent(amps: number): void {
    this.syncToClock();
    this.motorCurrentA = amps;
  }

  setInputVoltage(volts: number): void {
    this.syncToClock();
    this.inputV = volts;
  }

  setTemperatures(t: { fetC?: number; motorC?: number }): void {
    if (t.fetC !== undefined) this.tempFetC = t.fetC;
    if (t.motorC !== undefined) this.tempMotorC = t.motorC;
  }

  /** Sets the fault the firmware reports (0 clears it). */
  setFault(fault: number | VescFaultName): void {
    this.faultCode = typeof fault === 'number' ? fault : vescFaultCode(fault);
  }

  /** Rides on for `dtMs` at the current speed and current: tachometer, amp- and watt-hours grow. */
  step(dtMs: number): void {
    if (dtMs <= 0) return;
    const dt = dtMs / 1000;
    const metres = (this.speedKmh / 3.6) * dt;
    this.addDistance(metres);
    const iIn = this.inputCurrentA();
    if (iIn >= 0) {
      this.ampSeconds += iIn * dt;
      this.wattSeconds += iIn * this.inputV * dt;
    } else {
      this.ampSecondsCharged += -iIn * dt;
      this.wattSecondsCharged += -iIn * this.inputV * dt;
    }
  }

  /** Moves the wheel by `metres` at once (negative rolls backwards): the quick way to grow the odometer in tests. */
  ride(metres: number): void {
    this.addDistance(metres);
  }

  /** What GET_VALUES would report now. */
  values(): VescValues {
    this.syncToClock();
    const erpm = this.erpm();
    const duty = this.duty(erpm);
    const timeoutActive =
      this.opts.clock !== undefined &&
      (this.lastCommandMs === null || this.opts.clock.monotonic() - this.lastCommandMs > this.appTimeoutMs);
    return {
      tempFetC: this.tempFetC,
      tempMotorC: this.tempMotorC,
      motorCurrentA: this.motorCurrentA,
      inputCurrentA: this.inputCurrentA(),
      idA: 0,
      iqA: this.motorCurrentA,
      duty,
      erpm,
      inputV: this.inputV,
      ampHours: this.ampSeconds / 3600,
      ampHoursCharged: this.ampSecondsCharged / 3600,
      wattHours: this.wattSeconds / 3600,
      wattHoursCharged: this.wattSecondsCharged / 3600,
      // The firmware keeps these in C ints, which wrap.
      tachometer: Math.trunc(this.tachoSteps) | 0,
      tachometerAbs: Math.trunc(this.tachoAbsSteps) | 0,
      fault: vescFault(this.faultCode),
      pidPosDeg: 0,
      controllerId: this.controllerId,
      tempMosC: [this.tempFetC, this.tempFetC, this.tempFetC],
      vdV: 0,
      // Rough: the q-axis voltage the duty implies under space-vector modulation.
      vqV: (duty * this.inputV) / Math.sqrt(3),
      timeoutActive,
      killSwitchActive: false,
    };
  }

  // ---- fault hooks ----

  /** Stops answering (a dead controller, a broken RX wire) until called with false. */
  setNoAnswer(on: boolean): void {
    this.silent = on;
  }

  /** The next `n` replies go out with a wrong CRC (line noise on the return path). */
  corruptNextReplies(n: number): void {
    this.corruptLeft = Math.max(0, Math.floor(n));
  }

  /** Every reply from now on is preceded by `n` noise bytes (0 stops it): the host must resynchronise each time. */
  garbageBeforeReplies(n: number): void {
    this.garbagePerReply = Math.max(0, Math.floor(n));
  }

  /** Sends noise down the line now: the given bytes, or `n` seeded pseudo-random bytes. */
  emitGarbage(bytesOrCount: Uint8Array | number): Promise<void> {
    const bytes = typeof bytesOrCount === 'number' ? this.noise(bytesOrCount) : bytesOrCount;
    return this.opts.transport.write(bytes);
  }

  clearFaults(): void {
    this.silent = false;
    this.corruptLeft = 0;
    this.garbagePerReply = 0;
    this.faultCode = 0;
  }

  // ---- the firmware side ----

  private onData(chunk: Buffer): void {
    if (this.silent) return;
    for (const ev of this.decoder.push(chunk)) {
      if (ev.kind !== 'frame') continue;
      const req = decodeVescRequest(ev.frame.payload);
      if (!req.ok) continue; // the firmware ignores ids it does not handle
      this.requests.push(req.value);
      this.answer(req.value);
    }
  }

  private answer(req: VescRequest): void {
    switch (req.command) {
      case 'FW_VERSION':
        return this.reply(encodeFwVersionReply(this.firmware));
      case 'GET_VALUES':
        return this.reply(encodeGetValuesReply(this.values()));
      case 'GET_VALUES_SELECTIVE':
        return this.reply(encodeGetValuesSelectiveReply(this.values(), req.mask));
      case 'ALIVE':
        this.touch();
        return;
      case 'SET_CURRENT':
        this.touch();
        this.lastSetpoint = { kind: 'current', amps: req.amps };
        this.setMotorCurrent(req.amps);
        return;
      case 'SET_CURRENT_BRAKE':
        this.touch();
        this.lastSetpoint = { kind: 'brake', amps: req.amps };
        return;
      case 'SET_DUTY':
      case 'SET_RPM':
        this.touch();
        return;
    }
  }

  private reply(payload: Buffer): void {
    const packet = encodeVescPacket(payload);
    const frame = this.garbagePerReply > 0 ? Buffer.concat([this.noise(this.garbagePerReply), packet]) : packet;
    if (this.corruptLeft > 0) {
      this.corruptLeft--;
      const crcLo = frame.length - 2;
      frame[crcLo] = (frame[crcLo] ?? 0) ^ 0xff;
    }
    this.repliesSent++;
    this.opts.transport.write(frame).catch((err: unknown) => {
      this.lastWriteError = err;
    });
  }

  private touch(): void {
    if (this.opts.clock) this.lastCommandMs = this.opts.clock.monotonic();
  }

  private syncToClock(): void {
    const clock = this.opts.clock;
    if (!clock) return;
    const now = clock.monotonic();
    this.step(now - this.lastSyncMs);
    this.lastSyncMs = now;
  }

  private addDistance(metres: number): void {
    const steps = metres / metresPerTachoStep(this.geometry);
    this.tachoSteps += steps;
    this.tachoAbsSteps += Math.abs(steps);
  }

  private erpm(): number {
    const g = this.geometry;
    const wheelRps = this.speedKmh / 3.6 / g.wheelCircumferenceM;
    return wheelRps * (g.gearRatio ?? 1) * 60 * g.polePairs;
  }

  private duty(erpm: number): number {
    if (this.inputV <= 0) return 0;
    return Math.max(-1, Math.min(1, erpm / (this.erpmPerVolt * this.inputV)));
  }

  /** Battery current from power balance (losses ignored): motor current × |duty|. */
  private inputCurrentA(): number {
    return this.motorCurrentA * Math.abs(this.duty(this.erpm()));
  }

  /** xorshift32: deterministic noise without Math.random. */
  private noise(n: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, n));
    for (let i = 0; i < out.length; i++) {
      let x = this.rng;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.rng = x >>> 0;
      out[i] = this.rng & 0xff;
    }
    return out;
  }
}
