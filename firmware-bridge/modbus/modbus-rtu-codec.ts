// Modbus RTU frames (unit address + PDU + CRC-16, low byte first) for the master and the simulated slave.
// Pure and total: any byte sequence decodes to a frame or a typed CodecError; nothing here touches a port.

import { fail, type Decoded } from '../codec/codec-error.ts';
import { hasValidCrc, withCrc } from './modbus-crc.ts';
import {
  decodeRequestPdu,
  decodeResponsePdu,
  encodeRequestPdu,
  encodeResponsePdu,
  MODBUS,
  requestPduLength,
  responsePduLength,
  type FunctionCode,
  type ModbusRequest,
  type ModbusResponse,
} from './modbus-pdu.ts';

export { describeFrame, toHex } from './modbus-pdu.ts';

export function encodeRtuRequest(req: ModbusRequest): Buffer {
  return withUnit(req.unit, encodeRequestPdu(req));
}

export function encodeRtuResponse(res: ModbusResponse): Buffer {
  return withUnit(res.unit, encodeResponsePdu(res));
}

function withUnit(unit: number, pdu: Buffer): Buffer {
  const body = Buffer.alloc(1 + pdu.length);
  body[0] = unit;
  pdu.copy(body, 1);
  return withCrc(body);
}

/** Length of the RTU request frame at `buf[at]`, or 'more' / 'invalid' (see requestPduLength). */
export function rtuRequestLength(buf: Uint8Array, at: number): number | 'more' | 'invalid' {
  if (at >= buf.length) return 'more';
  const n = requestPduLength(buf, at + 1);
  return typeof n === 'number' ? n + 3 : n;
}

/** Length of the RTU reply frame at `buf[at]`, or 'more' / 'invalid'; `expectFc` narrows what is plausible. */
export function rtuResponseLength(buf: Uint8Array, at: number, expectFc?: FunctionCode): number | 'more' | 'invalid' {
  if (at >= buf.length) return 'more';
  const n = responsePduLength(buf, at + 1, expectFc);
  return typeof n === 'number' ? n + 3 : n;
}

export function decodeRtuRequest(bytes: Uint8Array): Decoded<ModbusRequest> {
  return decodeFrame(bytes, rtuRequestLength(bytes, 0), decodeRequestPdu);
}

export function decodeRtuResponse(bytes: Uint8Array): Decoded<ModbusResponse> {
  return decodeFrame(bytes, rtuResponseLength(bytes, 0), decodeResponsePdu);
}

function decodeFrame<T>(
  bytes: Uint8Array,
  len: number | 'more' | 'invalid',
  pdu: (unit: number, p: Uint8Array) => Decoded<T>,
): Decoded<T> {
  const unit = bytes[0];
  if (unit === undefined || bytes.length < 4)
    return fail(MODBUS, 'TRUNCATED', `${bytes.length} bytes is shorter than any RTU frame`);
  if (len === 'invalid') {
    // The header makes no sense; a whole-frame CRC tells a corrupted frame from a valid one we do not decode.
    if (!hasValidCrc(bytes)) return fail(MODBUS, 'CHECKSUM', 'CRC mismatch (and an implausible header)');
    return pdu(unit, bytes.subarray(1, bytes.length - 2));
  }
  if (len === 'more' || bytes.length < len)
    return fail(MODBUS, 'TRUNCATED', `header promises ${len === 'more' ? 'more' : len} bytes, got ${bytes.length}`);
  if (bytes.length > len) return fail(MODBUS, 'BAD_LENGTH', `${bytes.length - len} bytes after a ${len}-byte frame`);
  if (!hasValidCrc(bytes)) return fail(MODBUS, 'CHECKSUM', 'CRC mismatch');
  return pdu(unit, bytes.subarray(1, len - 2));
}
