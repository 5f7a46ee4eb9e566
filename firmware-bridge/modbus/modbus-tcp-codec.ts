// Modbus TCP framing: MBAP header (transaction id, protocol 0, length, unit) + PDU, no CRC; plus stream decoders.
// Depends only on bytes, so it runs over any ByteTransport (TCP socket, memory link, a serial-to-TCP gateway).

import { fail, ok, type Decoded } from '../codec/codec-error.ts';
import type { FrameDecoder } from '../codec/frame-decoder.ts';
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
import { ScanningDecoder } from '../codec/scan-decoder.ts';

const MBAP_HEADER = 7;
/** MBAP length counts the unit byte and the PDU: at most 1 + 253. */
const MAX_MBAP_LENGTH = 254;

export interface MbapFrame<T> {
  transactionId: number;
  message: T;
}

export function encodeTcpRequest(transactionId: number, req: ModbusRequest): Buffer {
  return withMbap(transactionId, req.unit, encodeRequestPdu(req, 'tcp'));
}

export function encodeTcpResponse(transactionId: number, res: ModbusResponse): Buffer {
  return withMbap(transactionId, res.unit, encodeResponsePdu(res));
}

function withMbap(transactionId: number, unit: number, pdu: Buffer): Buffer {
  const out = Buffer.alloc(MBAP_HEADER + pdu.length);
  out.writeUInt16BE(transactionId & 0xffff, 0);
  out.writeUInt16BE(0, 2);
  out.writeUInt16BE(1 + pdu.length, 4);
  out.writeUInt8(unit & 0xff, 6);
  pdu.copy(out, MBAP_HEADER);
  return out;
}

type PduLength = (buf: Uint8Array, at: number) => number | 'more' | 'invalid';

/** Length of the MBAP frame at `buf[at]`; the MBAP length must agree with what the PDU header implies. */
function tcpFrameLength(buf: Uint8Array, at: number, pduLength: PduLength): number | 'more' | 'invalid' {
  if (buf.length - at < 6) {
    // Protocol id must be 0: reject early so a hunt does not wait on a garbage header.
    if (buf.length - at >= 3 && buf[at + 2] !== 0) return 'invalid';
    if (buf.length - at >= 4 && buf[at + 3] !== 0) return 'invalid';
    return 'more';
  }
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.readUInt16BE(at + 2) !== 0) return 'invalid';
  const len = b.readUInt16BE(at + 4);
  if (len < 2 || len > MAX_MBAP_LENGTH) return 'invalid';
  const pdu = pduLength(buf, at + MBAP_HEADER);
  if (pdu === 'invalid' || (typeof pdu === 'number' && pdu !== len - 1)) return 'invalid';
  return 6 + len;
}

function decodeFrame<T>(bytes: Uint8Array, pdu: (unit: number, p: Uint8Array) => Decoded<T>): Decoded<MbapFrame<T>> {
  if (bytes.length < MBAP_HEADER + 1)
    return fail(MODBUS, 'TRUNCATED', `${bytes.length} bytes is shorter than any MBAP frame`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const protocol = b.readUInt16BE(2);
  if (protocol !== 0) return fail(MODBUS, 'BAD_START', `MBAP protocol id ${protocol}, expected 0`);
  const len = b.readUInt16BE(4);
  if (len < 2 || len > MAX_MBAP_LENGTH)
    return fail(MODBUS, 'BAD_LENGTH', `MBAP length ${len} outside 2..${MAX_MBAP_LENGTH}`);
  if (b.length < 6 + len)
    return fail(MODBUS, 'TRUNCATED', `MBAP length ${len} promises ${6 + len} bytes, got ${b.length}`);
  if (b.length > 6 + len) return fail(MODBUS, 'BAD_LENGTH', `${b.length - 6 - len} bytes after the MBAP frame`);
  const r = pdu(b.readUInt8(6), b.subarray(MBAP_HEADER));
  return r.ok ? ok({ transactionId: b.readUInt16BE(0), message: r.value }) : r;
}

export function decodeTcpRequest(bytes: Uint8Array): Decoded<MbapFrame<ModbusRequest>> {
  return decodeFrame(bytes, decodeRequestPdu);
}

export function decodeTcpResponse(bytes: Uint8Array): Decoded<MbapFrame<ModbusResponse>> {
  return decodeFrame(bytes, decodeResponsePdu);
}

/**
 * Reply decoder for a TCP master. TCP itself loses nothing, but the bus drops bytes that arrive between
 * exchanges and resets the decoder per request, so a late reply can leave a partial frame: resync by header.
 */
export function createTcpResponseDecoder(expect: { fc?: FunctionCode } = {}): FrameDecoder<MbapFrame<ModbusResponse>> {
  return new ScanningDecoder({
    lookahead: false,
    decode: decodeTcpResponse,
    frameLength: (buf, at) => tcpFrameLength(buf, at, (b, i) => responsePduLength(b, i, expect.fc)),
  });
}

export function createTcpRequestDecoder(): FrameDecoder<MbapFrame<ModbusRequest>> {
  return new ScanningDecoder({
    lookahead: false,
    decode: decodeTcpRequest,
    frameLength: (buf, at) => tcpFrameLength(buf, at, requestPduLength),
  });
}
