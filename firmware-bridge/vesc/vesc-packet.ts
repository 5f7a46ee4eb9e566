// VESC UART packet framing (bldc comm/packet.c): payload <-> `02|03|04 · length · payload · crc16 · 03`.
// Pure and total on the decode side: any bytes give a frame or a typed CodecError, never an exception.

import { CodecError, fail, ok, type Decoded } from '../codec/codec-error.ts';
import { crc16Xmodem } from './vesc-crc.ts';

export const VESC_PROTOCOL = 'vesc';
/** The firmware's PACKET_MAX_PL_LEN: it drops anything longer, so a longer length field means a false start. */
export const VESC_DEFAULT_MAX_PAYLOAD = 512;
/** The longest payload the 24-bit length form can carry. */
const VESC_ABSOLUTE_MAX_PAYLOAD = 0xffffff;
const VESC_END_BYTE = 0x03;

/** Start byte 0x02 (8-bit length), 0x03 (16-bit) or 0x04 (24-bit). */
export type VescFrameForm = 'short' | 'medium' | 'long';

export interface VescFrame {
  form: VescFrameForm;
  payload: Buffer;
}

export interface VescPacketOptions {
  /** Longest payload accepted; default 512 as in the firmware. Raise it only for a peer built with a larger buffer. */
  maxPayload?: number;
}

const FORM_BY_START: Readonly<Record<number, { form: VescFrameForm; header: number; minLen: number }>> = {
  // The firmware insists on the shortest length form: a 16-bit length below 255 or a 24-bit one below 65535 is
  // treated as a false start (packet.c `try_decode_packet`), so we do the same.
  0x02: { form: 'short', header: 2, minLen: 1 },
  0x03: { form: 'medium', header: 3, minLen: 255 },
  0x04: { form: 'long', header: 4, minLen: 65535 },
};

/**
 * Frames a payload. Throws RangeError for an empty payload or one over 16 MiB: those are caller bugs, not wire data.
 * Payloads over 512 bytes are framed too (the tests need the long forms), but a stock VESC silently drops them.
 */
export function encodeVescPacket(payload: Uint8Array): Buffer {
  const len = payload.length;
  if (len === 0) throw new RangeError('VESC packets cannot be empty');
  if (len > VESC_ABSOLUTE_MAX_PAYLOAD) throw new RangeError(`VESC payload of ${len} bytes exceeds the 24-bit length`);
  const header = len <= 255 ? 2 : len <= 65535 ? 3 : 4;
  const out = Buffer.alloc(header + len + 3);
  out[0] = header;
  if (header === 2) out[1] = len;
  else if (header === 3) out.writeUInt16BE(len, 1);
  else out.writeUIntBE(len, 1, 3);
  out.set(payload, header);
  out.writeUInt16BE(crc16Xmodem(payload), header + len);
  out[header + len + 2] = VESC_END_BYTE;
  return out;
}

/** What lies at one offset of a byte buffer: a whole valid frame, a candidate that fails, or not enough bytes yet. */
export type VescScan =
  | { kind: 'frame'; frame: VescFrame; length: number }
  /** `length`: bytes of the candidate that were examined (for logs); the caller decides how far to skip. */
  | { kind: 'invalid'; error: CodecError; length: number }
  /** `needed`: at least this many more bytes before anything can be decided. */
  | { kind: 'incomplete'; needed: number };

const invalid = (code: CodecError['code'], message: string, length: number): VescScan => ({
  kind: 'invalid',
  error: new CodecError(code, VESC_PROTOCOL, message),
  length,
});

/** Checks in the firmware's order (start, length, end byte, CRC), so a bad frame fails the same way on both sides. */
export function scanVescFrame(buf: Uint8Array, offset = 0, maxPayload = VESC_DEFAULT_MAX_PAYLOAD): VescScan {
  const avail = buf.length - offset;
  if (avail <= 0) return { kind: 'incomplete', needed: 1 };
  const start = buf[offset] ?? 0;
  const spec = FORM_BY_START[start];
  if (!spec) return invalid('BAD_START', `start byte 0x${hex2(start)} is not 0x02, 0x03 or 0x04`, 1);
  if (avail < spec.header) return { kind: 'incomplete', needed: spec.header - avail };

  let len = 0;
  for (let i = 1; i < spec.header; i++) len = len * 256 + (buf[offset + i] ?? 0);
  if (len < spec.minLen) {
    const why = len === 0 ? 'zero-length packet' : `length ${len} in the ${spec.form} form (needs ≥ ${spec.minLen})`;
    return invalid('BAD_LENGTH', why, spec.header);
  }
  if (len > maxPayload) {
    return invalid('BAD_LENGTH', `length ${len} exceeds the ${maxPayload}-byte maximum`, spec.header);
  }

  const total = spec.header + len + 3;
  if (avail < total) return { kind: 'incomplete', needed: total - avail };
  const end = buf[offset + total - 1] ?? 0;
  if (end !== VESC_END_BYTE) {
    return invalid('BAD_END', `end byte 0x${hex2(end)} where 0x03 must be (length ${len})`, total);
  }
  const pStart = offset + spec.header;
  const crcCalc = crc16Xmodem(buf, pStart, pStart + len);
  const crcRx = ((buf[pStart + len] ?? 0) << 8) | (buf[pStart + len + 1] ?? 0);
  if (crcCalc !== crcRx) {
    return invalid('CHECKSUM', `crc 0x${hex4(crcRx)} received, 0x${hex4(crcCalc)} computed (length ${len})`, total);
  }
  const payload = Buffer.from(buf.subarray(pStart, pStart + len));
  return { kind: 'frame', frame: { form: spec.form, payload }, length: total };
}

/** Decodes exactly one whole frame: missing bytes are TRUNCATED, bytes after the end marker are BAD_LENGTH. */
export function decodeVescPacket(bytes: Uint8Array, opts: VescPacketOptions = {}): Decoded<VescFrame> {
  const scan = scanVescFrame(bytes, 0, opts.maxPayload ?? VESC_DEFAULT_MAX_PAYLOAD);
  switch (scan.kind) {
    case 'incomplete':
      return fail(VESC_PROTOCOL, 'TRUNCATED', `${scan.needed} more byte(s) needed (have ${bytes.length})`);
    case 'invalid':
      return { ok: false, error: scan.error };
    case 'frame':
      if (scan.length !== bytes.length) {
        return fail(VESC_PROTOCOL, 'BAD_LENGTH', `${bytes.length - scan.length} byte(s) after the end marker`);
      }
      return ok(scan.frame);
  }
}

/** One-line log form: `vesc short len=1 [04] crc=4084`. */
export function describeVescFrame(frame: VescFrame, maxBytes = 16): string {
  const p = frame.payload;
  const shown = [...p.subarray(0, maxBytes)].map(hex2).join(' ');
  const more = p.length > maxBytes ? ` …+${p.length - maxBytes}` : '';
  return `vesc ${frame.form} len=${p.length} [${shown}${more}] crc=${hex4(crc16Xmodem(p))}`;
}

function hex2(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

function hex4(v: number): string {
  return v.toString(16).toUpperCase().padStart(4, '0');
}
