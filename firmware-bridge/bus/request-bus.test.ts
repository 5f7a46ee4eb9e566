// The request bus on a manual clock: one exchange at a time, timeouts that name what was asked,
// the safety lane overtaking queued polls, and the inter-frame gap.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { encodeRead, encodeResponse, asResponse, type JbdRawFrame } from '../jbd/jbd-codec.ts';
import { JbdDecoder } from '../jbd/jbd-decoder.ts';
import { createMemoryLink } from '../transports/memory-transport.ts';
import { CodecError } from '../codec/codec-error.ts';
import { BusError, RequestBus, type BusRequest } from './request-bus.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

async function setup(gapMs = 0) {
  const clock = new ManualClock();
  const link = createMemoryLink('bus-test');
  await link.host.open();
  await link.device.open();
  const seen: number[] = [];
  link.device.onData((chunk) => seen.push(chunk[2] ?? -1));
  const bus = new RequestBus(link.host, { clock, gapMs });
  const req = (reg: number, priority: 'normal' | 'safety' = 'normal'): BusRequest<JbdRawFrame, number> => ({
    device: 'dev',
    label: `read ${reg}`,
    bytes: encodeRead(reg),
    decoder: new JbdDecoder(),
    timeoutMs: 100,
    priority,
    match: (f) => (asResponse(f).reg === reg ? reg : undefined),
  });
  const answer = async (reg: number) => {
    await link.device.write(encodeResponse(reg, Buffer.from([reg])));
    await tick();
    await tick();
  };
  return { clock, link, bus, req, seen, answer };
}

