// The stream Aedes reads an MQTT connection from: the socket's bytes pass through a PacketSizer, so a packet over
// its limit (small before login, the configured maximum after) closes the connection as soon as its length is
// read, and a connection that has not logged in within the connect timeout is closed too. Nothing is buffered
// here beyond the stream's own high-water mark: when Aedes stops reading, the socket is paused.
// Writes never push back on Aedes: it waits for a client's drain inside the delivery of every message, so one client
// that stopped reading held up every delivery, acks to stations included (measured with one viewer not reading:
// 15,000 telemetry messages took 63 s to store instead of 3.4 s; in another run storing stood at 8,460 of 20,000 for
// the 20 s watched). The socket queues them instead, up to maxUnsentBytes; past that the client is disconnected.

import { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { PacketSizer } from './packet-sizer.ts';

export type GuardCloseReason = 'too_large' | 'malformed' | 'not_connect' | 'connect_timeout' | 'not_reading';

export interface GuardOptions {
  /** Largest remaining length of the first packet (CONNECT) and of anything before login succeeds. */
  maxConnectBytes: number;
  /** Largest remaining length of any packet after login. */
  maxPacketBytes: number;
  /** A connection not logged in after this long is closed (ms). */
  connectTimeoutMs: number;
  /** Bytes queued on the socket for a client that does not read them; over this it is closed. */
  maxUnsentBytes: number;
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

  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.send(chunk);
    cb();
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    // Aedes corks its writes: one write per batch keeps the socket's writev.
    this.send(Buffer.concat(chunks.map((c) => c.chunk)));
    cb();
  }

  /** Hands bytes to the socket without waiting for them to leave (a write error reaches us as the socket's error). */
  private send(chunk: Buffer): void {
    if (this.inner.destroyed) return;
    this.inner.write(chunk);
    const unsent = this.inner.writableLength;
    if (unsent > this.opts.maxUnsentBytes)
      this.refuse('not_reading', `${unsent} bytes unsent, over the limit of ${this.opts.maxUnsentBytes}`);
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
