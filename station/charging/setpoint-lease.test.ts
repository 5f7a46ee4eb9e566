// Expiring set-points: written only on change, small rises held back, falls at once, expiry after the lease.

import { describe, expect, it } from 'vitest';
import { SetpointLeases } from './setpoint-lease.ts';

describe('SetpointLeases', () => {
  it('says when a grant must be written', () => {
    const l = new SetpointLeases(500);
    expect(l.grant(1, 54.6, 5, 0)).toBe('new');
    expect(l.grant(1, 54.6, 5, 100)).toBe('same');
    expect(l.grant(1, 54.6, 5.02, 200)).toBe('same'); // a small rise waits: erring low keeps the budget
    expect(l.get(1)?.currentA).toBe(5);
    expect(l.grant(1, 54.6, 4.99, 300)).toBe('changed'); // any fall is written at once
    expect(l.grant(1, 58.8, 4.99, 400)).toBe('changed');
  });

  it('expires grants not renewed within the lease', () => {
    const l = new SetpointLeases(500);
    l.grant(1, 54.6, 5, 0);
    l.grant(2, 54.6, 5, 0);
    l.grant(2, 54.6, 5, 400);
    expect(l.expire(499)).toEqual([]);
    expect(l.expire(500)).toEqual([1]);
    expect(l.get(1)).toBeUndefined();
    expect(l.expire(900)).toEqual([2]);
  });

  it('a revoked lease is written afresh', () => {
    const l = new SetpointLeases(500);
    l.grant(1, 54.6, 5, 0);
    l.revoke(1);
    expect(l.grant(1, 54.6, 5, 10)).toBe('new');
  });
});
