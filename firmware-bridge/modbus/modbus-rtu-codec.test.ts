// Modbus RTU codec against vectors M1–M14 (fixtures/modbus-vectors.json, copied from shared/protocols.md §4),
// the CRC check value, and property tests: round trips, and junk/truncation/bit flips give typed errors only.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import vectors from './fixtures/modbus-vectors.json' with { type: 'json' };
import { CodecError } from '../codec/codec-error.ts';
import { hasValidCrc, modbusCrc, withCrc } from './modbus-crc.ts';
import { FC, MAX_READ_COUNT, type ModbusRequest, type ModbusResponse } from './modbus-pdu.ts';
import { arbRequest, arbResponse } from './testing/modbus-arbitraries.ts';
import {
  decodeRtuRequest,
  decodeRtuResponse,
  describeFrame,
  encodeRtuRequest,
  encodeRtuResponse,
  toHex,
} from './modbus-rtu-codec.ts';

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const vector = (id: string): Buffer => {
  const v = vectors.vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return bytes(v.hex);
};
const request = (id: string): ModbusRequest => {
  const r = decodeRtuRequest(vector(id));
  if (!r.ok) throw r.error;
  return r.value;
};
const response = (id: string): ModbusResponse => {
  const r = decodeRtuResponse(vector(id));
  if (!r.ok) throw r.error;
  return r.value;
};

function bitwiseCrc(b: Uint8Array): number {
  let c = 0xffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  }
  return c;
}

describe('CRC-16/MODBUS', () => {
  it('has the catalogue check value 0x4B37', () => {
    expect(modbusCrc(Buffer.from('123456789', 'ascii'))).toBe(0x4b37);
    expect(modbusCrc(Buffer.from(vectors.crcCheck.input, 'ascii'))).toBe(vectors.crcCheck.crc);
  });

  it('every vector has residue 0 and its CRC low byte first', () => {
    for (const v of vectors.vectors) {
      const b = bytes(v.hex);
      expect(hasValidCrc(b), v.id).toBe(true);
      expect(withCrc(b.subarray(0, -2)), v.id).toEqual(b);
    }
  });

  it('the table matches the bitwise definition', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => modbusCrc(b) === bitwiseCrc(b)));
  });
});

describe('RTU requests: vectors', () => {
  const enc = (r: ModbusRequest) => encodeRtuRequest(r);
  const read = (address: number, count: number): ModbusRequest => ({
    kind: 'read',
    unit: 1,
    fc: FC.readHolding,
    address,
    count,
  });
  const write = (address: number, value: number): ModbusRequest => ({
    kind: 'write-single',
    unit: 1,
    fc: FC.writeSingle,
    address,
    value,
  });

  it('encodes reads M1, M4, M5, M6 byte for byte', () => {
    expect(enc(read(0, 1))).toEqual(vector('M1'));
    expect(enc(read(0, 4))).toEqual(vector('M4'));
    expect(enc(read(8, 12))).toEqual(vector('M5'));
    expect(enc(read(32, 10))).toEqual(vector('M6'));
  });

  it('encodes single writes M2, M7, M8, M9, M11 byte for byte', () => {
    expect(enc(write(18, 1))).toEqual(vector('M2-on'));
    expect(enc(write(18, 0))).toEqual(vector('M2-off'));
    expect(enc(write(8, 5460))).toEqual(vector('M7'));
    expect(enc(write(8, 5880))).toEqual(vector('M8'));
    expect(enc(write(9, 400))).toEqual(vector('M9'));
    expect(enc(write(9, 4000))).toEqual(vector('M9-rd6006'));
    expect(enc(write(82, 5600))).toEqual(vector('M11'));
  });

  it('encodes the FC16 V+I write M10', () => {
    expect(enc({ kind: 'write-multiple', unit: 1, fc: FC.writeMultiple, address: 8, values: [5460, 400] })).toEqual(
      vector('M10'),
    );
  });

  it('decodes every request vector as the simulated slave sees it, and re-encodes it', () => {
    for (const v of vectors.vectors.filter((x) => x.dir === 'request')) {
      const r = decodeRtuRequest(bytes(v.hex));
      expect(r.ok, v.id).toBe(true);
      if (r.ok) expect(encodeRtuRequest(r.value), v.id).toEqual(bytes(v.hex));
    }
    expect(request('M10')).toEqual({ kind: 'write-multiple', unit: 1, fc: 0x10, address: 8, values: [5460, 400] });
    expect(request('M5')).toEqual({ kind: 'read', unit: 1, fc: 0x03, address: 8, count: 12 });
  });
});

