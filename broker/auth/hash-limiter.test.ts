// The bound on password hashes at once: never more than `concurrent` run, the queue is bounded, slots pass on.

import { describe, expect, it } from 'vitest';
import { BusyError, HashLimiter } from './hash-limiter.ts';

describe('HashLimiter', () => {
  it('runs at most `concurrent` at once and all of them eventually', async () => {
    const lim = new HashLimiter(2, 100);
    let running = 0;
    let peak = 0;
    const job = async (): Promise<number> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running -= 1;
      return 1;
    };
    const results = await Promise.all(Array.from({ length: 30 }, () => lim.run(job)));
    expect(results.reduce((a, b) => a + b, 0)).toBe(30);
    expect(peak).toBe(2);
    expect(lim.peak).toBe(2);
    expect(lim.queued).toBe(0);
  });

  it('refuses at once when the queue is full, and frees slots after failures', async () => {
    const lim = new HashLimiter(1, 2);
    let release = (): void => undefined;
    const blocker = lim.run(() => new Promise<void>((r) => (release = r)));
    const queued = [lim.run(async () => 'a'), lim.run(async () => 'b')];
    await expect(lim.run(async () => 'c')).rejects.toBeInstanceOf(BusyError);
    expect(lim.refused).toBe(1);
    release();
    await blocker;
    expect(await Promise.all(queued)).toEqual(['a', 'b']);
    await expect(lim.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lim.run(async () => 'after')).toBe('after');
  });
});
