// The periodic job that forgets passengers: every purgeIntervalMs (injected clock) it deletes the requests whose
// ride is older than the retention period, leaving only the day's counts. Logs how many, never who.

import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { repeatEvery, type Repeater } from '../../lib/repeat-every.ts';
import type { RideRequestStore } from './ride-request-store.ts';

export class RideRequestPurge {
  private repeater: Repeater | null = null;

  constructor(
    private readonly store: RideRequestStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  /** Runs once now (a broker that was down past a retention date catches up at start), then every interval. */
  start(): void {
    this.runOnce();
    this.repeater ??= repeatEvery(
      this.clock,
      this.intervalMs,
      () => this.runOnce(),
      (err) => this.log.error({ err }, 'ride request purge failed'),
    );
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
    void this.repeater?.stop();
    this.repeater = null;
  }
}
