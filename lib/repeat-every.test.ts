import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.ts';
import { repeatEvery } from './repeat-every.ts';

describe('repeatEvery', () => {
  it('runs a synchronous job once per interval, the first after one interval', () => {
    const clock = new ManualClock();
    let runs = 0;
    repeatEvery(
      clock,
      1000,
      () => runs++,
      () => {},
    );
    clock.advance(999);
    expect(runs).toBe(0);
    clock.advance(1);
    expect(runs).toBe(1);
    clock.advance(5000);
    expect(runs).toBe(6);
  });

  it('reports a throwing run and keeps going', () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    let runs = 0;
    repeatEvery(
      clock,
      100,
      () => {
        runs++;
        if (runs === 1) throw new Error('boom');
      },
      (e) => errors.push(e),
    );
    clock.advance(300);
    expect(runs).toBe(3);
    expect(errors.map(String)).toEqual(['Error: boom']);
  });

  it('starts the next run an interval after an async run ended, never two at once', async () => {
    const clock = new ManualClock();
    let active = 0;
    let most = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    repeatEvery(
      clock,
      100,
      () => {
        started.push(clock.now());
        active++;
        most = Math.max(most, active);
        return new Promise<void>((r) => release.push(r)).then(() => void active--);
      },
      () => {},
    );
    await clock.advanceAsync(500, 10);
    expect(started.length).toBe(1);
    const t0 = clock.now();
    release.shift()?.();
    await new Promise((res) => setImmediate(res));
    await clock.advanceAsync(99, 10);
    expect(started).toHaveLength(1);
    await clock.advanceAsync(1, 1);
    expect(started).toHaveLength(2);
    expect(started[1]).toBeGreaterThanOrEqual(t0 + 100);
    expect(most).toBe(1);
  });

  it('reports a rejected run; stop waits for the run in progress and ends the repeats', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    let finish: (() => void) | undefined;
    let runs = 0;
    const r = repeatEvery(
      clock,
      100,
      () => {
        runs++;
        if (runs === 1) return Promise.reject(new Error('no disk'));
        return new Promise<void>((res) => (finish = res));
      },
      (e) => errors.push(e),
    );
    await clock.advanceAsync(250, 10);
    expect(errors.map(String)).toEqual(['Error: no disk']);
    expect(runs).toBe(2);
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await new Promise((res) => setImmediate(res));
    expect(stopped).toBe(false);
    finish?.();
    await stopping;
    await clock.advanceAsync(1000, 50);
    expect(runs).toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });
});
