// Serialises request/reply exchanges on one shared line (an RS-485 bus, a UART): one request in flight,
// a per-request timeout, and a safety lane that overtakes queued polls (a charger-off never waits behind reads).
// A failed exchange says why (no reply, bad checksum, bad length, device error), and may be asked once more.

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
  /**
   * Clock time (ms) until which a failed exchange (no reply, bad checksum, bad length, bad reply) is asked once more,
   * when its timeout still fits before it: a poll retries within its own period. Absent: no retry.
   */
  retryUntil?: number;
}

/**
 * Why an exchange failed. TIMEOUT means nothing usable came back: no reply, or only garbage. A reply that arrived but
 * failed its checksum is BAD_CHECKSUM and one cut short or of the wrong length BAD_LENGTH, whether the bus saw it at
 * once or only when the time ran out; DEVICE_ERROR is the device's own refusal (an error status, a Modbus exception).
 */
export type BusErrorCode =
  'TIMEOUT' | 'BAD_CHECKSUM' | 'BAD_LENGTH' | 'DEVICE_ERROR' | 'BAD_REPLY' | 'WRITE_FAILED' | 'CLOSED';

/** Codes worth asking again: the line garbled or lost the answer, the device did not refuse. */
const RETRYABLE: ReadonlySet<BusErrorCode> = new Set(['TIMEOUT', 'BAD_CHECKSUM', 'BAD_LENGTH', 'BAD_REPLY']);
/** Codec errors that mean a frame of the wrong or short length. */
const LENGTH_ERRORS: ReadonlySet<string> = new Set(['BAD_LENGTH', 'TRUNCATED', 'BAD_PAYLOAD']);

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
  retried: boolean;
}

/** What the exchange in flight has seen so far besides its reply: the evidence for the cause of a failure. */
interface Seen {
  checksum: CodecError | null;
  length: CodecError | null;
}

export interface RequestBusOptions {
  clock: Clock;
  /** Quiet time between the end of one exchange and the next request (Modbus t3.5, device turnaround). */
  gapMs?: number;
}

export class RequestBus {
  private readonly safety: Queued[] = [];
  private readonly normal: Queued[] = [];
  private current: { q: Queued; timer: TimerHandle; seen: Seen } | null = null;
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
        retried: false,
      };
      (req.priority === 'safety' ? this.safety : this.normal).push(q);
      this.pump();
    });
  }

  /** The bus's clock time, ms: drivers set `retryUntil` from it. */
  now(): number {
    return this.opts.clock.now();
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
      this.current = { q, timer, seen: { checksum: null, length: null } };
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
    const { q, seen } = cur;
    const c = this.countersFor(q.req.device);
    for (const ev of q.req.decoder.push(chunk)) {
      if (ev.kind === 'resync') {
        c.resyncs++;
        c.garbageBytes += ev.skipped;
      } else if (ev.kind === 'error') {
        if (ev.error.code === 'CHECKSUM') {
          c.crcErrors++;
          seen.checksum = ev.error;
        } else {
          c.frameErrors++;
          if (LENGTH_ERRORS.has(ev.error.code)) seen.length = ev.error;
        }
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
          const code = (m as CodecError).code;
          const reported = code === 'BAD_STATUS';
          if (reported) {
            // An error reply is still an answer: the device is alive, it just refused.
            c.deviceErrors++;
            c.responses++;
            c.lastAnswerAt = this.opts.clock.now();
          } else {
            c.frameErrors++;
            if (LENGTH_ERRORS.has(code)) c.badLengthReplies++;
          }
          const busCode = reported ? 'DEVICE_ERROR' : LENGTH_ERRORS.has(code) ? 'BAD_LENGTH' : 'BAD_REPLY';
          this.fail(q, new BusError(busCode, q.req.device, q.req.label, m.message, { cause: m }));
        } else {
          c.responses++;
          c.lastAnswerAt = this.opts.clock.now();
          this.finish(q, m, true);
        }
        return;
      }
    }
    // A whole candidate frame failed its checksum and nothing is left waiting: that was the device's answer, garbled
    // on the way. A device answers once, so waiting out the timeout would only cost the retry its time.
    if (seen.checksum !== null && q.req.decoder.pending === 0) {
      cur.timer.cancel();
      this.current = null;
      c.badChecksumReplies++;
      this.fail(q, new BusError('BAD_CHECKSUM', q.req.device, q.req.label, `bad checksum (${seen.checksum.message})`));
    }
  }

  private onTimeout(q: Queued): void {
    const cur = this.current;
    if (cur?.q !== q) return;
    this.current = null;
    const c = this.countersFor(q.req.device);
    const pending = q.req.decoder.pending;
    q.req.decoder.reset();
    const after = `no good reply within ${q.req.timeoutMs} ms`;
    let err: BusError;
    if (cur.seen.checksum !== null) {
      c.badChecksumReplies++;
      err = new BusError(
        'BAD_CHECKSUM',
        q.req.device,
        q.req.label,
        `bad checksum (${cur.seen.checksum.message}), ${after}`,
      );
    } else if (pending > 0 || cur.seen.length !== null) {
      c.badLengthReplies++;
      const what = pending > 0 ? `${pending} bytes of an incomplete reply` : (cur.seen.length?.message ?? '');
      err = new BusError('BAD_LENGTH', q.req.device, q.req.label, `bad length (${what}), ${after}`);
    } else {
      c.timeouts++;
      err = new BusError('TIMEOUT', q.req.device, q.req.label, `timeout after ${q.req.timeoutMs} ms (no reply)`);
    }
    this.fail(q, err);
  }

  /** Ends a failed exchange, or puts it back at the head of its lane once when its deadline leaves room. */
  private fail(q: Queued, err: BusError): void {
    const { req } = q;
    const until = req.retryUntil;
    if (
      !q.retried &&
      until !== undefined &&
      RETRYABLE.has(err.code) &&
      this.opts.clock.now() + req.timeoutMs <= until
    ) {
      q.retried = true;
      this.countersFor(req.device).retries++;
      (req.priority === 'safety' ? this.safety : this.normal).unshift(q);
      this.next();
      return;
    }
    this.finish(q, err);
  }

  private finish(q: Queued, result: unknown, ok = !(result instanceof Error)): void {
    if (ok) q.resolve(result);
    else q.reject(result as Error);
    this.next();
  }

  /** Starts the next exchange after the inter-frame gap. */
  private next(): void {
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
