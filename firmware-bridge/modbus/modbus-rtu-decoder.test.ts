// RTU stream decoders without timing gaps: split frames, joined frames, garbage before and between frames,
// bad CRCs and garbage headers that promise long frames; plus a property test over random garbage and chunking.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import vectors from './fixtures/modbus-vectors.json' with { type: 'json' };
import type { DecodeEvent, FrameDecoder } from '../codec/frame-decoder.ts';
import { withCrc } from './modbus-crc.ts';
import { encodeRtuRequest, encodeRtuResponse } from './modbus-rtu-codec.ts';
import { createRtuRequestDecoder, createRtuResponseDecoder } from './modbus-rtu-decoder.ts';
import { arbRequest, arbResponse } from './testing/modbus-arbitraries.ts';

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const vector = (id: string): Buffer => bytes(vectors.vectors.find((x) => x.id === id)?.hex ?? '');

function feed<F>(d: FrameDecoder<F>, chunks: Uint8Array[]): DecodeEvent<F>[] {
  return chunks.flatMap((c) => d.push(c));
}
const frames = <F>(evs: DecodeEvent<F>[]) => evs.flatMap((e) => (e.kind === 'frame' ? [e.raw.toString('hex')] : []));
const kinds = <F>(evs: DecodeEvent<F>[]) => evs.map((e) => (e.kind === 'error' ? `error:${e.error.code}` : e.kind));

describe('RTU reply decoder', () => {
  it('finds a frame split at every possible point', () => {
    const f = vector('M12');
    for (let cut = 1; cut < f.length; cut++) {
      const d = createRtuResponseDecoder({ unit: 1, fc: 3, byteCount: 24 });
      const evs = feed(d, [f.subarray(0, cut), f.subarray(cut)]);
      expect(frames(evs), `cut ${cut}`).toEqual([f.toString('hex')]);
      expect(d.pending).toBe(0);
    }
  });

  it('finds a frame fed one byte at a time', () => {
    const f = vector('M13');
    const d = createRtuResponseDecoder({ unit: 1, fc: 3, byteCount: 20 });
    expect(
      frames(
        feed(
          d,
          [...f].map((b) => Uint8Array.of(b)),
        ),
      ),
    ).toEqual([f.toString('hex')]);
  });

  it('finds two frames joined in one chunk', () => {
    const d = createRtuResponseDecoder();
    const evs = d.push(Buffer.concat([vector('M12'), vector('M14'), vector('M10-reply')]));
    expect(kinds(evs)).toEqual(['frame', 'frame', 'frame']);
    expect(evs[1]).toMatchObject({ frame: { kind: 'exception', name: 'ILLEGAL_DATA_ADDRESS' } });
  });

  it('skips garbage before a frame and says how much', () => {
    const d = createRtuResponseDecoder({ unit: 1 });
    const evs = d.push(Buffer.concat([Buffer.from([0xff, 0x00, 0x55, 0x02]), vector('M3a')]));
    expect(evs).toEqual([{ kind: 'resync', skipped: 4 }, expect.objectContaining({ kind: 'frame' })]);
  });

  it('reports a bad CRC as a CHECKSUM error and still finds the next frame', () => {
    const bad = Buffer.from(vector('M3b'));
    bad[4] = 0x08;
    const d = createRtuResponseDecoder({ unit: 1, fc: 3 });
    const evs = d.push(Buffer.concat([bad, vector('M3a')]));
    expect(kinds(evs)[0]).toBe('error:CHECKSUM');
    expect(frames(evs)).toEqual([vector('M3a').toString('hex')]);
  });

  it('does not wait for bytes a garbage header promised when a complete frame follows', () => {
    // 01 03 F0 looks like a reply header announcing 240 data bytes; the real reply is already complete after it.
    const d = createRtuResponseDecoder();
    const evs = d.push(Buffer.concat([Buffer.from([0x01, 0x03, 0xf0]), vector('M3b')]));
    expect(frames(evs)).toEqual([vector('M3b').toString('hex')]);
    expect(evs[0]).toEqual({ kind: 'resync', skipped: 3 });
    expect(d.pending).toBe(0);
  });

  it('ignores replies from other units and functions it was not asked for', () => {
    const other = withCrc(Buffer.from([2, 0x03, 0x02, 0x00, 0x01]));
    const d = createRtuResponseDecoder({ unit: 1, fc: 6 });
    const evs = d.push(Buffer.concat([other, vector('M3a'), vector('M2-on')]));
    expect(frames(evs)).toEqual([vector('M2-on').toString('hex')]);
  });

  it('accepts the exception of the function it waits for', () => {
    const d = createRtuResponseDecoder({ unit: 1, fc: 3, byteCount: 24 });
    expect(kinds(d.push(vector('M14')))).toEqual(['frame']);
  });

  it('keeps an incomplete tail, and reset() drops it', () => {
    const d = createRtuResponseDecoder({ unit: 1 });
    expect(d.push(vector('M12').subarray(0, 10))).toEqual([]);
    expect(d.pending).toBe(10);
    d.reset();
    expect(d.pending).toBe(0);
  });
});

