// The central feeds systemd's watchdog only while its write path answers; READY=1 once, STOPPING=1 at stop.

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/manual-clock.ts';
import { SystemdWatchdog } from '../lib/systemd-watchdog.ts';
import { startCentralLiveness } from './central-liveness.ts';

const log = pino({ level: 'silent' });
const UNDER_WATCHDOG = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000' };

/** Lets the probe's promise and the repeater's bookkeeping settle. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function rig(env: NodeJS.ProcessEnv) {
  const sent: string[] = [];
  const clock = new ManualClock();
  const watchdog = new SystemdWatchdog(log, env, (s) => sent.push(s));
  let answer = true;
  const hung: Array<() => void> = [];
  const liveness = startCentralLiveness({
    watchdog,
    clock,
    log,
    probe: () => (answer ? Promise.resolve() : new Promise<void>((r) => hung.push(r))),
  });
  return { sent, clock, liveness, hang: () => (answer = false), release: () => hung.forEach((r) => r()) };
}

describe('central liveness', () => {
  it('notifies every 10 s of a 30 s WatchdogSec while the write path answers, and stops when it hangs', async () => {
    const r = rig(UNDER_WATCHDOG);
    expect(r.sent).toEqual(['READY=1']);
    for (let s = 0; s < 3; s++) {
      r.clock.advance(10_000);
      await settle();
    }
    expect(r.sent).toEqual(['READY=1', 'WATCHDOG=1', 'WATCHDOG=1', 'WATCHDOG=1']);

    r.hang();
    for (let s = 0; s < 6; s++) {
      r.clock.advance(10_000);
      await settle();
    }
    expect(r.sent.filter((x) => x === 'WATCHDOG=1')).toHaveLength(3);

    // It answers after all (a long write): notifications resume.
    r.release();
    await settle();
    expect(r.sent.filter((x) => x === 'WATCHDOG=1')).toHaveLength(4);
    await r.liveness.stop();
    expect(r.sent.at(-1)).toBe('STOPPING=1');
  });

  it('says STOPPING=1 at once although a probe hangs, and nothing after', async () => {
    const r = rig(UNDER_WATCHDOG);
    r.hang();
    r.clock.advance(10_000);
    await settle();
    await r.liveness.stop();
    r.release();
    await settle();
    r.clock.advance(60_000);
    await settle();
    expect(r.sent).toEqual(['READY=1', 'STOPPING=1']);
  });

  it('says READY=1 and STOPPING=1 under systemd without a watchdog, nothing outside systemd', async () => {
    const plain = rig({ NOTIFY_SOCKET: '/run/systemd/notify' });
    plain.clock.advance(120_000);
    await settle();
    await plain.liveness.stop();
    expect(plain.sent).toEqual(['READY=1', 'STOPPING=1']);
    const outside = rig({});
    outside.clock.advance(120_000);
    await settle();
    await outside.liveness.stop();
    expect(outside.sent).toEqual([]);
  });
});
