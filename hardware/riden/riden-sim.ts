// A simulated Riden RD6018 Modbus slave on the device end of a line: decodes requests with the station's own codec,
// answers FC03/06/16 from its register file (which drives the dock's charger model), and puts line faults on replies.

import type { Clock } from '../../lib/clock.ts';
import type { FrameDecoder } from '../../firmware-bridge/codec/frame-decoder.ts';
import { hasValidCrc, withCrc } from '../../firmware-bridge/modbus/modbus-crc.ts';
import {
  exceptionName,
  FC,
  isFunctionCode,
  type ModbusRequest,
  type ModbusResponse,
} from '../../firmware-bridge/modbus/modbus-pdu.ts';
import { encodeRtuResponse } from '../../firmware-bridge/modbus/modbus-rtu-codec.ts';
import { createRtuRequestDecoder } from '../../firmware-bridge/modbus/modbus-rtu-decoder.ts';
import {
  createTcpRequestDecoder,
  encodeTcpResponse,
  type MbapFrame,
} from '../../firmware-bridge/modbus/modbus-tcp-codec.ts';
import type { ByteTransport, Unsubscribe } from '../../firmware-bridge/transports/transport.ts';
import type { ChargerModel } from '../battery/charger-model.ts';
import { LineFaults } from '../line/line-faults.ts';
import { PacedWriter } from '../line/paced-writer.ts';
import {
  ILLEGAL_FUNCTION,
  RidenRegisterFile,
  type RidenIdentityOptions,
  type RidenSurroundings,
} from './riden-register-file.ts';

export interface RidenSimOptions extends RidenIdentityOptions {
  line: ByteTransport;
  charger: ChargerModel;
  around: RidenSurroundings;
  clock: Clock;
  /** Modbus unit address; several units may share one line. Default 1. */
  unit?: number;
  /** 'rtu' on a serial line (default); 'tcp' when exposed as a Modbus TCP gateway (MBAP framing). */
  framing?: 'rtu' | 'tcp';
  /** Paces replies at this baud (10 bits per character); 0/undefined sends at once. */
  baudRate?: number;
  faults?: LineFaults;
}

export class RidenSim {
  readonly unit: number;
  readonly registers: RidenRegisterFile;
  readonly faults: LineFaults;
  /** Requests addressed to this unit (or broadcast), answered or not, for tests and the control API. */
  requests = 0;
  private readonly writer: PacedWriter;
  private unsubscribe: Unsubscribe | null = null;

  constructor(private readonly opts: RidenSimOptions) {
    this.unit = opts.unit ?? 1;
    this.faults = opts.faults ?? new LineFaults(this.unit);
    this.registers = new RidenRegisterFile(opts.charger, opts.around, opts);
    this.writer = new PacedWriter(opts.line, {
      clock: opts.clock,
      ...(opts.baudRate ? { baudRate: opts.baudRate } : {}),
    });
  }

  start(): void {
    if (this.unsubscribe) return;
    if (this.opts.framing === 'tcp') {
      const decoder: FrameDecoder<MbapFrame<ModbusRequest>> = createTcpRequestDecoder();
      this.unsubscribe = this.opts.line.onData((chunk) => {
        for (const ev of decoder.push(chunk)) {
          if (ev.kind !== 'frame' || ev.frame.message.unit !== this.unit) continue;
          const tx = ev.frame.transactionId;
          this.serve(ev.frame.message, (res) => encodeTcpResponse(tx, res));
        }
      });
      return;
    }
    const decoder = createRtuRequestDecoder({ unit: this.unit });
    this.unsubscribe = this.opts.line.onData((chunk) => {
      const events = decoder.push(chunk);
      for (const ev of events) {
        if (ev.kind === 'frame') this.serve(ev.frame, encodeRtuResponse);
      }
      if (events.every((e) => e.kind !== 'frame')) this.unknownFunction(chunk);
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Runs OVP/OCP after a physics step. */
  evaluate(): void {
    this.registers.evaluate();
  }

  /** Builds the reply a real RD6018 sends (null for a broadcast, which nobody answers). */
  handle(req: ModbusRequest): ModbusResponse | null {
    const ex = (code: number): ModbusResponse => ({
      kind: 'exception',
      unit: req.unit,
      fc: req.fc,
      code,
      name: exceptionName(code),
    });
    let reply: ModbusResponse;
    switch (req.kind) {
      case 'read': {
        // The RD60xx implements FC03 only; FC04 (input registers) is refused.
        if (req.fc !== FC.readHolding) return req.unit === 0 ? null : ex(ILLEGAL_FUNCTION);
        const values = this.registers.read(req.address, req.count);
        reply = typeof values === 'number' ? ex(values) : { kind: 'read-reply', unit: req.unit, fc: req.fc, values };
        break;
      }
      case 'write-single': {
        const code = this.registers.write(req.address, [req.value]);
        reply =
          code !== null
            ? ex(code)
            : { kind: 'write-single-reply', unit: req.unit, fc: req.fc, address: req.address, value: req.value };
        break;
      }
      case 'write-multiple': {
        const code = this.registers.write(req.address, req.values);
        reply =
          code !== null
            ? ex(code)
            : {
                kind: 'write-multiple-reply',
                unit: req.unit,
                fc: req.fc,
                address: req.address,
                count: req.values.length,
              };
        break;
      }
    }
    return req.unit === 0 ? null : reply;
  }

  private serve(req: ModbusRequest, encode: (res: ModbusResponse) => Buffer): void {
    this.requests++;
    const res = this.handle(req);
    if (res) this.send(encode(res));
  }

  /**
   * A CRC-valid frame for this unit with a function code our codec does not decode (FC01 coils, FC2B ...) is skipped
   * by the request decoder; the real unit answers it with ILLEGAL_FUNCTION, so this looks at whole chunks for one.
   */
  private unknownFunction(chunk: Buffer): void {
    const fc = chunk[1];
    if (
      chunk.length < 4 ||
      chunk[0] !== this.unit ||
      fc === undefined ||
      isFunctionCode(fc) ||
      fc & 0x80 ||
      !hasValidCrc(chunk)
    )
      return;
    this.requests++;
    this.send(withCrc(Buffer.from([this.unit, fc | 0x80, ILLEGAL_FUNCTION])));
  }

  private send(reply: Buffer): void {
    const chunks = this.faults.shape(reply);
    const delay = chunks.length > 0 ? this.faults.delayMs() : 0;
    const go = () => {
      for (const c of chunks) void this.writer.write(c);
    };
    if (delay > 0) this.opts.clock.setTimeout(go, delay);
    else go();
  }
}
