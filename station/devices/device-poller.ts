// Polls one device at a fixed period and keeps the freshest reading with the time it arrived,
// so the charge loop never waits on the wire: it reads what is here and judges its age.

import type { Logger } from 'pino';
import { DeviceLiveness } from '../../firmware-bridge/bus/device-liveness.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';

export interface Fresh<T> {
  value: T;
  /** Clock time the reading arrived. */
  at: number;
}

export class DevicePoller<T> {
  latest: Fresh<T> | null = null;
  readonly liveness: DeviceLiveness;
  private timer: TimerHandle | null = null;
  private readonly listeners = new Set<(value: T) => void>();
  private running = false;
  polls = 0;

  constructor(
    readonly device: string,
    private readonly read: () => Promise<T>,
    private readonly opts: { clock: Clock; log: Logger; periodMs: number },
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
    const started = this.opts.clock.monotonic();
    this.polls++;
    try {
      const value = await this.read();
      const at = this.opts.clock.now();
      this.latest = { value, at };
      this.liveness.success(at);
      for (const l of this.listeners) l(value);
    } catch (err) {
      this.liveness.failure(err instanceof Error ? err.message : String(err));
    }
    const spent = this.opts.clock.monotonic() - started;
    this.schedule(Math.max(0, this.opts.periodMs - spent));
  }
}
