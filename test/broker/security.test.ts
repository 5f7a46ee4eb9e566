// Security of the embedded broker over real sockets: who may connect, publish and subscribe.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as tcpConnect } from 'node:net';
import mqtt from 'mqtt';
import { generate, parser, type Packet } from 'mqtt-packet';
import { collect, connackCode, startTestCentral, telemetry } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;
beforeAll(async () => {
  t = await startTestCentral();
});
afterAll(async () => {
  await t.stop();
});

/** Logs in asking for a persistent session, recording messages from the first byte (a backlog follows CONNACK). */
async function persistentLogin(clientId: string, username: string, password: string) {
  const client = mqtt.connect(`mqtt://127.0.0.1:${t.mqttPort}`, {
    clientId,
    username,
    password,
    clean: false,
    reconnectPeriod: 0,
  });
  const seen = collect(client);
  const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  return { client, seen, sessionPresent: connack.sessionPresent };
}

describe('embedded broker security', () => {
  it('refuses a wrong password (CONNACK 4)', async () => {
    expect(await connackCode(t.mqttPort, { clientId: 'st-a', username: 'st-a', password: 'wrong' })).toBe(4);
    expect(t.central.metrics.get('rikscha_mqtt_auth_failures_total', { reason: 'bad_credentials' })).toBeGreaterThan(0);
  });

  it('refuses anonymous clients (CONNACK 5)', async () => {
    expect(await connackCode(t.mqttPort, { clientId: 'anon' })).toBe(5);
  });

  it('refuses a station connecting under another client id (CONNACK 2)', async () => {
    expect(await connackCode(t.mqttPort, { clientId: 'st-b', username: 'st-a', password: t.password('st-a') })).toBe(2);
  });

  it("refuses station A publishing to B's topic: not delivered, not stored, A disconnected", async () => {
    const viewer = await t.viewer();
    const seen = collect(viewer);
    await viewer.subscribeAsync('rikscha/v1/#', { qos: 1 });
    const a = await t.station('st-a');
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    a.publish('rikscha/v1/st-b/telemetry', JSON.stringify(telemetry('st-b', 99)), { qos: 1 });
    await closed;
    // A valid message afterwards proves the viewer is live; the forged one never arrived before it.
    const b = await t.station('st-b');
    await b.publishAsync('rikscha/v1/st-b/telemetry', JSON.stringify(telemetry('st-b', 1)), { qos: 1 });
    await waitFor(() => seen.find((m) => m.topic === 'rikscha/v1/st-b/telemetry'), { what: 'the genuine message' });
    expect(seen.filter((m) => m.topic === 'rikscha/v1/st-b/telemetry')).toHaveLength(1);
    await waitFor(() => t.central.db.getStation('st-b')?.highestSeq === 1, { what: 'st-b stored' });
    expect(t.central.metrics.get('rikscha_mqtt_acl_denied_total', { action: 'publish' })).toBeGreaterThan(0);
    await Promise.all([viewer.endAsync(), b.endAsync(), a.endAsync(true)]);
  });

  it("refuses station A subscribing to B's cmd/#, allows its own", async () => {
    const a = await t.station('st-a');
    // MQTT.js rejects a subscribe call when the broker answers 0x80 (refused) for any topic in it.
    await expect(a.subscribeAsync('rikscha/v1/st-b/cmd/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    const granted = await a.subscribeAsync(['rikscha/v1/st-a/cmd/#', 'rikscha/v1/st-a/ack'], { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1, 1]);
    expect(t.central.metrics.get('rikscha_mqtt_acl_denied_total', { action: 'subscribe' })).toBeGreaterThan(0);
    expect(a.connected).toBe(true);
    await a.endAsync();
  });

  it('lets a viewer subscribe to rikscha/v1/# but publish nothing', async () => {
    const viewer = await t.viewer();
    const granted = await viewer.subscribeAsync('rikscha/v1/#', { qos: 0 });
    expect(granted[0]?.qos).toBe(0);
    const other = await t.viewer({ clientId: 'viewer:watcher' });
    const seen = collect(other);
    await other.subscribeAsync('rikscha/v1/#');
    const closed = new Promise<void>((r) => viewer.once('close', () => r()));
    viewer.publish('rikscha/v1/st-a/cmd/stop', JSON.stringify({ id: 'x' }), { qos: 1 });
    await closed;
    const a = await t.station('st-a');
    await a.publishAsync('rikscha/v1/st-a/status', JSON.stringify({ stationId: 'st-a', ts: 1, seq: 0, online: true }), {
      qos: 1,
      retain: true,
    });
    await waitFor(() => seen.find((m) => m.topic === 'rikscha/v1/st-a/status'), { what: 'the station status' });
    expect(seen.find((m) => m.topic.includes('/cmd/'))).toBeUndefined();
    await Promise.all([viewer.endAsync(true), other.endAsync(), a.endAsync()]);
  });

  it('keeps no session for a viewer: nothing is queued while it is away; a station keeps its session', async () => {
    const away = await t.viewer({ clientId: 'viewer:away', clean: false });
    await away.subscribeAsync('rikscha/v1/#', { qos: 1 });
    await away.endAsync();
    const a = await t.station('st-a', { clean: false });
    await a.subscribeAsync('rikscha/v1/st-a/cmd/#', { qos: 1 });
    const first = t.central.db.getStation('st-a')?.highestSeq ?? 0;
    for (let seq = first + 1; seq <= first + 20; seq++)
      await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', seq)), { qos: 1 });
    await waitFor(() => t.central.db.getStation('st-a')?.highestSeq === first + 20, { what: 'the 20 stored' });

    const back = await persistentLogin('viewer:away', 'viewer', t.viewerPassword);
    expect(back.sessionPresent).toBe(false);
    await back.client.subscribeAsync('rikscha/v1/st-a/telemetry', { qos: 1 });
    await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', first + 21)), { qos: 1 });
    await waitFor(() => back.seen.find((m) => m.topic === 'rikscha/v1/st-a/telemetry'), { what: 'the live message' });
    expect(back.seen.map((m) => (m.json as { seq: number }).seq)).toEqual([first + 21]);
    expect(t.central.metrics.get('rikscha_mqtt_sessions_not_kept_total')).toBeGreaterThanOrEqual(2);

    await a.endAsync();
    const again = await persistentLogin('st-a', 'st-a', t.password('st-a'));
    expect(again.sessionPresent).toBe(true);
    await Promise.all([back.client.endAsync(), again.client.endAsync()]);
  });

  it('keeps nothing waiting for a viewer that never acknowledges, although it asked for a session and QoS 1', async () => {
    // A hand-written client: persistent session, QoS 1, and never a PUBACK (MQTT.js would acknowledge by itself).
    // Aedes stores QoS 1 deliveries until acknowledged only for a kept session; a viewer's is not kept.
    const socket = tcpConnect(t.mqttPort, '127.0.0.1');
    const got: Packet[] = [];
    const p = parser();
    p.on('packet', (packet) => got.push(packet));
    socket.on('data', (d: Buffer) => p.parse(d));
    const send = (packet: Packet) => socket.write(generate(packet));
    send({
      cmd: 'connect',
      clientId: 'viewer:raw',
      clean: false,
      username: 'viewer',
      password: Buffer.from(t.viewerPassword),
    });
    await waitFor(() => got.find((x) => x.cmd === 'connack'), { what: 'CONNACK' });
    send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'rikscha/v1/+/telemetry', qos: 1 }] });
    await waitFor(() => got.find((x) => x.cmd === 'suback'), { what: 'SUBACK' });

    const a = await t.station('st-a');
    const first = (t.central.db.getStation('st-a')?.highestSeq ?? 0) + 1;
    for (let seq = first; seq < first + 20; seq++)
      await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', seq)), { qos: 1 });
    const delivered = () => got.flatMap((x) => (x.cmd === 'publish' ? [x.qos] : []));
    await waitFor(() => delivered().length === 20, { what: 'the 20 deliveries' });
    expect(delivered()).toEqual(Array<number>(20).fill(1));
    const aedes = t.central.mqttServer?.aedes as unknown as {
      clients: Record<string, unknown>;
      persistence: { outgoingStream(client: unknown): NodeJS.ReadableStream };
    };
    const client = aedes.clients['viewer:raw'];
    expect(client).toBeDefined();
    const outgoing = await new Promise<unknown[]>((resolve, reject) => {
      const rows: unknown[] = [];
      aedes.persistence
        .outgoingStream(client)
        .on('data', (row: unknown) => rows.push(row))
        .on('end', () => resolve(rows))
        .on('error', reject);
    });
    expect(outgoing).toEqual([]);
    socket.destroy();
    await a.endAsync();
  });

  it('blocks $SYS publishes', async () => {
    const a = await t.station('st-a');
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    a.publish('$SYS/fake', 'x', { qos: 1 });
    await closed;
    await a.endAsync(true);
  });

  it('serves read-only viewers over WebSocket, and refuses stations there', async () => {
    const url = `ws://127.0.0.1:${t.central.httpPort}/mqtt`;
    const wsViewer = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      clientId: 'viewer:web',
      username: 'viewer',
      password: t.viewerPassword,
    });
    expect((await wsViewer.subscribeAsync('rikscha/v1/#'))[0]?.qos).toBe(0);
    await wsViewer.endAsync();
    const refused = await mqtt
      .connectAsync(url, {
        protocolVersion: 4,
        reconnectPeriod: 0,
        clientId: 'st-a',
        username: 'st-a',
        password: t.password('st-a'),
      })
      .then(
        async (c) => (await c.endAsync(), 0),
        (err: { code?: number }) => err.code,
      );
    expect(refused).toBe(5);
  });
});
