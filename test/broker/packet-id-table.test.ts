// The central's MQTT server leaves mqtt-packet's packet-id Buffer table empty (~6 MB of its heap otherwise).

import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCentral, telemetry } from './helpers.ts';

// The copy of mqtt-packet Aedes writes with: its number table is what the setting keeps from being built.
const aedesRequire = createRequire(createRequire(import.meta.url).resolve('aedes'));
const numbers = aedesRequire('mqtt-packet/numbers.js') as { cache: Record<number, Buffer> };

let t: Awaited<ReturnType<typeof startTestCentral>>;
beforeAll(async () => {
  t = await startTestCentral();
});
afterAll(async () => {
  await t.stop();
});

test('CONNACK, SUBACK and PUBACKs go out without building the 65,536-entry packet-id table', async () => {
  const a = await t.station('st-a');
  await a.subscribeAsync('rikscha/v1/st-a/ack', { qos: 1 });
  // publishAsync resolves on the broker's PUBACK, written with a packet id.
  for (let seq = 1; seq <= 3; seq++)
    await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', seq)), { qos: 1 });
  expect(Object.keys(numbers.cache)).toHaveLength(0);
  await a.endAsync();
});
