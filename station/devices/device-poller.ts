// Polls one device at a fixed period and keeps the freshest reading with the time it arrived,
// so the charge loop never waits on the wire: it reads what is here and judges its age (the age of the last GOOD
// reading: a failed read changes nothing but the counters). A failed read is tried once more within its period.

import type { Logger } from 'pino';
import { DeviceLiveness } from '../../firmware-bridge/bus/device-liveness.ts';
import { BusError } from '../../firmware-bridge/bus/request-bus.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';

export interface Fresh<T> {
  value: T;
  /** Clock time the reading arrived. */
  at: number;
}

export interface DevicePollerOptions {
  clock: Clock;
  log: Logger;
  periodMs: number;
  /** A failed read is tried once more when at least this much of its period is left, ms (a read's timeout). */
  retryMinMs?: number;
}

export class DevicePoller<T> {
  latest: Fresh<T> | null = null;
  readonly liveness: DeviceLiveness;
  private timer: TimerHandle | null = null;
  private readonly listeners = new Set<(value: T) => void>();
  private running = false;
  polls = 0;
  /** Reads tried a second time within their period. */
  retries = 0;
  /** Failed reads (after their retry) by cause: TIMEOUT, BAD_CHECKSUM, BAD_LENGTH, DEVICE_ERROR, ... */
  readonly failures: Record<string, number> = {};

  constructor(
    readonly device: string,
    private readonly read: () => Promise<T>,
    private readonly opts: DevicePollerOptions,
  ) {
    this.liveness = new DeviceLiveness(device, opts.log);
  }

  /** Called with every new reading, right after it is stored as the latest. */
  onReading(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    const { clock, periodMs, retryMinMs } = this.opts;
    const started = clock.monotonic();
    this.polls++;
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await this.read();
        const at = clock.now();
        this.latest = { value, at };
        this.liveness.success(at);
        for (const l of this.listeners) l(value);
        break;
      } catch (err) {
        const code = err instanceof BusError ? err.code : err instanceof Error ? err.name : 'ERROR';
        const message = err instanceof Error ? err.message : String(err);
        const left = periodMs - (clock.monotonic() - started);
        if (attempt === 1 && retryMinMs !== undefined && left >= retryMinMs && code !== 'CLOSED') {
          this.retries++;
          this.opts.log.debug({ device: this.device, code, err: message, leftMs: left }, 'read failed; trying again');
          continue;
        }
        this.failures[code] = (this.failures[code] ?? 0) + 1;
        this.opts.log.debug({ device: this.device, code, err: message, attempts: attempt }, 'read failed');
        this.liveness.failure(message);
        break;
      }
    }
    const spent = clock.monotonic() - started;
    this.schedule(Math.max(0, periodMs - spent));
  }
}
