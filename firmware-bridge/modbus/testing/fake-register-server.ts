// A tiny Modbus slave for unit tests: a register map behind the device end of a memory link, with faults to inject.
// Not the charger simulator (that lives in hardware/): it knows registers, not physics.

import type { ByteTransport } from '../../transports/transport.ts';
import type { FrameDecoder } from '../../codec/frame-decoder.ts';
import { exceptionName, type ModbusRequest, type ModbusResponse } from '../modbus-pdu.ts';
import { encodeRtuResponse } from '../modbus-rtu-codec.ts';
import { createRtuRequestDecoder } from '../modbus-rtu-decoder.ts';
import { createTcpRequestDecoder, encodeTcpResponse, type MbapFrame } from '../modbus-tcp-codec.ts';

export interface FakeRegisterServerOptions {
  unit?: number;
  framing?: 'rtu' | 'tcp';
  /** Holding registers; reads of any address not listed get ILLEGAL_DATA_ADDRESS, as from a real device. */
  holding?: Record<number, number>;
  input?: Record<number, number>;
}

export class FakeRegisterServer {
  readonly unit: number;
  readonly holding: Map<number, number>;
  readonly input: Map<number, number>;
  /** Every request heard, in order (including ones it did not answer). */
  readonly requests: ModbusRequest[] = [];
  /** The raw bytes of each request heard, to compare against captured frames. */
  readonly received: Buffer[] = [];
  /** When true, it hears requests but answers none (a dead device, a broken A/B wire). */
  mute = false;
  /** How many of the next replies go out with a broken CRC. */
  corruptNextReplies = 0;
  /** Bytes sent before each reply (line noise). */
  noiseBeforeReply: Uint8Array = new Uint8Array(0);
  /** Forces an exception code for a request (return undefined to answer normally). */
  exceptionFor: (req: ModbusRequest) => number | undefined = () => undefined;
  private readonly framing: 'rtu' | 'tcp';

  constructor(
    private readonly end: ByteTransport,
    opts: FakeRegisterServerOptions = {},
  ) {
    this.unit = opts.unit ?? 1;
    this.framing = opts.framing ?? 'rtu';
    this.holding = new Map(Object.entries(opts.holding ?? {}).map(([k, v]) => [Number(k), v]));
    this.input = new Map(Object.entries(opts.input ?? {}).map(([k, v]) => [Number(k), v]));
  }

  async start(): Promise<this> {
    if (this.framing === 'rtu') {
      const d = createRtuRequestDecoder({ unit: this.unit });
      this.listen(
        d,
        (req) => req,
        (res) => encodeRtuResponse(res),
      );
    } else {
      const d: FrameDecoder<MbapFrame<ModbusRequest>> = createTcpRequestDecoder();
      let tx = 0;
      this.listen(
        d,
        (f) => ((tx = f.transactionId), f.message),
        (res) => encodeTcpResponse(tx, res),
      );
    }
    await this.end.open();
    return this;
  }

  private listen<F>(
    decoder: FrameDecoder<F>,
    unwrap: (f: F) => ModbusRequest,
    encode: (res: ModbusResponse) => Buffer,
  ): void {
    this.end.onData((chunk) => {
      for (const ev of decoder.push(chunk)) {
        if (ev.kind !== 'frame') continue;
        const req = unwrap(ev.frame);
        this.requests.push(req);
        this.received.push(ev.raw);
        const res = this.handle(req);
        const broadcast = this.framing === 'rtu' && req.unit === 0;
        if (this.mute || broadcast || !res) continue;
        const bytes = Buffer.concat([this.noiseBeforeReply, encode(res)]);
        if (this.corruptNextReplies > 0) {
          this.corruptNextReplies--;
          const last = bytes.length - 1;
          bytes[last] = (bytes[last] ?? 0) ^ 0xff;
        }
        void this.end.write(bytes);
      }
    });
  }

  /** Applies a request to the register map and builds the reply a real slave would send. */
  handle(req: ModbusRequest): ModbusResponse | null {
    if (req.unit !== this.unit && req.unit !== 0 && this.framing === 'rtu') return null;
    const forced = this.exceptionFor(req);
    const ex = (code: number): ModbusResponse => ({
      kind: 'exception',
      unit: req.unit,
      fc: req.fc,
      code,
      name: exceptionName(code),
    });
    if (forced !== undefined) return ex(forced);
    switch (req.kind) {
      case 'read': {
        const map = req.fc === 0x03 ? this.holding : this.input;
        const values: number[] = [];
        for (let a = req.address; a < req.address + req.count; a++) {
          const v = map.get(a);
          if (v === undefined) return ex(2);
          values.push(v);
        }
        return { kind: 'read-reply', unit: req.unit, fc: req.fc, values };
      }
      case 'write-single':
        if (!this.holding.has(req.address)) return ex(2);
        this.holding.set(req.address, req.value);
        return { kind: 'write-single-reply', unit: req.unit, fc: req.fc, address: req.address, value: req.value };
      case 'write-multiple':
        if (req.values.some((_, i) => !this.holding.has(req.address + i))) return ex(2);
        req.values.forEach((v, i) => this.holding.set(req.address + i, v));
        return {
          kind: 'write-multiple-reply',
          unit: req.unit,
          fc: req.fc,
          address: req.address,
          count: req.values.length,
        };
    }
  }
}
