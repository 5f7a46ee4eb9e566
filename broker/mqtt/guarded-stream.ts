// The stream Aedes reads an MQTT connection from: the socket's bytes pass through a PacketSizer, so a packet over
// its limit (small before login, the configured maximum after) closes the connection as soon as its length is
// read, and a connection that has not logged in within the connect timeout is closed too. Nothing is buffered
// here beyond the stream's own high-water mark: when Aedes stops reading, the socket is paused.

import { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { PacketSizer } from './packet-sizer.ts';

export type GuardCloseReason = 'too_large' | 'malformed' | 'not_connect' | 'connect_timeout';

export interface GuardOptions {
  /** Largest remaining length of the first packet (CONNECT) and of anything before login succeeds. */
  maxConnectBytes: number;
  /** Largest remaining length of any packet after login. */
  maxPacketBytes: number;
  /** A connection not logged in after this long is closed (ms). */
  connectTimeoutMs: number;
  clock: Clock;
  /** Told once why the guard closed the connection (for counting and logging). */
  onRefused: (reason: GuardCloseReason, detail: string) => void;
}

const CONNECT = 1;

export class GuardedStream extends Duplex {
  private loggedIn = false;
  private firstNotConnect = false;
  private readonly sizer: PacketSizer;
  private timer: TimerHandle | null;

  constructor(
    private readonly inner: Duplex,
    private readonly opts: GuardOptions,
  ) {
    super({ allowHalfOpen: false });
    this.sizer = new PacketSizer((index, type) => {
      if (index === 0 && type !== CONNECT) {
        this.firstNotConnect = true;
        return -1; // refused in onData, as not_connect
      }
      return this.loggedIn ? opts.maxPacketBytes : opts.maxConnectBytes;
    });
    this.timer = opts.clock.setTimeout(
      () => this.refuse('connect_timeout', `no login within ${opts.connectTimeoutMs} ms`),
      opts.connectTimeoutMs,
    );
    inner.on('data', (chunk: Buffer) => this.onData(chunk));
    inner.once('end', () => this.push(null));
    inner.once('error', (err) => this.destroy(err));
    inner.once('close', () => this.destroy());
  }

  /** Called when the CONNECT was accepted: later packets may be up to maxPacketBytes, and the timer stops. */
  markLoggedIn(): void {
    this.loggedIn = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private onData(chunk: Buffer): void {
    if (this.destroyed) return;
    const verdict = this.sizer.feed(chunk);
    if (!verdict.ok) {
      if (this.firstNotConnect) this.refuse('not_connect', 'the first packet must be CONNECT');
      else this.refuse(verdict.reason, verdict.detail);
      return;
    }
    if (!this.push(chunk)) this.inner.pause();
  }

  private refuse(reason: GuardCloseReason, detail: string): void {
    if (this.destroyed) return;
    this.opts.onRefused(reason, detail);
    this.inner.destroy();
    this.destroy();
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.inner.destroyed) return cb();
    this.inner.write(chunk, encoding, cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    if (this.inner.destroyed) return cb();
    // Aedes corks its writes: one write per batch keeps the socket's writev.
    this.inner.write(Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.inner.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.timer?.cancel();
    this.timer = null;
    this.inner.destroy();
    cb(err);
  }
}
