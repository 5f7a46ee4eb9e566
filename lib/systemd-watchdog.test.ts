// The watchdog notifies only under systemd with WatchdogSec set, at most once per third of the timeout.

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SystemdWatchdog } from './systemd-watchdog.ts';

const log = pino({ level: 'silent' });

describe('SystemdWatchdog', () => {
  it('sends WATCHDOG=1 at a third of WATCHDOG_USEC while the loop calls alive()', () => {
    const sent: string[] = [];
    const w = new SystemdWatchdog(log, { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '3000000' }, (s) =>
      sent.push(s),
    );
    for (let t = 0; t <= 3000; t += 100) w.alive(t);
    expect(sent).toEqual(['WATCHDOG=1', 'WATCHDOG=1', 'WATCHDOG=1', 'WATCHDOG=1']);
  });

  it('stays silent when the loop stops calling, and outside systemd', () => {
    const sent: string[] = [];
    const w = new SystemdWatchdog(log, { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '3000000' }, (s) =>
      sent.push(s),
    );
    w.alive(0);
    expect(sent).toHaveLength(1);
    const outside = new SystemdWatchdog(log, {}, (s) => sent.push(s));
    outside.alive(0);
    outside.alive(5000);
    expect(outside.enabled).toBe(false);
    expect(sent).toHaveLength(1);
  });
});
