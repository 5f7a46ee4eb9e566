// A client that stops reading its socket (a stuck tool, a tablet whose network went away without a FIN) must not
// hold up the broker: Aedes waits for each client's drain inside every delivery, so before the write-side limit
// (mqtt/guarded-stream.ts) storing these 15,000 messages took 63 s instead of 3.4 s, every station waiting.

import { connect as tcpConnect } from 'node:net';
import { generate } from 'mqtt-packet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collect, startTestCentral, telemetry } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;
beforeAll(async () => {
  t = await startTestCentral({ mqttLimits: { maxUnsentBytes: 256 * 1024 } });
});
afterAll(async () => {
  await t.stop();
});

it('disconnects a viewer that reads nothing once maxUnsentBytes wait for it; stations and other viewers go on', async () => {
  const deaf = tcpConnect(t.mqttPort, '127.0.0.1');
  await new Promise((r) => deaf.once('connect', r));
  deaf.on('error', () => undefined); // the broker resets it
  deaf.write(
    generate({ cmd: 'connect', clientId: 'viewer:deaf', username: 'viewer', password: Buffer.from(t.viewerPassword) }),
  );
  deaf.write(generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'rikscha/v1/#', qos: 0 }] }));
  let head = Buffer.alloc(0);
  const onData = (d: Buffer) => (head = Buffer.concat([head, d]));
  deaf.on('data', onData);
  // CONNACK (4 bytes) and SUBACK (5 bytes), then it reads no more.
  await waitFor(() => head.length >= 9, { what: 'CONNACK and SUBACK' });
  deaf.off('data', onData);
  deaf.pause();

  const watcher = await t.viewer();
  await watcher.subscribeAsync('rikscha/v1/st-a/telemetry', { qos: 0 });
  const watched = collect(watcher);
  const a = await t.station('st-a');
  const first = (t.central.db.getStation('st-a')?.highestSeq ?? 0) + 1;
  // ~11 MB of telemetry: more than the kernel's socket buffers hold for the deaf viewer (~7 MB here), then 256 KiB.
  const N = 15_000;
  const acks: Array<Promise<unknown>> = [];
  for (let seq = first; seq < first + N; seq++)
    acks.push(a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', seq)), { qos: 1 }));
  await waitFor(() => t.central.db.getStation('st-a')?.highestSeq === first + N - 1, {
    what: `all ${N} stored`,
    timeoutMs: 90_000,
  });
  await Promise.all(acks);
  await waitFor(() => watched.some((m) => (m.json as { seq?: number } | undefined)?.seq === first + N - 1), {
    what: 'the last message at the reading viewer',
  });
  expect(t.central.metrics.get('rikscha_mqtt_connections_refused_total', { reason: 'not_reading' })).toBe(1);
  // Its connection is gone from the broker (the paused socket here learns of the reset only when it reads again).
  const clients = (t.central.mqttServer?.aedes as unknown as { clients: Record<string, unknown> }).clients;
  await waitFor(() => !('viewer:deaf' in clients), { what: 'the deaf viewer gone from the broker' });
  deaf.destroy();
  await Promise.all([a.endAsync(), watcher.endAsync()]);
}, 120_000);
