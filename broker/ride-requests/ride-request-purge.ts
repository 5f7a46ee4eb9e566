// The periodic job that forgets passengers: every purgeIntervalMs (injected clock) it deletes the requests whose
// ride is older than the retention period, leaving only the day's counts. Logs how many, never who.

import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { RideRequestStore } from './ride-request-store.ts';

export class RideRequestPurge {
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly store: RideRequestStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  /** Runs once now (a broker that was down past a retention date catches up at start), then every interval. */
  start(): void {
    this.runOnce();
    this.schedule();
  }

  runOnce(): number {
    try {
      const n = this.store.purge(this.clock.now());
      if (n > 0) this.log.info({ forgotten: n }, 'ride requests past their retention deleted; counts kept');
      return n;
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'ride request purge failed; retried next interval');
      return 0;
    }
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.runOnce();
      this.schedule();
    }, this.intervalMs);
  }
}
