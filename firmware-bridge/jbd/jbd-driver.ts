// Station-side driver for a JBD BMS: polls basic info and cells over a request bus, identifies the pack,
// and switches the charge MOSFET through the bus's safety lane.

import type { BusRequest, Priority, RequestBus } from '../bus/request-bus.ts';
import type { DeviceCountersSnapshot } from '../bus/device-counters.ts';
import { CodecError, type Decoded } from '../codec/codec-error.ts';
import type { BmsDriver, BmsReading } from '../bms/bms.ts';
import { asResponse, encodeRead, encodeWrite, JBD, JBD_STATUS_OK, JbdReg, type JbdRawFrame } from './jbd-codec.ts';
import { JbdDecoder } from './jbd-decoder.ts';
import {
  decodeBasicInfo,
  decodeCells,
  decodeHardwareId,
  encodeMosControl,
  type JbdBasicInfo,
} from './jbd-registers.ts';

export interface JbdDriverOptions {
  /** Name used in counters, logs and errors, e.g. `dock-2/bms`. */
  device: string;
  /** Per-request reply timeout; a 9600-baud reply of 40 bytes takes ~42 ms on the wire. Default 300 ms. */
  timeoutMs?: number;
  /**
   * A read's time budget, ms (the poll period): an exchange of it that fails is asked once more while its timeout
   * still fits in the budget. Absent: no retry.
   */
  retryWithinMs?: number;
}

export class JbdBmsDriver implements BmsDriver {
  readonly device: string;
  private readonly timeoutMs: number;
  private readonly decoder = new JbdDecoder();
  private hardwareId: string | null = null;

  constructor(
    private readonly bus: RequestBus,
    private readonly opts: JbdDriverOptions,
  ) {
    this.device = opts.device;
    this.timeoutMs = opts.timeoutMs ?? 300;
  }

  private exchange<T>(
    label: string,
    reg: number,
    bytes: Buffer,
    parse: (data: Buffer) => Decoded<T>,
    priority: Priority = 'normal',
    retryUntil?: number,
  ): Promise<T> {
    const req: BusRequest<JbdRawFrame, T> = {
      device: this.device,
      label,
      bytes,
      decoder: this.decoder,
      timeoutMs: this.timeoutMs,
      priority,
      ...(retryUntil === undefined ? {} : { retryUntil }),
      match: (f) => {
        const r = asResponse(f);
        if (r.reg !== reg) return undefined;
        if (r.status !== JBD_STATUS_OK)
          return new CodecError('BAD_STATUS', JBD, `status 0x${r.status.toString(16)} for reg 0x${reg.toString(16)}`);
        const d = parse(r.data);
        return d.ok ? d.value : d.error;
      },
    };
    return this.bus.request(req);
  }

  readBasicInfo(retryUntil?: number): Promise<JbdBasicInfo> {
    const req = encodeRead(JbdReg.basicInfo);
    return this.exchange('read 0x03 basic info', JbdReg.basicInfo, req, decodeBasicInfo, 'normal', retryUntil);
  }

  readCells(retryUntil?: number): Promise<number[]> {
    return this.exchange('read 0x04 cells', JbdReg.cells, encodeRead(JbdReg.cells), decodeCells, 'normal', retryUntil);
  }

  readHardwareId(retryUntil?: number): Promise<string> {
    const parse = (d: Buffer): Decoded<string> => ({ ok: true, value: decodeHardwareId(d) });
    return this.exchange(
      'read 0x05 hardware id',
      JbdReg.hardware,
      encodeRead(JbdReg.hardware),
      parse,
      'normal',
      retryUntil,
    );
  }

  async setChargeFet(on: boolean, dischargeOn = true): Promise<void> {
    await this.exchange(
      `write 0xE1 charge ${on ? 'on' : 'off'}`,
      JbdReg.mosControl,
      encodeWrite(JbdReg.mosControl, encodeMosControl(on, dischargeOn)),
      () => ({ ok: true, value: true }),
      'safety',
    );
  }

  async read(): Promise<BmsReading> {
    const budget = this.opts.retryWithinMs;
    const until = budget === undefined ? undefined : this.bus.now() + budget;
    if (this.hardwareId === null) this.hardwareId = await this.readHardwareId(until);
    // Cells first, basic info last: the protection flags in basic info are the most urgent part of the reading,
    // so they reach the station the moment they are on the wire, not one more exchange later.
    const cellsV = await this.readCells(until);
    const info = await this.readBasicInfo(until);
    return {
      id: this.hardwareId,
      voltageV: info.voltageV,
      currentA: info.currentA,
      socPct: info.socPct,
      remainingAh: info.remainingAh,
      nominalAh: info.nominalAh,
      cycles: info.cycles,
      cellsV,
      tempsC: info.tempsC,
      protection: info.protection,
      chargeFetOn: info.chargeFetOn,
      dischargeFetOn: info.dischargeFetOn,
      balancing: info.balancing,
    };
  }

  /** Forgets the pack's identity, so the next read asks again (after a reconnect, a swap may have happened). */
  forgetIdentity(): void {
    this.hardwareId = null;
  }

  counters(): DeviceCountersSnapshot {
    return this.bus.countersFor(this.device).snapshot();
  }
}
