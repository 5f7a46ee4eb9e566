// Liveness of one device as a small state machine: unknown -> alive -> unresponsive -> offline.
// A device is offline after `offlineAfter` failed polls in a row (default 2: within two poll periods), or at once
// when its line is lost. One log line per change, naming the device, the failures, the last answer and the cause.

import type { Logger } from 'pino';

export type Liveness = 'unknown' | 'alive' | 'unresponsive' | 'offline';

export class DeviceLiveness {
  state: Liveness = 'unknown';
  private failures = 0;
  lastAnswerAt: number | null = null;
  private readonly listeners = new Set<(state: Liveness, cause: string | null) => void>();

  constructor(
    readonly device: string,
    private readonly log: Logger,
    private readonly offlineAfter = 2,
  ) {}

  onChange(listener: (state: Liveness, cause: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  success(now: number): void {
    this.failures = 0;
    this.lastAnswerAt = now;
    this.set('alive', null);
  }

  failure(cause: string): void {
    this.failures++;
    this.set(this.failures >= this.offlineAfter ? 'offline' : 'unresponsive', cause);
  }

  lineLost(cause: string): void {
    this.failures = Math.max(this.failures, this.offlineAfter);
    this.set('offline', cause);
  }

  private set(next: Liveness, cause: string | null): void {
    if (next === this.state) return;
    const prev = this.state;
    this.state = next;
    const ctx = { device: this.device, from: prev, failures: this.failures, lastAnswerAt: this.lastAnswerAt, cause };
    if (next === 'alive') this.log.info(ctx, prev === 'unknown' ? 'device answering' : 'device back');
    else if (next === 'offline') this.log.warn(ctx, 'device offline');
    else this.log.info(ctx, 'device not answering');
    for (const l of this.listeners) l(next, cause);
  }
}
