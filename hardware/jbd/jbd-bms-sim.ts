// A simulated JBD BMS on the device end of a line: answers 0x03/0x04/0x05 reads and 0xE1 writes byte-exact,
// from a battery pack model, and trips its protections the way the real firmware does.

import { asRequest, encodeResponse, JBD_STATUS_ERROR, JbdReg } from '../../firmware-bridge/jbd/jbd-codec.ts';
import { JbdDecoder } from '../../firmware-bridge/jbd/jbd-decoder.ts';
import {
  decodeMosControl,
  encodeBasicInfo,
  encodeCells,
  encodeHardwareId,
  protectionBits,
  type ProtectionFlag,
} from '../../firmware-bridge/jbd/jbd-registers.ts';
import type { ByteTransport, Unsubscribe } from '../../firmware-bridge/transports/transport.ts';
import type { LineFaults } from '../line/line-faults.ts';

/** What the BMS can measure of its pack; the battery model implements it. */
export interface MeasuredPack {
  cellVoltagesV(): number[];
  terminalVoltageV(): number;
  /** Current of the last step, positive while charging. */
  currentA(): number;
  socPct(): number;
  temperaturesC(): number[];
  remainingAh(): number;
  ratedAh(): number;
  cycles(): number;
}

/** Protection thresholds as a JBD EEPROM holds them (cell OV/UV in V, temperatures in °C, currents in A). */
export interface JbdProtectionLimits {
  cellOverV: number;
  cellOverReleaseV: number;
  cellUnderV: number;
  cellUnderReleaseV: number;
  chargeOverTempC: number;
  chargeOverTempReleaseC: number;
  chargeUnderTempC: number;
  chargeOverCurrentA: number;
}

export const DEFAULT_LIMITS: JbdProtectionLimits = {
  cellOverV: 4.25,
  cellOverReleaseV: 4.15,
  cellUnderV: 2.8,
  cellUnderReleaseV: 3.0,
  chargeOverTempC: 50,
  chargeOverTempReleaseC: 45,
  chargeUnderTempC: 0,
  chargeOverCurrentA: 20,
};

export interface JbdBmsSimOptions {
  hardwareId: string;
  pack: MeasuredPack;
  limits?: Partial<JbdProtectionLimits>;
  faults?: LineFaults;
  productionDate?: { year: number; month: number; day: number };
}

export class JbdBmsSim {
  private readonly decoder = new JbdDecoder();
  private readonly limits: JbdProtectionLimits;
  private readonly tripped = new Set<ProtectionFlag>();
  private chargeLockedByHost = false;
  private dischargeLockedByHost = false;
  private unsubscribe: Unsubscribe | null = null;
  /** Requests answered, for tests and the control API. */
  answered = 0;

  constructor(
    private readonly line: ByteTransport,
    private readonly opts: JbdBmsSimOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
  }

