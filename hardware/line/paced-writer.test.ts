// Reply pacing: at 9600 Bd a 40-byte JBD reply takes 40 × 10 bit / 9600 = 41.7 ms on the wire, in order.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import type { ByteTransport } from '../../firmware-bridge/transports/transport.ts';
import { charTimeMs, PacedWriter } from './paced-writer.ts';

function recorder(clock: ManualClock) {
  const writes: { at: number; bytes: number[] }[] = [];
  const line = {
    address: 'rec',
    isOpen: true,
    open: async () => undefined,
    close: async () => undefined,
    write: async (d: Uint8Array) => void writes.push({ at: clock.now(), bytes: [...d] }),
    onData: () => () => true,
    onClose: () => () => true,
  } satisfies ByteTransport;
  return { line, writes };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('PacedWriter', () => {
  it('spreads a reply over its character times and keeps replies in order', async () => {
    const clock = new ManualClock(0);
    const { line, writes } = recorder(clock);
    const w = new PacedWriter(line, { baudRate: 9600, clock });
    const reply = Array.from({ length: 40 }, (_, i) => i);
    const done = w.write(Uint8Array.from(reply));
    void w.write(Uint8Array.from([0xaa]));
    await settle();
    expect(writes).toHaveLength(1);
    await clock.advanceAsync(60, 1);
    await done;
    expect(charTimeMs(9600)).toBeCloseTo(1.0417, 3);
    expect(writes.flatMap((x) => x.bytes)).toEqual([...reply, 0xaa]);
    const last = writes.at(-1);
    // The extra byte goes out only after the 40 characters have left the line.
    expect(last?.at).toBeGreaterThanOrEqual(Math.floor(40 * charTimeMs(9600)));
  });

  it('writes at once without a baud rate', async () => {
    const clock = new ManualClock(0);
    const { line, writes } = recorder(clock);
    await new PacedWriter(line, { clock }).write(Uint8Array.from([1, 2, 3]));
    expect(writes).toEqual([{ at: 0, bytes: [1, 2, 3] }]);
  });
});
