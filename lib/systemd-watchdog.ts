// systemd's watchdog: when the unit sets WatchdogSec, the process must say WATCHDOG=1 within it or be restarted.
// Node has no unix datagram sockets, so this uses `systemd-notify` (the unit needs NotifyAccess=all); the loop
// calls alive() from its tick, so a stalled loop stops the notifications and systemd steps in.

import { spawn } from 'node:child_process';
import type { Logger } from 'pino';

export class SystemdWatchdog {
  private lastSent = -Infinity;
  private readonly intervalMs: number;
  readonly enabled: boolean;

  constructor(
    private readonly log: Logger,
    env: NodeJS.ProcessEnv = process.env,
    private readonly notify: (state: string) => void = systemdNotify,
  ) {
    const usec = Number(env.WATCHDOG_USEC);
    this.enabled = Boolean(env.NOTIFY_SOCKET) && usec > 0;
    // Notify at a third of the timeout: one missed notification is not yet a restart.
    this.intervalMs = this.enabled ? usec / 1000 / 3 : Infinity;
  }

  ready(): void {
    if (this.enabled || process.env.NOTIFY_SOCKET) this.notify('READY=1');
  }

  /** Called from the loop's tick with a monotonic time; sends at most one notification per interval. */
  alive(nowMs: number): void {
    if (!this.enabled || nowMs - this.lastSent < this.intervalMs) return;
    this.lastSent = nowMs;
    this.notify('WATCHDOG=1');
  }

  stopping(): void {
    if (this.enabled) this.notify('STOPPING=1');
    this.log.debug('watchdog stopped');
  }
}

function systemdNotify(state: string): void {
  const p = spawn('systemd-notify', [state], { stdio: 'ignore' });
  p.on('error', () => undefined);
}
