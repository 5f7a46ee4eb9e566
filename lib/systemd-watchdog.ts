// systemd's watchdog: when the unit sets WatchdogSec, the process must say WATCHDOG=1 within it or be restarted.
// Node has no unix datagram sockets, so this uses `systemd-notify` (the unit needs NotifyAccess=all). The station's
// loop calls alive() from its tick and the central after its write path answered, so a stall stops the
// notifications and systemd steps in.

import { spawn } from 'node:child_process';
import type { Logger } from 'pino';

export class SystemdWatchdog {
  private lastSent = -Infinity;
  private readonly intervalMs: number;
  readonly enabled: boolean;
  /** Under systemd at all (Type=notify wants READY=1 even without a watchdog). */
  private readonly underSystemd: boolean;

  constructor(
    private readonly log: Logger,
    env: NodeJS.ProcessEnv = process.env,
    private readonly notify: (state: string) => void = systemdNotify,
  ) {
    const usec = Number(env.WATCHDOG_USEC);
    this.underSystemd = Boolean(env.NOTIFY_SOCKET);
    this.enabled = this.underSystemd && usec > 0;
    // Notify at a third of the timeout: one missed notification is not yet a restart.
    this.intervalMs = this.enabled ? usec / 1000 / 3 : Infinity;
  }

  ready(): void {
    if (this.underSystemd) this.notify('READY=1');
  }

  /** How often alive() notifies: a third of WatchdogSec (Infinity outside systemd's watchdog). */
  get notifyEveryMs(): number {
    return this.intervalMs;
  }

  /** Called with a monotonic time each time the process proved itself alive; at most one notification per interval. */
  alive(nowMs: number): void {
    if (!this.enabled || nowMs - this.lastSent < this.intervalMs) return;
    this.lastSent = nowMs;
    this.notify('WATCHDOG=1');
  }

  stopping(): void {
    if (this.underSystemd) this.notify('STOPPING=1');
    this.log.debug('watchdog stopped');
  }
}

function systemdNotify(state: string): void {
  const p = spawn('systemd-notify', [state], { stdio: 'ignore' });
  p.on('error', () => undefined);
}
