// Unplug and re-plug on a manual clock: the keeper reports the loss, retries with growing delays, and counts the reconnect.

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { createMemoryLink } from '../transports/memory-transport.ts';
import { DeviceLiveness } from './device-liveness.ts';
import { LineKeeper } from './line-keeper.ts';

const log = pino({ level: 'silent' });
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('LineKeeper', () => {
  it('reopens a lost line with exponential backoff and counts the reconnect', async () => {
    const clock = new ManualClock();
    const { host } = createMemoryLink('keeper');
    const states: boolean[] = [];
    const keeper = new LineKeeper(host, { clock, log, minBackoffMs: 100, maxBackoffMs: 1000, random: () => 0.999 });
    keeper.onChange((open) => states.push(open));
    keeper.start();
    await settle();
    expect(host.isOpen).toBe(true);
    expect(states).toEqual([true]);

    host.present = false;
    host.hangUp('adapter removed');
    await settle();
    expect(states).toEqual([true, false]);
    // Attempts at ~100, ~200, ~400 ms fail while the device is absent.
    for (const step of [100, 200, 400]) {
      clock.advance(step);
      await settle();
      expect(host.isOpen).toBe(false);
    }
    host.present = true;
    clock.advance(800);
    await settle();
    expect(host.isOpen).toBe(true);
    expect(states).toEqual([true, false, true]);
    expect(keeper.reconnects).toBe(1);
    await keeper.stop();
  });

  it('caps the delay and spreads it with jitter', () => {
    const clock = new ManualClock();
    const { host } = createMemoryLink('keeper-2');
    let r = 0;
    const keeper = new LineKeeper(host, { clock, log, minBackoffMs: 100, maxBackoffMs: 1000, random: () => r });
    expect(keeper.nextDelayMs()).toBe(50);
    r = 0.999;
    expect(keeper.nextDelayMs()).toBe(100);
  });
});

describe('DeviceLiveness', () => {
  it('goes offline after two failed polls and back to alive on the next answer, once per change', () => {
    const live = new DeviceLiveness('dock-1/bms', log);
    const changes: string[] = [];
    live.onChange((s) => changes.push(s));
    live.success(1);
    live.failure('timeout');
    expect(live.state).toBe('unresponsive');
    live.failure('timeout');
    live.failure('timeout');
    expect(live.state).toBe('offline');
    live.success(2);
    expect(changes).toEqual(['alive', 'unresponsive', 'offline', 'alive']);
    live.lineLost('unplugged');
    expect(live.state).toBe('offline');
  });
});
