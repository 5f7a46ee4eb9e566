// The station's MQTT link leaves mqtt-packet's packet-id Buffer table empty (~6 MB of heap on a Pi Zero otherwise).

import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, expect, test } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { openStationDb } from '../store/station-db.ts';
import { Outbox } from '../store/outbox.ts';
import { StationLink } from './station-link.ts';

// mqtt-packet is MQTT.js's own dependency; its number table is what the option keeps from being built.
const mqttRequire = createRequire(createRequire(import.meta.url).resolve('mqtt'));
const numbers = mqttRequire('mqtt-packet/numbers.js') as { cache: Record<number, Buffer> };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

test('the link writes its first packet without building the 65,536-entry packet-id table', async () => {
  let received = 0;
  const server = createServer((socket) => socket.on('data', (b: Buffer) => (received += b.length)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-link-'));
  const db = openStationDb(dir, 'link-1');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => {
    db.close();
  });
  const link = new StationLink(
    {
      stationId: 'link-1',
      url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
      username: 'link-1',
      password: 'pw',
      keepaliveS: 30,
      ackTimeoutMs: 5000,
      version: 'test',
      clock: new ManualClock(0),
      log: pino({ level: 'silent' }),
    },
    new Outbox(db, { maxMessages: 100 }),
    () => Promise.resolve(undefined),
  );
  link.start();
  cleanups.push(() => link.stop());
  // The CONNECT packet went out through mqtt-packet's writer, which builds the table at its first packet if asked.
  await waitFor(() => received > 0, { what: 'the CONNECT packet at the fake broker' });
  expect(Object.keys(numbers.cache)).toHaveLength(0);
});
