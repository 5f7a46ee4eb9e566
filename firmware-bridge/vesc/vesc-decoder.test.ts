import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { DecodeEvent } from '../codec/frame-decoder.ts';
import { hexBytes, v9Frame, vector } from './fixtures/vesc-vectors.ts';
import { VescFrameDecoder } from './vesc-decoder.ts';
import { encodeVescPacket, type VescFrame } from './vesc-packet.ts';

const frames = (events: DecodeEvent<VescFrame>[]) =>
  events.flatMap((e) => (e.kind === 'frame' ? [e.frame.payload.toString('hex')] : []));
const kinds = (events: DecodeEvent<VescFrame>[]) =>
  events.map((e) =>
    e.kind === 'error' ? `error:${e.error.code}` : e.kind === 'resync' ? `resync:${e.skipped}` : 'frame',
  );

/** Pushes bytes in the given chunk sizes (cycled) and collects every event. */
function feed(decoder: VescFrameDecoder, bytes: Uint8Array, sizes: number[]): DecodeEvent<VescFrame>[] {
  const out: DecodeEvent<VescFrame>[] = [];
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = Math.max(1, sizes.length ? (sizes[k++ % sizes.length] ?? 1) : bytes.length);
    out.push(...decoder.push(bytes.subarray(i, i + n)));
    i += n;
  }
  return out;
}

describe('VescFrameDecoder', () => {
  const v1 = hexBytes(vector('V1').hex ?? '');
  const v8 = hexBytes(vector('V8').hex ?? '');

  it('decodes one frame split byte by byte, keeping the tail pending', () => {
    const d = new VescFrameDecoder();
    const events = feed(d, v8.subarray(0, 50), [1]);
    expect(events).toEqual([]);
    expect(d.pending).toBe(50);
    const rest = d.push(v8.subarray(50));
    expect(kinds(rest)).toEqual(['frame']);
    expect(d.pending).toBe(0);
  });

  it('decodes two frames joined in one chunk', () => {
    const events = new VescFrameDecoder().push(Buffer.concat([v1, v8]));
    expect(kinds(events)).toEqual(['frame', 'frame']);
    expect(events[0]?.kind === 'frame' && events[0].raw).toEqual(v1);
  });

  it('skips garbage before a frame and reports it as one resync', () => {
    const events = new VescFrameDecoder().push(Buffer.concat([Buffer.from([0x00, 0xff, 0x55, 0x10]), v1]));
    expect(kinds(events)).toEqual(['resync:4', 'frame']);
  });

  it('reports a bad CRC, skips its start byte and finds the next frame', () => {
    const bad = Buffer.from(v1);
    bad[3] = 0x41;
    const events = new VescFrameDecoder().push(Buffer.concat([bad, v1]));
    // Rescanning from the next byte also tries the 0x04 and 0x03 inside the bad frame (each a false start).
    expect(kinds(events)[0]).toBe('error:CHECKSUM');
    expect(frames(events)).toEqual(['04']);
    expect(events[0]?.kind === 'error' && events[0].raw).toEqual(bad);
  });

  it('reports a wrong end byte as BAD_END', () => {
    const bad = hexBytes(vector('V3').hex ?? ''); // 02 01 1E F3 FF 03: no other start byte inside
    bad[5] = 0x00;
    expect(kinds(new VescFrameDecoder().push(bad))).toEqual(['error:BAD_END', 'resync:5']);
  });

  it('finds a complete reply hiding behind a false start that promises more bytes', () => {
    // 0x02 0xC8 looks like the start of a 200-byte packet; the reply behind it must not wait for 200 more bytes.
    const events = new VescFrameDecoder().push(Buffer.concat([Buffer.from([0x02, 0xc8, 0x17]), v8]));
    expect(kinds(events)).toEqual(['resync:3', 'frame']);
  });

  it('decodes the 16-bit-length V9 frame split in three', () => {
    const d = new VescFrameDecoder();
    const events = feed(d, v9Frame().frame, [2, 150, 200]);
    expect(frames(events)).toEqual([v9Frame().payload.toString('hex')]);
  });

  it('reset() drops a half frame so it cannot glue onto the next reply', () => {
    const d = new VescFrameDecoder();
    d.push(v8.subarray(0, 30));
    d.reset();
    expect(d.pending).toBe(0);
    expect(kinds(d.push(v1))).toEqual(['frame']);
  });

  it('finds every valid frame hidden in random garbage, split at random chunk boundaries', () => {
    const payload = fc.uint8Array({ minLength: 1, maxLength: 300 });
    const garbage = fc.uint8Array({ maxLength: 40 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbage, payload), { minLength: 1, maxLength: 6 }),
        garbage,
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 12 }),
        (parts, tail, sizes) => {
          const stream = Buffer.concat([...parts.flatMap(([g, p]) => [g, encodeVescPacket(p)]), tail]);
          const got = frames(feed(new VescFrameDecoder(), stream, sizes));
          // Every expected payload appears, in order (noise may, very rarely, form an extra valid frame of its own).
          let at = 0;
          for (const [, p] of parts) {
            const want = Buffer.from(p).toString('hex');
            while (at < got.length && got[at] !== want) at++;
            if (at === got.length) return false;
            at++;
          }
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws and accounts for every byte it drops', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 800 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 8 }),
        (bytes, sizes) => {
          const d = new VescFrameDecoder();
          const events = feed(d, bytes, sizes);
          let consumed = 0;
          for (const e of events) {
            if (e.kind === 'frame') consumed += e.raw.length;
            else if (e.kind === 'error') consumed += 1;
            else consumed += e.skipped;
          }
          return consumed + d.pending === bytes.length;
        },
      ),
      { numRuns: 1000 },
    );
  });
});