  start(): void {
    this.unsubscribe = this.line.onData((chunk) => this.onBytes(chunk));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Whether the charge MOSFET conducts: the pack only takes charge current while this is true. */
  chargeFetOn(): boolean {
    return !this.chargeLockedByHost && !this.chargeBlockedByProtection();
  }

  dischargeFetOn(): boolean {
    return !this.dischargeLockedByHost && !this.tripped.has('cell-under-voltage');
  }

  protections(): ProtectionFlag[] {
    const flags = [...this.tripped];
    if (this.chargeLockedByHost || this.dischargeLockedByHost) flags.push('mosfet-software-lock');
    return flags;
  }

  /** Re-evaluates the protections from the pack's present state, with the hysteresis of the real firmware. */
  evaluate(): void {
    const cells = this.opts.pack.cellVoltagesV();
    const maxCell = Math.max(...cells);
    const minCell = Math.min(...cells);
    const temps = this.opts.pack.temperaturesC();
    const maxT = Math.max(...temps);
    const minT = Math.min(...temps);
    const current = this.opts.pack.currentA();
    const L = this.limits;
    this.latch('cell-over-voltage', maxCell >= L.cellOverV, maxCell <= L.cellOverReleaseV);
    this.latch('cell-under-voltage', minCell <= L.cellUnderV, minCell >= L.cellUnderReleaseV);
    this.latch('charge-over-temperature', maxT >= L.chargeOverTempC, maxT <= L.chargeOverTempReleaseC);
    this.latch('charge-under-temperature', current > 0.05 && minT < L.chargeUnderTempC, minT >= L.chargeUnderTempC + 2);
    this.latch('charge-over-current', current > L.chargeOverCurrentA, current < 0.05);
  }

  private latch(flag: ProtectionFlag, trip: boolean, release: boolean): void {
    if (trip) this.tripped.add(flag);
    else if (release) this.tripped.delete(flag);
  }

  private chargeBlockedByProtection(): boolean {
    for (const f of [
      'cell-over-voltage',
      'charge-over-temperature',
      'charge-under-temperature',
      'charge-over-current',
    ] as const) {
      if (this.tripped.has(f)) return true;
    }
    return false;
  }

  private onBytes(chunk: Buffer): void {
    for (const ev of this.decoder.push(chunk)) {
      if (ev.kind !== 'frame') continue;
      const req = asRequest(ev.frame);
      if (!req.ok) continue;
      const reply = this.answer(req.value.op, req.value.reg, req.value.data);
      this.answered++;
      void this.send(reply);
    }
  }

  private answer(op: 'read' | 'write', reg: number, data: Buffer): Buffer {
    if (op === 'write' && reg === JbdReg.mosControl) {
      const mos = decodeMosControl(data);
      if (!mos.ok) return encodeResponse(reg, Buffer.alloc(0), JBD_STATUS_ERROR);
      this.chargeLockedByHost = !mos.value.chargeOn;
      this.dischargeLockedByHost = !mos.value.dischargeOn;
      return encodeResponse(reg, Buffer.alloc(0));
    }
    if (op === 'read' && reg === JbdReg.basicInfo) return encodeResponse(reg, this.basicInfo());
    if (op === 'read' && reg === JbdReg.cells) return encodeResponse(reg, encodeCells(this.opts.pack.cellVoltagesV()));
    if (op === 'read' && reg === JbdReg.hardware) return encodeResponse(reg, encodeHardwareId(this.opts.hardwareId));
    return encodeResponse(reg, Buffer.alloc(0), JBD_STATUS_ERROR);
  }

  private basicInfo(): Buffer {
    this.evaluate();
    const p = this.opts.pack;
    const cells = p.cellVoltagesV();
    const max = Math.max(...cells);
    // The balancer bleeds cells more than 15 mV above the lowest while the pack is near full.
    const min = Math.min(...cells);
    const balancing = max > 4.0 ? cells.flatMap((v, i) => (v - min > 0.015 ? [i + 1] : [])) : [];
    return encodeBasicInfo({
      voltageV: p.terminalVoltageV(),
      currentA: p.currentA(),
      remainingAh: p.remainingAh(),
      nominalAh: p.ratedAh(),
      cycles: Math.floor(p.cycles()),
      productionDate: this.opts.productionDate ?? { year: 2025, month: 3, day: 14 },
      balancing,
      protectionBits: protectionBits(this.protections()),
      protection: this.protections(),
      softwareVersion: '2.2',
      socPct: p.socPct(),
      chargeFetOn: this.chargeFetOn(),
      dischargeFetOn: this.dischargeFetOn(),
      cellCount: cells.length,
      tempsC: p.temperaturesC(),
    });
  }

  private async send(reply: Buffer): Promise<void> {
    const out = this.opts.faults ? this.opts.faults.shape(reply) : [reply];
    for (const chunk of out) {
      if (!this.line.isOpen) return;
      await this.line.write(chunk).catch(() => undefined);
    }
  }
}
