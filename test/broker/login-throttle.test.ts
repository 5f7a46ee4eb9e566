// The login throttle over real sockets: success on another account does not reset it, MQTT and HTTP share it, and
// a mechanic locked out by guesses from elsewhere still logs in from an address that has not failed.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startCentral, type Central } from '../../broker/central.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { connackCode, tempDir } from './helpers.ts';

let central: Central;
let dir: ReturnType<typeof tempDir>;
const pw: Record<string, string> = {};
beforeAll(async () => {
  dir = tempDir();
  central = await startCentral({
    dataDir: dir.path,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: pino({ level: 'silent' }),
    // Time stands still: the throttle's waits cannot run out while a slow machine runs the test.
    clock: new ManualClock(),
  });
  for (const m of ['mech', 'mech2', 'mech3']) pw[m] = central.addMechanic(m);
  pw.viewer = central.addViewer('viewer');
});
afterAll(async () => {
  await central.close();
  dir.remove();
});

/** POST /api/login from a chosen loopback address (127.0.0.x). */
function login(username: string, password: string, localAddress = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ username, password });
    const req = request(
      {
        host: '127.0.0.1',
        port: central.httpPort,
        path: '/api/login',
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('login throttle', () => {
  it("keeps counting a mechanic's wrong passwords when a viewer logs in between (alternating logins)", async () => {
    const seen: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) seen.push(await login('mech', `guess-${round}-${i}`));
      expect(await login('viewer', pw.viewer ?? '')).toBe(403); // right password, wrong role
    }
    expect(seen.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(seen.slice(5)).toContain(429);
    // Still throttled for this address: even the right password waits.
    expect(await login('mech', pw.mech ?? '')).toBe(429);
  });

  it('counts MQTT guesses into the HTTP throttle (one throttle for both)', async () => {
    for (let i = 0; i < 5; i++)
      expect(
        await connackCode(central.mqttPort ?? 0, { clientId: 'mech2', username: 'mech2', password: `g${i}` }),
      ).toBe(4);
    expect(await login('mech2', pw.mech2 ?? '')).toBe(429);
    // And the other way round: MQTT refuses at once, without a password check.
    const before = central.metrics.get('rikscha_mqtt_auth_failures_total', { reason: 'throttled' });
    expect(await connackCode(central.mqttPort ?? 0, { clientId: 'mech2', username: 'mech2', password: pw.mech2 })).toBe(
      4,
    );
    expect(central.metrics.get('rikscha_mqtt_auth_failures_total', { reason: 'throttled' })).toBe(before + 1);
  });

  it('lets a mechanic locked by guesses from many addresses log in from an address that has not failed', async () => {
    // 20 addresses, 1 guess each: below each address's limit, but the user-wide count locks them.
    for (let i = 10; i < 30; i++) expect(await login('mech3', 'wrong', `127.0.2.${i}`)).toBe(401);
    expect(await login('mech3', pw.mech3 ?? '', '127.0.2.10')).toBe(429);
    expect(await login('mech3', pw.mech3 ?? '', '127.0.3.1')).toBe(200);
  });
});
