// The shared login throttle with an injected clock: alternating accounts keep the count, the per-user lock spares
// clean addresses, waits double and end, and memory stays bounded.

import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('LoginThrottle', () => {
  it("keeps the count when another account's login succeeds in between (4 wrong + 1 viewer, repeated)", () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    let allowedGuesses = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 4; i++) {
        if (!th.check('10.0.0.1', 'mech').allowed) continue;
        allowedGuesses += 1;
        th.failed('10.0.0.1', 'mech');
      }
      expect(th.check('10.0.0.1', 'viewer').allowed).toBe(true);
      th.succeeded('10.0.0.1', 'viewer');
      c.advance(100);
    }
    // 5 free, then 1 s, 2 s, 4 s... of waiting: within 2 s of rounds only a few more get through.
    expect(allowedGuesses).toBeLessThanOrEqual(7);
    expect(th.check('10.0.0.1', 'mech')).toMatchObject({ allowed: false, by: 'address_user' });
  });

  it('waits 1 s after the fifth failure, doubling, and lets the right password in afterwards', () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < 5; i++) th.failed('a', 'mech');
    expect(th.check('a', 'mech')).toMatchObject({ allowed: false, retryAfterMs: 1000 });
    c.advance(1000);
    expect(th.check('a', 'mech').allowed).toBe(true);
    th.failed('a', 'mech');
    expect(th.check('a', 'mech').retryAfterMs).toBe(2000);
    c.advance(2000);
    th.succeeded('a', 'mech');
    for (let i = 0; i < 4; i++) th.failed('a', 'mech');
    expect(th.check('a', 'mech').allowed).toBe(true); // the count started again after the success
  });

  it('locks a user guessed at from many addresses there, but not at an address that has not failed', () => {
    const c = clock();
    const th = new LoginThrottle(c.now, { freePerUser: 20 });
    for (let i = 0; i < 20; i++) th.failed(`10.0.1.${i}`, 'mech');
    // Each of those addresses failed once only (below its own limit): the user-wide lock holds them.
    expect(th.check('10.0.1.3', 'mech')).toMatchObject({ allowed: false, by: 'user' });
    // The mechanic at the workshop, which never failed, still gets in.
    expect(th.check('192.168.1.5', 'mech').allowed).toBe(true);
    // Other users are not touched.
    expect(th.check('10.0.1.3', 'other').allowed).toBe(true);
    c.advance(1000);
    expect(th.check('10.0.1.3', 'mech').allowed).toBe(true);
  });

  it('forgets old counts and bounds its memory', () => {
    const c = clock();
    const th = new LoginThrottle(c.now, { maxEntries: 100, forgetAfterMs: 60_000 });
    for (let i = 0; i < 5; i++) th.failed('a', 'mech');
    expect(th.check('a', 'mech').allowed).toBe(false);
    c.advance(60_001);
    expect(th.check('a', 'mech').allowed).toBe(true);
    for (let i = 0; i < 10_000; i++) th.failed('b', `user-${i}`);
    const sizes = th as unknown as { pairs: Map<string, unknown>; users: Map<string, unknown> };
    expect(sizes.pairs.size).toBeLessThanOrEqual(100);
    expect(sizes.users.size).toBeLessThanOrEqual(100);
  });
});
