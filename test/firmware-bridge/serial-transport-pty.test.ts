// The serial transport over a real socat pseudo-terminal pair: a burst larger than a read arrives whole and in order,
// and every chunk is cut from a small read pool (not serialport's 64 KiB one, which kept megabytes of malloc'd memory
// alive on a station with 16 ports).

import { afterEach, describe, expect, it } from 'vitest';
import { READ_POOL_BYTES, SerialTransport } from '../../firmware-bridge/transports/serial-transport.ts';
import { ptyPair } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('serial transport over a socat pty pair', () => {
  it('delivers a 6 KiB burst whole, in chunks from a small pool', async () => {
    const pty = await ptyPair('serial-pool');
    cleanups.push(() => pty.kill());
    const a = new SerialTransport(pty.a, { baudRate: 115200 });
    const b = new SerialTransport(pty.b, { baudRate: 115200 });
    await a.open();
    await b.open();
    cleanups.push(() => a.close());
    cleanups.push(() => b.close());

    const chunks: Buffer[] = [];
    b.onData((chunk) => chunks.push(Buffer.from(chunk)));
    const pools: number[] = [];
    b.onData((chunk) => pools.push(chunk.buffer.byteLength));

    const sent = Buffer.alloc(6 * 1024);
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 31 + (i >> 8)) & 0xff;
    await a.write(sent);
    await waitFor(() => chunks.reduce((n, c) => n + c.length, 0) >= sent.length, { what: 'the whole burst' });

    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(READ_POOL_BYTES);
    // A chunk is a view of its pool: node's 8 KiB buffer slab for a 1 KiB pool, 64 KiB with serialport's default.
    expect(Math.max(...pools)).toBeLessThanOrEqual(8192);
  });
});
