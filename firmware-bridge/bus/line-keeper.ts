// Keeps a line open: opens it, notices when it closes by itself (adapter pulled, peer gone), and reopens it with
// exponential backoff and jitter until it is back. One log line per change, naming the line and the cause.

import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { ByteTransport, Unsubscribe } from '../transports/transport.ts';

export interface LineKeeperOptions {
  clock: Clock;
  log: Logger;
  /** First retry delay, ms (default 250); doubles per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  /** Longest retry delay, ms (default 10 000). */
  maxBackoffMs?: number;
  /** Source of jitter in [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

export class LineKeeper {
  private attempt = 0;
  private timer: TimerHandle | null = null;
  private stopped = true;
  private unsubscribe: Unsubscribe | null = null;
  private readonly listeners = new Set<(open: boolean) => void>();
  private lastError: string | null = null;
  /** Times the line came back after being lost. */
  reconnects = 0;
  private everOpened = false;

  constructor(
    readonly transport: ByteTransport,
    private readonly opts: LineKeeperOptions,
  ) {}

  onChange(listener: (open: boolean) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.transport.onClose((err) => {
      if (this.stopped) return;
      this.lastError = err?.message ?? 'closed';
      this.opts.log.warn({ line: this.transport.address, cause: this.lastError }, 'line lost; reopening with backoff');
      this.emit(false);
      this.schedule();
    });
    void this.tryOpen();
  }

  private emit(open: boolean): void {
    for (const l of this.listeners) l(open);
  }

  private async tryOpen(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    try {
      await this.transport.open();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (this.attempt === 0 || msg !== this.lastError) {
        this.opts.log.warn(
          { line: this.transport.address, attempt: this.attempt + 1, cause: msg },
          'cannot open line; retrying with backoff',
        );
      }
      this.lastError = msg;
      this.schedule();
      return;
    }
    if (this.stopped) {
      await this.transport.close();
      return;
    }
    if (this.everOpened) {
      this.reconnects++;
      this.opts.log.info({ line: this.transport.address, attempts: this.attempt }, 'line back');
    }
    this.everOpened = true;
    this.attempt = 0;
    this.lastError = null;
    this.emit(true);
  }

  /** Delay before the next attempt: min * 2^attempt, capped, times a jitter factor in [0.5, 1). */
  nextDelayMs(): number {
    const min = this.opts.minBackoffMs ?? 250;
    const max = this.opts.maxBackoffMs ?? 10_000;
    const base = Math.min(max, min * 2 ** Math.min(this.attempt, 20));
    const r = this.opts.random?.() ?? Math.random();
    return Math.round(base * (0.5 + r / 2));
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    const delay = this.nextDelayMs();
    this.attempt++;
    this.timer = this.opts.clock.setTimeout(() => void this.tryOpen(), delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.transport.close();
  }
}
