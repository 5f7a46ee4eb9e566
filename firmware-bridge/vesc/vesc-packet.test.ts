import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { hexBytes, v9Frame, vector } from './fixtures/vesc-vectors.ts';
import { crc16Xmodem } from './vesc-crc.ts';
import { decodeVescPacket, describeVescFrame, encodeVescPacket, scanVescFrame } from './vesc-packet.ts';

const errorCode = (bytes: Uint8Array, maxPayload?: number) => {
  const d = decodeVescPacket(bytes, maxPayload === undefined ? {} : { maxPayload });
  return d.ok ? 'ok' : d.error.code;
};

describe('VESC framing vectors', () => {
  it.each([
    ['V1', [0x04]],
    ['V2', [0x00]],
    ['V3', [0x1e]],
    ['V4', [0x06, 0x00, 0x00, 0x13, 0x88]],
    ['V5', [0x07, 0x00, 0x00, 0x0b, 0xb8]],
    ['V6', [0x32, 0x00, 0x00, 0x81, 0x05]],
  ])('%s frames its payload byte-exact and decodes back', (id, payload) => {
    const frame = hexBytes(vector(id).hex ?? '');
    expect(encodeVescPacket(Uint8Array.from(payload))).toEqual(frame);
    const d = decodeVescPacket(frame);
    expect(d.ok && [...d.value.payload]).toEqual(payload);
    expect(d.ok && d.value.form).toBe('short');
  });

  it('V7 and V8 replies decode to valid short frames (74-byte payload for V8)', () => {
    const v7 = decodeVescPacket(hexBytes(vector('V7').hex ?? ''));
    const v8 = decodeVescPacket(hexBytes(vector('V8').hex ?? ''));
    expect(v7.ok && v7.value.payload.length).toBe(14);
    expect(v8.ok && v8.value.payload.length).toBe(74);
  });

  it('V9: a 300-byte payload uses the 16-bit length form with CRC C1 76', () => {
    const { payload, frame } = v9Frame();
    expect(crc16Xmodem(payload)).toBe(0xc176);
    const encoded = encodeVescPacket(payload);
    expect(encoded).toEqual(frame);
    expect(encoded.length).toBe(306);
    const d = decodeVescPacket(frame);
    expect(d.ok && d.value.form).toBe('medium');
    expect(d.ok && d.value.payload).toEqual(payload);
  });
});

describe('decodeVescPacket errors', () => {
  const v1 = hexBytes('02 01 04 40 84 03');

  it('names each failure with a code', () => {
    expect(errorCode(Buffer.from([0x05, 0x01, 0x04, 0x40, 0x84, 0x03]))).toBe('BAD_START');
    expect(errorCode(Buffer.from([0x02, 0x00, 0x00, 0x00, 0x03]))).toBe('BAD_LENGTH'); // zero length
    expect(errorCode(hexBytes('03 00 FE'))).toBe('BAD_LENGTH'); // 16-bit form below 255
    expect(errorCode(hexBytes('03 02 01'))).toBe('BAD_LENGTH'); // 513 > 512
    expect(errorCode(hexBytes('04 00 FF FE'))).toBe('BAD_LENGTH'); // 24-bit form below 65535
    expect(errorCode(Buffer.from([0x02, 0x01, 0x04, 0x40, 0x84, 0x02]))).toBe('BAD_END');
    expect(errorCode(Buffer.from([0x02, 0x01, 0x04, 0x40, 0x85, 0x03]))).toBe('CHECKSUM');
    expect(errorCode(v1.subarray(0, 5))).toBe('TRUNCATED');
    expect(errorCode(new Uint8Array())).toBe('TRUNCATED');
    expect(errorCode(Buffer.concat([v1, Buffer.from([0])]))).toBe('BAD_LENGTH'); // trailing bytes
  });

  it('accepts a 513-byte payload only when the maximum is raised', () => {
    const frame = encodeVescPacket(new Uint8Array(513).fill(7));
    expect(errorCode(frame)).toBe('BAD_LENGTH');
    expect(errorCode(frame, 1024)).toBe('ok');
  });

  it('checks the end byte before the CRC, like the firmware', () => {
    expect(errorCode(Buffer.from([0x02, 0x01, 0x04, 0x00, 0x00, 0x00]))).toBe('BAD_END');
  });

  it('reports how many bytes are still missing', () => {
    expect(scanVescFrame(v1.subarray(0, 1))).toEqual({ kind: 'incomplete', needed: 1 });
    expect(scanVescFrame(v1.subarray(0, 3))).toEqual({ kind: 'incomplete', needed: 3 });
  });

  it('refuses to frame an empty payload', () => {
    expect(() => encodeVescPacket(new Uint8Array())).toThrow(RangeError);
  });

  it('has a readable log form', () => {
    const d = decodeVescPacket(v1);
    expect(d.ok && describeVescFrame(d.value)).toBe('vesc short len=1 [04] crc=4084');
  });
});

describe('VESC framing properties', () => {
  const roundTrips = (payload: Uint8Array, maxPayload: number) => {
    const frame = encodeVescPacket(payload);
    const d = decodeVescPacket(frame, { maxPayload });
    return d.ok && Buffer.from(payload).equals(d.value.payload);
  };

  it('round-trips short-form payloads (1..255 bytes)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 255 }), (p) => roundTrips(p, 512)));
  });

  it('round-trips medium-form payloads (255 < n ≤ 65535)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 256, maxLength: 4096 }), (p) => roundTrips(p, 65535)),
      {
        numRuns: 50,
      },
    );
    expect(roundTrips(new Uint8Array(65535).fill(0xa5), 65535)).toBe(true);
  });

  it('round-trips long-form payloads (> 65535)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65536, max: 70000 }), fc.integer({ min: 0, max: 255 }), (n, seed) => {
        const p = new Uint8Array(n);
        for (let i = 0; i < n; i++) p[i] = (i * 31 + seed) & 0xff;
        const frame = encodeVescPacket(p);
        return frame[0] === 0x04 && roundTrips(p, 1 << 20);
      }),
      { numRuns: 10 },
    );
  });

  it('never throws on random bytes, only returns typed errors', () => {
    const codes = new Set(['TRUNCATED', 'BAD_START', 'BAD_END', 'BAD_LENGTH', 'CHECKSUM']);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const d = decodeVescPacket(bytes);
        return d.ok || codes.has(d.error.code);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports every truncation of a valid frame as TRUNCATED', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.nat(), (p, cut) => {
        const frame = encodeVescPacket(p);
        const at = cut % frame.length;
        const d = decodeVescPacket(frame.subarray(0, at));
        return !d.ok && d.error.code === 'TRUNCATED';
      }),
    );
  });

  it('never accepts a frame with one bit flipped (CRC-16 catches every single-bit error)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (p, pos, bit) => {
          const frame = Buffer.from(encodeVescPacket(p));
          const i = pos % frame.length;
          frame[i] = (frame[i] ?? 0) ^ (1 << bit);
          const d = decodeVescPacket(frame);
          return !d.ok;
        },
      ),
      { numRuns: 1000 },
    );
  });
});
