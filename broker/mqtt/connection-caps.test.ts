// The caps on open MQTT connections: in total and per address, slots given back on close (and only once).

import { describe, expect, it } from 'vitest';
import { ConnectionCaps } from './connection-caps.ts';

describe('ConnectionCaps', () => {
  it('refuses over the total cap whatever the address, and admits again once a slot is free', () => {
    const caps = new ConnectionCaps(3, 2);
    expect(['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((a) => caps.admit(a))).toEqual(['ok', 'ok', 'ok']);
    expect(caps.admit('10.0.0.4')).toBe('total');
    expect(caps.open).toBe(3);
    caps.release('10.0.0.2');
    expect(caps.admit('10.0.0.4')).toBe('ok');
  });

  it('refuses over the per-address cap while other addresses get in; a double release gives nothing back twice', () => {
    const caps = new ConnectionCaps(100, 2);
    expect([caps.admit('a'), caps.admit('a'), caps.admit('a')]).toEqual(['ok', 'ok', 'per_address']);
    expect(caps.admit('b')).toBe('ok');
    caps.release('a');
    caps.release('a');
    caps.release('a'); // one more close than admits: must not free a slot that was never taken
    expect(caps.open).toBe(1);
    expect(caps.addresses).toBe(1);
    expect([caps.admit('a'), caps.admit('a'), caps.admit('a')]).toEqual(['ok', 'ok', 'per_address']);
  });
});
