// Serialises request/reply exchanges on one shared line (an RS-485 bus, a UART): one request in flight,
// a per-request timeout, and a safety lane that overtakes queued polls (a charger-off never waits behind reads).

import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { CodecError } from '../codec/codec-error.ts';
import type { FrameDecoder } from '../codec/frame-decoder.ts';
import type { ByteTransport, Unsubscribe } from '../transports/transport.ts';
import { DeviceCounters } from './device-counters.ts';

export type Priority = 'safety' | 'normal';

export interface BusRequest<F, T> {
  /** Device the request is for; counters and errors are kept per device. */
  device: string;
  /** What is asked, for logs and timeout messages, e.g. `read 0x03 basic info`. */
  label: string;
  bytes: Uint8Array;
  decoder: FrameDecoder<F>;
  /**
   * Picks the reply out of decoded frames: a value ends the exchange, `undefined` means "not mine, keep waiting"
   * (an echo, another device's answer), and a CodecError ends it as a device-reported failure.
   * So a reply that carries no value must map to something other than `undefined` (e.g. `true`).
   */
  match: (frame: F) => T | CodecError | undefined;
  timeoutMs: number;
  priority?: Priority;
  /** No reply expected (broadcast writes): resolves once written. */
  noReply?: boolean;
}

export type BusErrorCode = 'TIMEOUT' | 'DEVICE_ERROR' | 'BAD_REPLY' | 'WRITE_FAILED' | 'CLOSED';

export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    readonly device: string,
    readonly request: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${device}: ${request}: ${message}`, options);
    this.name = 'BusError';
  }
}

interface Queued {
  req: BusRequest<unknown, unknown>;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export interface RequestBusOptions {
  clock: Clock;
  /** Quiet time between the end of one exchange and the next request (Modbus t3.5, device turnaround). */
  gapMs?: number;
}

export class RequestBus {
  private readonly safety: Queued[] = [];
  private readonly normal: Queued[] = [];
  private current: { q: Queued; timer: TimerHandle } | null = null;
  private busy = false;
  // Bumped whenever the bus is reset, so a "next exchange" step scheduled before the reset does nothing after it.
  private generation = 0;
  private readonly counters = new Map<string, DeviceCounters>();
  private readonly unsubscribe: Unsubscribe[] = [];
  private unsolicited = 0;

  constructor(
    private readonly transport: ByteTransport,
    private readonly opts: RequestBusOptions,
  ) {
    this.unsubscribe.push(transport.onData((chunk) => this.onData(chunk)));
    this.unsubscribe.push(transport.onClose(() => this.failAll('CLOSED', 'line closed')));
  }

  request<F, T>(req: BusRequest<F, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const q: Queued = {
        req: req as BusRequest<unknown, unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      (req.priority === 'safety' ? this.safety : this.normal).push(q);
      this.pump();
    });
  }

  countersFor(device: string): DeviceCounters {
    let c = this.counters.get(device);
    if (!c) {
      c = new DeviceCounters();
      this.counters.set(device, c);
    }
    return c;
  }

  /** Bytes that arrived while nothing was asked: noise, or a late answer after a timeout. */
  get unsolicitedBytes(): number {
    return this.unsolicited;
  }

  get queueLength(): number {
    return this.safety.length + this.normal.length;
  }

  /** Rejects everything queued and detaches from the transport. */
  dispose(): void {
    this.failAll('CLOSED', 'bus disposed');
    for (const u of this.unsubscribe) u();
  }

  /** Rejects the exchange in flight and everything queued (the line went away). */
  failAll(code: BusErrorCode, why: string): void {
    if (this.current) {
      const { q, timer } = this.current;
      timer.cancel();
      this.current = null;
      q.req.decoder.reset();
      q.reject(new BusError(code, q.req.device, q.req.label, why));
    }
    for (const q of [...this.safety.splice(0), ...this.normal.splice(0)]) {
      q.reject(new BusError(code, q.req.device, q.req.label, why));
    }
    this.busy = false;
    this.generation++;
  }

  private pump(): void {
    if (this.busy) return;
    const q = this.safety.shift() ?? this.normal.shift();
    if (!q) return;
    this.busy = true;
    const { req } = q;
    const c = this.countersFor(req.device);
    c.requests++;
    req.decoder.reset();
    if (!this.transport.isOpen) {
      this.finish(q, new BusError('CLOSED', req.device, req.label, 'line is not open'));
      return;
    }
    if (!req.noReply) {
      const timer = this.opts.clock.setTimeout(() => this.onTimeout(q), req.timeoutMs);
      this.current = { q, timer };
    }
    this.transport.write(req.bytes).then(
      () => {
        if (req.noReply) this.finish(q, undefined);
      },
      (err: unknown) => {
        if (this.current?.q === q) {
          this.current.timer.cancel();
          this.current = null;
        }
        this.finish(q, new BusError('WRITE_FAILED', req.device, req.label, 'write failed', { cause: err }));
      },
    );
  }

  private onData(chunk: Buffer): void {
    const cur = this.current;
    if (!cur) {
      this.unsolicited += chunk.length;
      return;
    }
    const { q } = cur;
    const c = this.countersFor(q.req.device);
    for (const ev of q.req.decoder.push(chunk)) {
      if (ev.kind === 'resync') {
        c.resyncs++;
        c.garbageBytes += ev.skipped;
      } else if (ev.kind === 'error') {
        if (ev.error.code === 'CHECKSUM') c.crcErrors++;
        else c.frameErrors++;
      } else {
        const m = q.req.match(ev.frame);
        if (m === undefined) {
          // A late answer to an earlier request, or another device's frame.
          c.unmatchedFrames++;
          continue;
        }
        cur.timer.cancel();
        this.current = null;
        if (m instanceof Error) {
          const reported = (m as CodecError).code === 'BAD_STATUS';
          if (reported) {
            // An error reply is still an answer: the device is alive, it just refused.
            c.deviceErrors++;
            c.responses++;
            c.lastAnswerAt = this.opts.clock.now();
          } else c.frameErrors++;
          this.finish(
            q,
            new BusError(reported ? 'DEVICE_ERROR' : 'BAD_REPLY', q.req.device, q.req.label, m.message, { cause: m }),
          );
        } else {
          c.responses++;
          c.lastAnswerAt = this.opts.clock.now();
          this.finish(q, m, true);
        }
        return;
      }
    }
  }

  private onTimeout(q: Queued): void {
    if (this.current?.q !== q) return;
    this.current = null;
    const c = this.countersFor(q.req.device);
    c.timeouts++;
    const pending = q.req.decoder.pending;
    q.req.decoder.reset();
    const detail = pending > 0 ? ` (${pending} bytes of an incomplete reply)` : ' (no reply)';
    this.finish(q, new BusError('TIMEOUT', q.req.device, q.req.label, `timeout after ${q.req.timeoutMs} ms${detail}`));
  }

  private finish(q: Queued, result: unknown, ok = !(result instanceof Error)): void {
    if (ok) q.resolve(result);
    else q.reject(result as Error);
    const gap = this.opts.gapMs ?? 0;
    const gen = this.generation;
    const next = () => {
      if (gen !== this.generation) return;
      this.busy = false;
      this.pump();
    };
    if (gap > 0) this.opts.clock.setTimeout(next, gap);
    else queueMicrotask(next);
  }
}
