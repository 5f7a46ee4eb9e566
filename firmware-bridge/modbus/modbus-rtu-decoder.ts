// Stream decoders for Modbus RTU: replies (the master's side) and requests (a simulated slave's side).
// Headers are checked against what is expected (unit, function, byte count), so garbage rarely looks like a frame.

import type { FrameDecoder } from '../codec/frame-decoder.ts';
import { hasValidCrc } from './modbus-crc.ts';
import { MAX_UNIT, type FunctionCode, type ModbusRequest, type ModbusResponse } from './modbus-pdu.ts';
import { decodeRtuRequest, decodeRtuResponse, rtuRequestLength, rtuResponseLength } from './modbus-rtu-codec.ts';
import { ScanningDecoder } from '../codec/scan-decoder.ts';

export interface RtuResponseExpectation {
  /** Only replies from this unit are candidates (replies never come from broadcast address 0). */
  unit?: number;
  /** Only this function (or its exception, fc | 0x80). */
  fc?: FunctionCode;
  /** For FC 0x03/0x04: the byte count the reply must carry (2 × registers asked). */
  byteCount?: number;
}

/** A reply decoder; the master makes one per request so the header check knows exactly what to hunt for. */
export function createRtuResponseDecoder(expect: RtuResponseExpectation = {}): FrameDecoder<ModbusResponse> {
  return new ScanningDecoder<ModbusResponse>({
    lookahead: true,
    quickCheck: (c) => hasValidCrc(c),
    decode: decodeRtuResponse,
    frameLength(buf, at) {
      const unit = buf[at];
      if (unit === undefined) return 'more';
      if (expect.unit !== undefined ? unit !== expect.unit : unit < 1 || unit > MAX_UNIT) return 'invalid';
      const len = rtuResponseLength(buf, at, expect.fc);
      if (
        typeof len === 'number' &&
        expect.byteCount !== undefined &&
        buf[at + 1] === expect.fc &&
        len !== expect.byteCount + 5
      )
        return 'invalid';
      return len;
    },
  });
}

export interface RtuRequestDecoderOptions {
  /** The slave's own address: requests for other units on a shared bus are still decoded when omitted. */
  unit?: number;
}

/** A request decoder for a simulated slave: frames for its unit (and broadcasts) only, when `unit` is given. */
export function createRtuRequestDecoder(opts: RtuRequestDecoderOptions = {}): FrameDecoder<ModbusRequest> {
  return new ScanningDecoder<ModbusRequest>({
    lookahead: true,
    quickCheck: (c) => hasValidCrc(c),
    decode: decodeRtuRequest,
    frameLength(buf, at) {
      const unit = buf[at];
      if (unit === undefined) return 'more';
      if (unit > MAX_UNIT || (opts.unit !== undefined && unit !== opts.unit && unit !== 0)) return 'invalid';
      return rtuRequestLength(buf, at);
    },
  });
}
