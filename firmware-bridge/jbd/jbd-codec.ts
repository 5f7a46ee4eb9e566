// JBD / Xiaoxiang smart BMS UART framing: pure and total (bytes -> typed frame or CodecError), both directions,
// so the station's driver and the simulated BMS share one codec. Layout and checksum: shared/protocols.md §1.

import { fail, ok, type Decoded } from '../codec/codec-error.ts';

export const JBD = 'jbd';
export const JBD_START = 0xdd;
const JBD_END = 0x77;
const JBD_READ = 0xa5;
const JBD_WRITE = 0x5a;
export const JBD_STATUS_OK = 0x00;
export const JBD_STATUS_ERROR = 0x80;

export const JbdReg = {
  basicInfo: 0x03,
  cells: 0x04,
  hardware: 0x05,
  mosControl: 0xe1,
} as const;

/** A frame on the wire with its two header bytes kept raw: (op, reg) for requests, (reg, status) for responses. */
export interface JbdRawFrame {
  b1: number;
  b2: number;
  data: Buffer;
}

export interface JbdRequest {
  op: 'read' | 'write';
  reg: number;
  data: Buffer;
}

export interface JbdResponse {
  reg: number;
  status: number;
  data: Buffer;
}

/** Sum of frame[2 .. 4+len) subtracted from 0x10000: the same rule for requests and responses. */
function jbdChecksum(bytes: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i] ?? 0;
  return (0x10000 - (sum & 0xffff)) & 0xffff;
}

function frame(b1: number, b2: number, data: Uint8Array): Buffer {
  if (data.length > 0xff) throw new RangeError(`jbd: data of ${data.length} bytes does not fit a frame`);
  const out = Buffer.alloc(data.length + 7);
  out[0] = JBD_START;
  out[1] = b1;
  out[2] = b2;
  out[3] = data.length;
  out.set(data, 4);
  const chk = jbdChecksum(out, 2, 4 + data.length);
  out.writeUInt16BE(chk, 4 + data.length);
  out[6 + data.length] = JBD_END;
  return out;
}

export function encodeRead(reg: number): Buffer {
  return frame(JBD_READ, reg, Buffer.alloc(0));
}

export function encodeWrite(reg: number, data: Uint8Array): Buffer {
  return frame(JBD_WRITE, reg, data);
}

export function encodeResponse(reg: number, data: Uint8Array, status = JBD_STATUS_OK): Buffer {
  return frame(reg, status, data);
}

/** Total length a frame starting at `buf[0]` will have, once its length byte is known. */
export function jbdFrameLength(lenByte: number): number {
  return lenByte + 7;
}

/** Checks one complete candidate frame (start, length, checksum, end) without interpreting the header. */
export function decodeRawFrame(buf: Uint8Array): Decoded<JbdRawFrame> {
  if (buf.length < 7) return fail(JBD, 'TRUNCATED', `frame of ${buf.length} bytes is shorter than 7`);
  if (buf[0] !== JBD_START) return fail(JBD, 'BAD_START', `start byte 0x${hex(buf[0])} is not 0xDD`);
  const len = buf[3] ?? 0;
  const total = jbdFrameLength(len);
  if (buf.length < total) return fail(JBD, 'TRUNCATED', `length byte says ${total} bytes, got ${buf.length}`);
  if (buf.length > total) return fail(JBD, 'BAD_LENGTH', `length byte says ${total} bytes, got ${buf.length}`);
  if (buf[total - 1] !== JBD_END) return fail(JBD, 'BAD_END', `end byte 0x${hex(buf[total - 1])} is not 0x77`);
  const want = jbdChecksum(buf, 2, 4 + len);
  const got = ((buf[4 + len] ?? 0) << 8) | (buf[5 + len] ?? 0);
  if (want !== got) return fail(JBD, 'CHECKSUM', `checksum 0x${got.toString(16)} should be 0x${want.toString(16)}`);
  return ok({ b1: buf[1] ?? 0, b2: buf[2] ?? 0, data: Buffer.from(buf.subarray(4, 4 + len)) });
}

export function asResponse(f: JbdRawFrame): JbdResponse {
  return { reg: f.b1, status: f.b2, data: f.data };
}

export function asRequest(f: JbdRawFrame): Decoded<JbdRequest> {
  if (f.b1 === JBD_READ) return ok({ op: 'read', reg: f.b2, data: f.data });
  if (f.b1 === JBD_WRITE) return ok({ op: 'write', reg: f.b2, data: f.data });
  return fail(JBD, 'UNSUPPORTED', `op 0x${hex(f.b1)} is neither read (0xA5) nor write (0x5A)`);
}

export function decodeResponse(buf: Uint8Array): Decoded<JbdResponse> {
  const raw = decodeRawFrame(buf);
  return raw.ok ? ok(asResponse(raw.value)) : raw;
}

export function decodeRequest(buf: Uint8Array): Decoded<JbdRequest> {
  const raw = decodeRawFrame(buf);
  return raw.ok ? asRequest(raw.value) : raw;
}

export function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0').toUpperCase();
}

/** Readable one-line form for logs: `DD 03 00 1B … 77`. */
export function describeFrame(buf: Uint8Array): string {
  return Array.from(buf, (b) => hex(b)).join(' ');
}
