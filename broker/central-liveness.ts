// Feeds systemd's watchdog for the central: WATCHDOG=1 only after the write path answered (a round trip through
// the write worker, queued behind any batch it is writing), so a hung SQLite write or a blocked event loop stops the
// notifications and systemd restarts the central; the stations' outboxes keep what it missed.

import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import { repeatEvery, type Repeater } from '../lib/repeat-every.ts';
import type { SystemdWatchdog } from '../lib/systemd-watchdog.ts';

export interface CentralLivenessOptions {
  watchdog: SystemdWatchdog;
  /** systemd counts real time: the system clock in the daemon, a manual one in tests. */
  clock: Clock;
  /** Resolves once the write path answered; may take as long as the batch being written. */
  probe: () => Promise<unknown>;
  log: Logger;
}

/**
 * Says READY=1, then WATCHDOG=1 after each answered probe (only when the unit sets WatchdogSec), and STOPPING=1 at
 * stop; nothing outside systemd.
 */
export function startCentralLiveness(opts: CentralLivenessOptions): Repeater {
  const { watchdog, clock, log } = opts;
  watchdog.ready();
  if (!watchdog.enabled) return { stop: () => Promise.resolve(watchdog.stopping()) };
  let stopped = false;
  // A probe that never answers keeps this run open: no next run starts, no notification goes out.
  const repeater = repeatEvery(
    clock,
    watchdog.notifyEveryMs,
    async () => {
      const asked = clock.monotonic();
      await opts.probe();
      const now = clock.monotonic();
      if (now - asked > watchdog.notifyEveryMs)
        log.warn({ waitedMs: Math.round(now - asked) }, 'write path answered late');
      if (!stopped) watchdog.alive(now);
    },
    (err) => log.warn({ err: (err as Error).message }, 'write path did not answer; watchdog not fed'),
  );
  return {
    // Not waiting for a probe in progress: one that hangs must not hold up the shut-down.
    stop() {
      stopped = true;
      void repeater.stop();
      watchdog.stopping();
      return Promise.resolve();
    },
  };
}
