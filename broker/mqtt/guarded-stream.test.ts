// The guard between a socket and Aedes, over in-memory streams with a manual clock: the connect timeout, the
// limit raised at login, the first packet must be CONNECT, and bytes pass through unchanged both ways.

import { PassThrough, Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { GuardedStream, type GuardCloseReason } from './guarded-stream.ts';

/** A fake socket: what the test writes to `fromPeer` arrives as the socket's data; writes land in `toPeer`. */
function fakeSocket(): { socket: Duplex; fromPeer: PassThrough; toPeer: Buffer[] } {
  const fromPeer = new PassThrough();
  const toPeer: Buffer[] = [];
  const socket = new Duplex({
    read() {
      // data is pushed from fromPeer below
    },
    write(chunk: Buffer, _enc, cb) {
      toPeer.push(chunk);
      cb();
    },
  });
  fromPeer.on('data', (c: Buffer) => socket.push(c));
  return { socket, fromPeer, toPeer };
}

function guard(clock: ManualClock) {
  const { socket, fromPeer, toPeer } = fakeSocket();
  const refused: Array<[GuardCloseReason, string]> = [];
  const g = new GuardedStream(socket, {
    maxConnectBytes: 100,
    maxPacketBytes: 1000,
    connectTimeoutMs: 5000,
    maxUnsentBytes: 1000,
    clock,
    onRefused: (reason, detail) => refused.push([reason, detail]),
  });
  const got: Buffer[] = [];
  g.on('data', (c: Buffer) => got.push(c));
  return { g, socket, fromPeer, toPeer, refused, got };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GuardedStream', () => {
  it('closes a connection that has not logged in within the connect timeout', async () => {
    const clock = new ManualClock();
    const t = guard(clock);
    clock.advance(4999);
    expect(t.g.destroyed).toBe(false);
    clock.advance(1);
    expect(t.refused.map((r) => r[0])).toEqual(['connect_timeout']);
    expect(t.g.destroyed).toBe(true);
    expect(t.socket.destroyed).toBe(true);
  });

  it('stops the timer at login and allows larger packets after it', async () => {
    const clock = new ManualClock();
    const t = guard(clock);
    t.fromPeer.write(Buffer.from([0x10, 50, ...Buffer.alloc(50)]));
    await tick();
    t.g.markLoggedIn();
    clock.advance(60_000);
    t.fromPeer.write(Buffer.from([0x30, 0xe8, 0x07, ...Buffer.alloc(1000)])); // 1000 bytes: the maximum
    await tick();
    expect(t.refused).toEqual([]);
    expect(Buffer.concat(t.got).length).toBe(52 + 1003);
    t.fromPeer.write(Buffer.from([0x30, 0xe9, 0x07])); // 1001
    await tick();
    expect(t.refused.map((r) => r[0])).toEqual(['too_large']);
    expect(t.socket.destroyed).toBe(true);
  });

  it('refuses more than maxConnectBytes before login, even after the CONNECT', async () => {
    const t = guard(new ManualClock());
    t.fromPeer.write(Buffer.from([0x10, 10, ...Buffer.alloc(10), 0x30, 101]));
    await tick();
    expect(t.refused.map((r) => r[0])).toEqual(['too_large']);
  });

  it('refuses a first packet that is not a CONNECT', async () => {
    const t = guard(new ManualClock());
    t.fromPeer.write(Buffer.from([0x30, 2, 0, 0]));
    await tick();
    expect(t.refused.map((r) => r[0])).toEqual(['not_connect']);
    expect(t.got).toEqual([]);
  });

  it('passes writes through to the socket', async () => {
    const t = guard(new ManualClock());
    await new Promise<void>((r) => t.g.write(Buffer.from([0x20, 2, 0, 0]), () => r()));
    expect(Buffer.concat(t.toPeer)).toEqual(Buffer.from([0x20, 2, 0, 0]));
  });

  it('never holds a write back for a client that does not read; past maxUnsentBytes it closes the connection', async () => {
    // A socket whose peer reads nothing: its writes never complete, so they pile up in its buffer.
    const stuck = new Duplex({ read() {}, write() {} });
    const refused: GuardCloseReason[] = [];
    const g = new GuardedStream(stuck, {
      maxConnectBytes: 100,
      maxPacketBytes: 1000,
      connectTimeoutMs: 5000,
      maxUnsentBytes: 1000,
      clock: new ManualClock(),
      onRefused: (reason) => refused.push(reason),
    });
    g.on('error', () => undefined);
    // Each write is taken at once (Aedes' next delivery is not held up), while the socket's queue grows.
    for (let i = 1; i <= 2; i++) {
      await new Promise<void>((r) => g.write(Buffer.alloc(400), () => r()));
      expect(g.destroyed).toBe(false);
    }
    expect(stuck.writableLength).toBe(800);
    await new Promise<void>((r) => g.write(Buffer.alloc(400), () => r()));
    expect(refused).toEqual(['not_reading']);
    expect(g.destroyed).toBe(true);
    expect(stuck.destroyed).toBe(true);
  });
});