describe('RTU replies: vectors', () => {
  it('decodes the public 1-register replies M3', () => {
    expect(response('M3a')).toEqual({ kind: 'read-reply', unit: 1, fc: 3, values: [1] });
    expect(response('M3b')).toEqual({ kind: 'read-reply', unit: 1, fc: 3, values: [7] });
  });

  it('decodes the live block reply M12 and the battery block reply M13', () => {
    expect(response('M12')).toMatchObject({
      kind: 'read-reply',
      values: [5460, 400, 5123, 398, 0, 20389, 6500, 0, 0, 1, 1, 0],
    });
    expect(response('M13')).toMatchObject({ kind: 'read-reply', values: [1, 4987, 0, 24, 0, 75, 0, 2150, 0, 0xace8] });
  });

  it('decodes the FC16 reply M10 and the exception M14 with its name', () => {
    expect(response('M10-reply')).toEqual({ kind: 'write-multiple-reply', unit: 1, fc: 0x10, address: 8, count: 2 });
    expect(response('M14')).toEqual({ kind: 'exception', unit: 1, fc: 3, code: 2, name: 'ILLEGAL_DATA_ADDRESS' });
  });

  it('treats an FC06 reply as the echo of the request (M2)', () => {
    expect(decodeRtuResponse(vector('M2-on'))).toEqual({
      ok: true,
      value: { kind: 'write-single-reply', unit: 1, fc: 6, address: 18, value: 1 },
    });
  });

  it('re-encodes every reply vector byte for byte', () => {
    for (const v of vectors.vectors.filter((x) => x.dir === 'response')) {
      const r = decodeRtuResponse(bytes(v.hex));
      expect(r.ok, v.id).toBe(true);
      if (r.ok) expect(encodeRtuResponse(r.value), v.id).toEqual(bytes(v.hex));
    }
  });

  it('names exception codes, and unknown ones too', () => {
    const ex = (code: number) => decodeRtuResponse(withCrc(Buffer.from([1, 0x86, code])));
    expect(ex(1)).toMatchObject({ ok: true, value: { name: 'ILLEGAL_FUNCTION', fc: 6 } });
    expect(ex(3)).toMatchObject({ ok: true, value: { name: 'ILLEGAL_DATA_VALUE' } });
    expect(ex(4)).toMatchObject({ ok: true, value: { name: 'SERVER_DEVICE_FAILURE' } });
    expect(ex(0x0b)).toMatchObject({ ok: true, value: { name: 'GATEWAY_TARGET_FAILED_TO_RESPOND' } });
    expect(ex(0x42)).toMatchObject({ ok: true, value: { name: 'UNKNOWN_EXCEPTION', code: 0x42 } });
  });
});

