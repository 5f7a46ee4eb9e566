// A flood of wrong logins (HTTP form and MQTT CONNECT at once) does not starve the dashboard's files. scrypt and
// file reads share libuv's thread pool (4 threads): unbounded, 60 queued hashes made every file read wait behind
// them (issue 12: 7 s). Asserted is the mechanism, seen from outside our code: Node's own scrypt jobs (async_hooks
// type SCRYPTREQUEST) never run more than 2 at once, and the static files are answered while most of the flood is
// still waiting. Without the hash limiter all 60 jobs are in the pool at once and the files come after them.

import { createHook } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIR } from '../dashboard/fixture-server.ts';
import { connackCode, startTestCentral } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

const FLOOD_HTTP = 30;
const FLOOD_MQTT = 30;
const FLOOD = FLOOD_HTTP + FLOOD_MQTT;
const FILES = ['/', '/app.js', '/api.js', '/style.css', '/i18n.js', '/dom.js', '/mechanic.css', '/render-station.js'];

const scrypt = { running: new Set<number>(), peak: 0, done: 0 };
const hook = createHook({
  init(id, type) {
    if (type !== 'SCRYPTREQUEST') return;
    scrypt.running.add(id);
    scrypt.peak = Math.max(scrypt.peak, scrypt.running.size);
  },
  // The callback is about to run: the job has left the thread pool.
  before(id) {
    if (scrypt.running.delete(id)) scrypt.done += 1;
  },
});

let t: Awaited<ReturnType<typeof startTestCentral>>;
beforeAll(async () => {
  t = await startTestCentral({ dashboardDir: DASHBOARD_DIR });
  hook.enable();
});
afterAll(async () => {
  hook.disable();
  await t?.stop();
});

/** Logins waiting for a hash slot (the broker's gauge). */
async function waiting(): Promise<number> {
  const text = await (await t.http('/metrics')).text();
  return Number(/^rikscha_password_hashes_waiting (\d+)$/m.exec(text)?.[1] ?? 0);
}

describe('a scrypt flood and the dashboard files', () => {
  it('runs at most 2 hashes at once and serves every file while the flood is still queued', async () => {
    const doneBefore = scrypt.done;
    // Distinct user names: no throttle stops them, every attempt costs a hash.
    const http = Array.from({ length: FLOOD_HTTP }, (_, i) =>
      t.http('/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `flood-http-${i}`, password: 'wrong' }),
      }),
    );
    const mqtt = Array.from({ length: FLOOD_MQTT }, (_, i) =>
      // Each CONNECT waits for its turn at the 2 hash slots: on a loaded machine that outlasts mqtt.js's 30 s default.
      connackCode(t.mqttPort, {
        clientId: `flood-${i}`,
        username: `flood-mqtt-${i}`,
        password: 'wrong',
        connectTimeout: 150_000,
      }),
    );
    // The flood has arrived: most of it is in the thread pool or waiting for a slot.
    await waitFor(async () => scrypt.running.size + (await waiting()) >= FLOOD / 2, {
      what: 'the flood queued',
      timeoutMs: 20_000,
      intervalMs: 5,
    });
    const remainingWhenServed: number[] = [];
    for (const path of FILES) {
      const res = await t.http(path);
      expect(res.status, path).toBe(200);
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(0);
      remainingWhenServed.push(FLOOD - (scrypt.done - doneBefore));
    }
    const statuses = (await Promise.all(http)).map((r) => r.status);
    const codes = await Promise.all(mqtt);
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(codes.every((c) => c === 4)).toBe(true);
    expect(scrypt.done - doneBefore).toBeGreaterThanOrEqual(FLOOD);
    // The mechanism: never more than the limiter's 2 scrypt jobs in libuv's pool (4 threads), so 2 stay for files.
    expect(scrypt.peak).toBeGreaterThan(0);
    expect(scrypt.peak).toBeLessThanOrEqual(2);
    // Its effect: every file came while at least a third of the flood's hashes had not run yet.
    expect(Math.min(...remainingWhenServed)).toBeGreaterThanOrEqual(FLOOD / 3);
  }, 180_000);
});
