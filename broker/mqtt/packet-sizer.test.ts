// The fixed-header reader: lengths split across chunks, several packets in one chunk, the 4-byte bound, limits.

import { describe, expect, it } from 'vitest';
import { PacketSizer } from './packet-sizer.ts';

/** MQTT's remaining-length encoding (7 bits per byte, high bit = more). */
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const packet = (type: number, len: number): Buffer =>
  Buffer.concat([Buffer.from([type << 4, ...varint(len)]), Buffer.alloc(len)]);

describe('PacketSizer', () => {
  it('follows packets across any chunking and asks the limit once per packet', () => {
    const asked: Array<[number, number]> = [];
    const sizer = new PacketSizer((i, type) => (asked.push([i, type]), 1000));
    const bytes = Buffer.concat([packet(1, 300), packet(3, 0), packet(3, 200), packet(12, 0)]);
    for (let i = 0; i < bytes.length; i += 3) expect(sizer.feed(bytes.subarray(i, i + 3))).toEqual({ ok: true });
    expect(asked).toEqual([
      [0, 1],
      [1, 3],
      [2, 3],
      [3, 12],
    ]);
    expect(sizer.packets).toBe(4);
  });

  it('refuses a packet over the limit as soon as its length is read, before any of its body', () => {
    const sizer = new PacketSizer(() => 64 * 1024);
    const header = Buffer.from([0x10, ...varint(256 * 1024 * 1024 - 1)]); // the most MQTT can say
    expect(sizer.feed(header.subarray(0, 2))).toEqual({ ok: true }); // the length is not complete yet
    expect(sizer.feed(header.subarray(2))).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('accepts exactly the limit, and a raised limit for later packets', () => {
    const sizer = new PacketSizer((i) => (i === 0 ? 10 : 100));
    expect(sizer.feed(Buffer.concat([packet(1, 10), packet(3, 100)]))).toEqual({ ok: true });
    expect(sizer.feed(packet(3, 101))).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('refuses a remaining length longer than 4 bytes and the reserved type 0', () => {
    expect(new PacketSizer(() => 1e9).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(new PacketSizer(() => 1e9).feed(Buffer.from([0x00, 0x00]))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('reads the largest length MQTT can encode', () => {
    let seen = -1;
    const sizer = new PacketSizer(() => 268_435_455);
    expect(sizer.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toEqual({ ok: true });
    seen = sizer.packets;
    expect(seen).toBe(1);
  });
});