describe('RTU errors are typed', () => {
  const code = (r: { ok: boolean; error?: CodecError }) => (r.ok ? 'ok' : r.error?.code);

  it('reports CHECKSUM, TRUNCATED, BAD_LENGTH and UNSUPPORTED', () => {
    const bad = Buffer.from(vector('M12'));
    bad[5] = (bad[5] ?? 0) ^ 0x01;
    expect(code(decodeRtuResponse(bad))).toBe('CHECKSUM');
    expect(code(decodeRtuResponse(vector('M12').subarray(0, 20)))).toBe('TRUNCATED');
    expect(code(decodeRtuResponse(Buffer.concat([vector('M3a'), Buffer.from([0])])))).toBe('BAD_LENGTH');
    expect(code(decodeRtuResponse(withCrc(Buffer.from([1, 0x01, 0x01, 0x05]))))).toBe('UNSUPPORTED');
    expect(code(decodeRtuResponse(withCrc(Buffer.from([1, 0x03, 0x03, 0, 0, 0]))))).toBe('BAD_LENGTH');
    expect(code(decodeRtuRequest(withCrc(Buffer.from([1, 0x03, 0, 0, 0, 0]))))).toBe('BAD_PAYLOAD');
    expect(code(decodeRtuRequest(Buffer.alloc(0)))).toBe('TRUNCATED');
  });

  it('refuses to encode what a device would reject, with a CodecError', () => {
    const tries: ModbusRequest[] = [
      { kind: 'read', unit: 1, fc: 3, address: 0, count: 0 },
      { kind: 'read', unit: 1, fc: 3, address: 0, count: MAX_READ_COUNT + 1 },
      { kind: 'read', unit: 0, fc: 3, address: 0, count: 1 },
      { kind: 'read', unit: 248, fc: 3, address: 0, count: 1 },
      { kind: 'read', unit: 1, fc: 4, address: 65535, count: 2 },
      { kind: 'write-single', unit: 1, fc: 6, address: 8, value: 65536 },
      { kind: 'write-single', unit: 1, fc: 6, address: 8, value: 1.5 },
      { kind: 'write-multiple', unit: 1, fc: 16, address: 8, values: [] },
      { kind: 'write-multiple', unit: 1, fc: 16, address: 8, values: [1, -1] },
    ];
    for (const t of tries) expect(() => encodeRtuRequest(t), JSON.stringify(t)).toThrow(CodecError);
  });
});

describe('describeFrame', () => {
  it('gives a readable log line per frame kind', () => {
    expect(describeFrame(request('M5'))).toBe('unit 1 FC03 read holding @8 (0x0008) x12');
    expect(describeFrame(request('M10'))).toBe('unit 1 FC10 write @8 (0x0008) = [5460, 400]');
    expect(describeFrame(request('M2-off'))).toBe('unit 1 FC06 write @18 (0x0012) = 0');
    expect(describeFrame(response('M14'))).toBe('unit 1 FC03 exception 2 ILLEGAL_DATA_ADDRESS');
    expect(describeFrame(response('M3b'))).toBe('unit 1 FC03 reply 1 regs [7]');
    expect(describeFrame(response('M10-reply'))).toBe('unit 1 FC10 reply @8 (0x0008) x2');
    expect(toHex(vector('M14'))).toBe('01 83 02 C0 F1');
  });
});

describe('RTU properties', () => {
  it('requests round-trip through encode/decode', () => {
    fc.assert(
      fc.property(arbRequest(), (r) => {
        expect(decodeRtuRequest(encodeRtuRequest(r))).toEqual({ ok: true, value: r });
      }),
    );
  });

  it('replies round-trip through encode/decode', () => {
    fc.assert(
      fc.property(arbResponse(), (r) => {
        expect(decodeRtuResponse(encodeRtuResponse(r))).toEqual({ ok: true, value: r });
      }),
    );
  });

  it('random bytes never throw: a frame or a CodecError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        for (const r of [decodeRtuResponse(b), decodeRtuRequest(b)])
          if (!r.ok) expect(r.error).toBeInstanceOf(CodecError);
      }),
      { numRuns: 2000 },
    );
  });

  it('every truncation of a valid frame is TRUNCATED', () => {
    fc.assert(
      fc.property(arbResponse(), arbRequest(), fc.nat(), (res, req, cut) => {
        for (const [frame, decode] of [
          [encodeRtuResponse(res), decodeRtuResponse],
          [encodeRtuRequest(req), decodeRtuRequest],
        ] as const) {
          const r = decode(frame.subarray(0, cut % frame.length));
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.code).toBe('TRUNCATED');
        }
      }),
    );
  });

  it('any single bit flip is caught (the CRC sees every 1-bit error)', () => {
    fc.assert(
      fc.property(arbResponse(), fc.nat(), (res, at) => {
        const frame = Buffer.from(encodeRtuResponse(res));
        const bit = at % (frame.length * 8);
        frame[bit >> 3] = (frame[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const r = decodeRtuResponse(frame);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toBeInstanceOf(CodecError);
      }),
    );
  });
});