describe('RTU request decoder (simulated slave)', () => {
  it('decodes the master requests M5, M10, M2 back to back', () => {
    const d = createRtuRequestDecoder({ unit: 1 });
    const evs = d.push(Buffer.concat([vector('M5'), vector('M10'), vector('M2-off')]));
    expect(evs.map((e) => (e.kind === 'frame' ? e.frame.kind : e.kind))).toEqual([
      'read',
      'write-multiple',
      'write-single',
    ]);
  });

  it('hears broadcasts but not requests for other units', () => {
    const d = createRtuRequestDecoder({ unit: 1 });
    const forTwo = encodeRtuRequest({ kind: 'read', unit: 2, fc: 3, address: 0, count: 1 });
    const broadcast = encodeRtuRequest({ kind: 'write-single', unit: 0, fc: 6, address: 18, value: 0 });
    expect(frames(d.push(Buffer.concat([forTwo, broadcast])))).toEqual([broadcast.toString('hex')]);
  });

  it('is not fooled by a reply on the same line (RS-485 hears everything)', () => {
    const d = createRtuRequestDecoder();
    const evs = d.push(Buffer.concat([vector('M12'), vector('M4')]));
    expect(frames(evs)).toEqual([vector('M4').toString('hex')]);
  });
});

/** Splits `data` at the given (sorted, deduplicated) cut points. */
function chunk(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of [...points, data.length]) {
    out.push(data.subarray(last, p));
    last = p;
  }
  return out;
}

function isSubsequence(needles: string[], hay: string[]): boolean {
  let i = 0;
  for (const h of hay) if (h === needles[i]) i++;
  return i === needles.length;
}

describe('RTU decoder properties', () => {
  it('finds every valid reply hidden in random garbage, however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), arbResponse(fc.constant(1))), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (parts, cuts) => {
          const wanted = parts.map(([, r]) => encodeRtuResponse(r));
          const stream = Buffer.concat(parts.flatMap(([g], i) => [Buffer.from(g), wanted[i] ?? Buffer.alloc(0)]));
          const d = createRtuResponseDecoder({ unit: 1 });
          const evs = feed(d, chunk(stream, cuts));
          expect(
            isSubsequence(
              wanted.map((w) => w.toString('hex')),
              frames(evs),
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds every valid request hidden in random garbage (slave side)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), arbRequest(fc.constant(7))), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (parts, cuts) => {
          const wanted = parts.map(([, r]) => encodeRtuRequest(r));
          const stream = Buffer.concat(parts.flatMap(([g], i) => [Buffer.from(g), wanted[i] ?? Buffer.alloc(0)]));
          const evs = feed(createRtuRequestDecoder({ unit: 7 }), chunk(stream, cuts));
          expect(
            isSubsequence(
              wanted.map((w) => w.toString('hex')),
              frames(evs),
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and never holds more than one maximal frame', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (chunks) => {
        const d = createRtuResponseDecoder();
        for (const c of chunks) {
          d.push(c);
          expect(d.pending).toBeLessThan(256);
        }
      }),
    );
  });
});
