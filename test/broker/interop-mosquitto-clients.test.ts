// Interop: Mosquitto's own command-line clients (Debian mosquitto-clients) against the embedded Aedes broker,
// with the same credentials the stations and the viewer use.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireProgram, run, start } from './processes.ts';
import { startTestCentral, telemetry } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;
const subscriptions: string[] = [];
beforeAll(async () => {
  requireProgram('mosquitto_sub', 'mosquitto-clients');
  requireProgram('mosquitto_pub', 'mosquitto-clients');
  t = await startTestCentral();
  t.central.mqttServer?.aedes.on('subscribe', (subs, client) =>
    subscriptions.push(...subs.map((s) => `${client.id} ${s.topic}`)),
  );
});
afterAll(async () => {
  await t?.stop();
});

const host = () => ['-h', '127.0.0.1', '-p', String(t.mqttPort)];

describe('mosquitto_sub / mosquitto_pub against Aedes', () => {
  it('a viewer URL sees what a station publishes with mosquitto_pub, which is ingested', async () => {
    const url = `mqtt://viewer:${t.viewerPassword}@127.0.0.1:${t.mqttPort}/rikscha/v1/#`;
    const sub = start('mosquitto_sub', ['-L', url, '-v', '-C', '1', '-i', 'viewer:interop']);
    await waitFor(() => subscriptions.includes('viewer:interop rikscha/v1/#'), { what: 'mosquitto_sub subscribed' });
    const pub = await run('mosquitto_pub', [
      ...host(),
      '-i',
      'st-a',
      '-u',
      'st-a',
      '-P',
      t.password('st-a'),
      '-q',
      '1',
      '-t',
      'rikscha/v1/st-a/telemetry',
      '-m',
      JSON.stringify(telemetry('st-a', 1)),
    ]);
    expect(pub).toMatchObject({ code: 0, stderr: '' });
    const got = await sub.done;
    expect(got.code).toBe(0);
    const [topic, ...rest] = got.stdout.trim().split(' ');
    expect(topic).toBe('rikscha/v1/st-a/telemetry');
    expect(JSON.parse(rest.join(' '))).toMatchObject({ stationId: 'st-a', seq: 1, ts: expect.any(Number) });
    await waitFor(() => t.central.db.getStation('st-a')?.ackSeq === 1, { what: 'seq 1 stored' });
  });

  it('mosquitto_sub -c as the viewer gets no backlog of what it missed, only what comes after its return', async () => {
    const desk = [...host(), '-u', 'viewer', '-P', t.viewerPassword, '-i', 'viewer:desk', '-c', '-q', '1', '-v'];
    const topic = 'rikscha/v1/st-a/telemetry';
    const subscribed = () => subscriptions.filter((s) => s === `viewer:desk ${topic}`).length;
    const a = await t.station('st-a');
    const publish = (seq: number) => a.publishAsync(topic, JSON.stringify(telemetry('st-a', seq)), { qos: 1 });
    try {
      const first = (t.central.db.getStation('st-a')?.highestSeq ?? 0) + 1;
      // Away with a persistent session asked for: it subscribed at QoS 1, took one message and left.
      const away = start('mosquitto_sub', [...desk, '-t', topic, '-C', '1']);
      await waitFor(() => subscribed() === 1, { what: 'mosquitto_sub subscribed' });
      await publish(first);
      expect((await away.done).code).toBe(0);
      for (let seq = first + 1; seq <= first + 10; seq++) await publish(seq);
      await waitFor(() => t.central.db.getStation('st-a')?.highestSeq === first + 10, { what: 'the 10 stored' });

      // Back under the same client id: a kept session would deliver the 10 before anything else.
      const back = start('mosquitto_sub', [...desk, '-t', topic, '-C', '1']);
      await waitFor(() => subscribed() === 2, { what: 'mosquitto_sub subscribed again' });
      await publish(first + 11);
      const got = await back.done;
      expect(got.code).toBe(0);
      const line = got.stdout.trim();
      expect(line.startsWith(`${topic} `)).toBe(true);
      expect(JSON.parse(line.slice(topic.length + 1))).toMatchObject({ seq: first + 11 });
    } finally {
      await a.endAsync();
    }
  });

  it('refuses mosquitto_sub without credentials and with a wrong password', async () => {
    const anon = await run('mosquitto_sub', [...host(), '-t', 'rikscha/v1/#', '-C', '1']);
    expect(anon.code).not.toBe(0);
    expect(anon.stderr).toMatch(/not authori[sz]ed/i);
    const wrong = await run('mosquitto_sub', [
      ...host(),
      '-u',
      'viewer',
      '-P',
      'wrong',
      '-t',
      'rikscha/v1/#',
      '-C',
      '1',
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/bad user name or password/i);
  });

  it("refuses mosquitto_pub from station A to B's topic, and from the viewer", async () => {
    await run('mosquitto_pub', [
      ...host(),
      '-i',
      'st-a',
      '-u',
      'st-a',
      '-P',
      t.password('st-a'),
      '-q',
      '1',
      '-t',
      'rikscha/v1/st-b/telemetry',
      '-m',
      JSON.stringify(telemetry('st-b', 1)),
    ]);
    await run('mosquitto_pub', [
      ...host(),
      '-u',
      'viewer',
      '-P',
      t.viewerPassword,
      '-q',
      '1',
      '-t',
      'rikscha/v1/st-b/telemetry',
      '-m',
      JSON.stringify(telemetry('st-b', 2)),
    ]);
    await waitFor(() => t.central.metrics.get('rikscha_mqtt_acl_denied_total', { action: 'publish' }) >= 2, {
      what: 'two ACL refusals',
    });
    expect(t.central.db.getStation('st-b')?.highestSeq ?? null).toBeNull();
  });

  it("refuses mosquitto_sub as station A on B's cmd/#", async () => {
    const r = await run('mosquitto_sub', [
      ...host(),
      '-i',
      'st-a',
      '-u',
      'st-a',
      '-P',
      t.password('st-a'),
      '-t',
      'rikscha/v1/st-b/cmd/#',
      '-C',
      '1',
      '-W',
      '5',
    ]);
    // mosquitto_sub 2.0 reports the SUBACK refusal (0x80) and exits, with status 0.
    expect(r.stderr).toMatch(/All subscription requests were denied/);
    expect(r.stdout).toBe('');
  });
});
