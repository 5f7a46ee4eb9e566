// The poller judges freshness on the last good reading only, tries a failed read once more within its period when
// the time allows, and counts what is left by its true cause.

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BusError } from '../../firmware-bridge/bus/request-bus.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { DevicePoller } from './device-poller.ts';

const log = pino({ level: 'silent' });
const badChecksum = () => new BusError('BAD_CHECKSUM', 'dev', 'read', 'bad checksum');

function poller(script: (() => number | Error)[], retryMinMs?: number) {
  const clock = new ManualClock();
  let i = 0;
  const read = async () => {
    const step = script[Math.min(i++, script.length - 1)];
    const r = step ? step() : 0;
    if (r instanceof Error) throw r;
    return r;
  };
  const p = new DevicePoller('dev', read, { clock, log, periodMs: 500, ...(retryMinMs ? { retryMinMs } : {}) });
  return { p, clock, reads: () => i };
}

describe('DevicePoller', () => {
  it('tries a failed read once more in the same period and keeps the good reading', async () => {
    const { p, clock, reads } = poller([badChecksum, () => 7], 300);
    p.start();
    await clock.advanceAsync(10, 1);
    expect(reads()).toBe(2);
    expect(p.latest?.value).toBe(7);
    expect(p.retries).toBe(1);
    expect(p.failures).toEqual({});
    expect(p.liveness.state).toBe('alive');
    p.stop();
  });

  it('counts a read that fails twice by its cause, and leaves the last good reading (and its age) alone', async () => {
    const { p, clock, reads } = poller([() => 1, badChecksum], 300);
    p.start();
    await clock.advanceAsync(10, 1);
    const good = p.latest;
    await clock.advanceAsync(500, 5);
    expect(reads()).toBe(3);
    expect(p.failures).toEqual({ BAD_CHECKSUM: 1 });
    expect(p.latest).toBe(good);
    p.stop();
  });

  it('does not retry without the option', async () => {
    const { p, clock, reads } = poller([badChecksum, () => 7]);
    p.start();
    await clock.advanceAsync(10, 1);
    expect(reads()).toBe(1);
    expect(p.failures).toEqual({ BAD_CHECKSUM: 1 });
    p.stop();
  });
});