describe('RequestBus', () => {
  it('keeps one request in flight and answers them in order', async () => {
    const { bus, req, seen, answer } = await setup();
    const a = bus.request(req(1));
    const b = bus.request(req(2));
    await tick();
    await tick();
    expect(seen).toEqual([1]);
    await answer(1);
    await expect(a).resolves.toBe(1);
    await tick();
    expect(seen).toEqual([1, 2]);
    await answer(2);
    await expect(b).resolves.toBe(2);
  });

  it('lets a safety request overtake queued polls', async () => {
    const { bus, req, seen, answer } = await setup();
    const polls = [bus.request(req(1)), bus.request(req(2)), bus.request(req(3))];
    const off = bus.request(req(9, 'safety'));
    await tick();
    await tick();
    await answer(1);
    await tick();
    expect(seen).toEqual([1, 9]);
    await answer(9);
    await expect(off).resolves.toBe(9);
    await answer(2);
    await tick();
    await answer(3);
    await expect(Promise.all(polls)).resolves.toEqual([1, 2, 3]);
  });

  it('times out naming the device and request, counts it, and goes on with the next', async () => {
    const { bus, req, clock, answer } = await setup();
    const a = bus.request(req(1));
    const b = bus.request(req(2));
    await tick();
    clock.advance(100);
    const err = await a.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusError);
    expect(err).toMatchObject({ code: 'TIMEOUT', device: 'dev', request: 'read 1' });
    expect(String((err as Error).message)).toContain('timeout after 100 ms');
    await tick();
    await answer(2);
    await expect(b).resolves.toBe(2);
    expect(bus.countersFor('dev').snapshot()).toMatchObject({ requests: 2, responses: 1, timeouts: 1 });
  });

  it('ignores a late answer to a timed-out request instead of giving it to the next', async () => {
    const { bus, req, clock, answer } = await setup();
    const a = bus.request(req(1)).catch((e: unknown) => e);
    await tick();
    clock.advance(100);
    await a;
    const b = bus.request(req(2));
    await tick();
    await answer(1);
    await answer(2);
    await expect(b).resolves.toBe(2);
  });

  it('waits the configured gap between exchanges', async () => {
    const { bus, req, seen, clock, answer } = await setup(5);
    const a = bus.request(req(1));
    void bus.request(req(2));
    await tick();
    await answer(1);
    await a;
    await tick();
    expect(seen).toEqual([1]);
    clock.advance(5);
    await tick();
    expect(seen).toEqual([1, 2]);
  });

  it('never runs two exchanges at once when the line is reset during the gap', async () => {
    const { bus, req, clock, seen, answer } = await setup(5);
    const a = bus.request(req(1));
    await tick();
    await answer(1);
    await a;
    bus.failAll('CLOSED', 'reset');
    const b = bus.request(req(2));
    const c = bus.request(req(3));
    await tick();
    clock.advance(5);
    await tick();
    // Only request 2 may be on the wire: the step scheduled before the reset must not start another.
    expect(seen).toEqual([1, 2]);
    await answer(2);
    await expect(b).resolves.toBe(2);
    clock.advance(5);
    await tick();
    await answer(3);
    await expect(c).resolves.toBe(3);
  });

  it('rejects everything when the line closes', async () => {
    const { bus, req, link } = await setup();
    const a = bus.request(req(1)).catch((e: unknown) => e);
    const b = bus.request(req(2)).catch((e: unknown) => e);
    await tick();
    link.host.hangUp();
    expect(await a).toMatchObject({ code: 'CLOSED' });
    expect(await b).toMatchObject({ code: 'CLOSED' });
  });

  it('fails a reply with a bad checksum at once, as BAD_CHECKSUM, without waiting for the timeout', async () => {
    const { bus, req, link } = await setup();
    const a = bus.request(req(1)).catch((e: unknown) => e);
    await tick();
    const bad = encodeResponse(1, Buffer.from([1]));
    bad.writeUInt8((bad[bad.length - 2] ?? 0) ^ 1, bad.length - 2);
    await link.device.write(bad);
    const err = await a;
    expect(err).toMatchObject({ code: 'BAD_CHECKSUM', device: 'dev', request: 'read 1' });
    expect(String(err)).toContain('bad checksum');
    expect(bus.countersFor('dev').snapshot()).toMatchObject({ crcErrors: 1, badChecksumReplies: 1, timeouts: 0 });
  });

  it('names half a reply a bad length when the time runs out', async () => {
    const { bus, req, link, clock } = await setup();
    const a = bus.request(req(1)).catch((e: unknown) => e);
    await tick();
    await link.device.write(encodeResponse(1, Buffer.from([1])).subarray(0, 5));
    await tick();
    await tick();
    clock.advance(100);
    expect(await a).toMatchObject({ code: 'BAD_LENGTH' });
    expect(String(await a)).toContain('5 bytes of an incomplete reply');
    expect(bus.countersFor('dev').snapshot()).toMatchObject({ badLengthReplies: 1, timeouts: 0 });
  });

  it('asks a failed exchange once more when its deadline leaves room, and only once', async () => {
    const { bus, req, link, clock, seen, answer } = await setup();
    const bad = encodeResponse(1, Buffer.from([1]));
    bad.writeUInt8((bad[bad.length - 2] ?? 0) ^ 1, bad.length - 2);
    const a = bus.request({ ...req(1), retryUntil: clock.now() + 500 });
    await tick();
    await link.device.write(bad);
    await tick();
    await tick();
    await tick();
    expect(seen).toEqual([1, 1]);
    await answer(1);
    await expect(a).resolves.toBe(1);
    expect(bus.countersFor('dev').snapshot()).toMatchObject({ retries: 1, badChecksumReplies: 1, responses: 1 });

    // Twice bad: the second failure is final.
    const b = bus.request({ ...req(1), retryUntil: clock.now() + 500 }).catch((e: unknown) => e);
    await tick();
    await link.device.write(bad);
    await tick();
    await tick();
    await tick();
    await link.device.write(bad);
    expect(await b).toMatchObject({ code: 'BAD_CHECKSUM' });
    expect(bus.countersFor('dev').retries).toBe(2);
  });

  it('does not retry when the timeout no longer fits before the deadline, nor a device refusal', async () => {
    const { bus, req, clock, link } = await setup();
    const late = bus.request({ ...req(1), retryUntil: clock.now() + 150 }).catch((e: unknown) => e);
    await tick();
    clock.advance(100);
    expect(await late).toMatchObject({ code: 'TIMEOUT' });
    const refused = bus
      .request({ ...req(2), retryUntil: clock.now() + 10_000, match: () => new CodecError('BAD_STATUS', 'jbd', 'no') })
      .catch((e: unknown) => e);
    await tick();
    await tick();
    await link.device.write(encodeResponse(2, Buffer.from([2]), 0x80));
    expect(await refused).toMatchObject({ code: 'DEVICE_ERROR' });
    expect(bus.countersFor('dev').snapshot()).toMatchObject({ retries: 0, timeouts: 1, deviceErrors: 1 });
  });
});
