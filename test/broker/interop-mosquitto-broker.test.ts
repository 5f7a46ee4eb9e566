// Interop: the central side against a real Mosquitto broker (Debian mosquitto, no persistence, no anonymous),
// started by the test on a free port. The ingester subscribes with $share/ingest/..., validates, stores and acks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import pino from 'pino';
import { startCentral, type Central } from '../../broker/central.ts';
import { ExternalSource } from '../../broker/ingest/sources.ts';
import { Rejections } from '../../broker/ingest/rejections.ts';
import { Metrics } from '../../broker/metrics/metrics.ts';
import { systemClock } from '../../lib/clock.ts';
import { collect, status, telemetry, tempDir } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';
import { startMosquitto } from './processes.ts';

const USERS = { 'st-a': 'station-a-pw', ingest: 'ingest-pw', ingest2: 'ingest2-pw' };
const dir = tempDir('rikscha-mosquitto-');
let broker: Awaited<ReturnType<typeof startMosquitto>>;
let central: Central;
const url = () => `mqtt://127.0.0.1:${broker.port}`;
const quiet = pino({ level: 'silent' });

beforeAll(async () => {
  broker = await startMosquitto(dir.path, USERS);
  await waitFor(
    async () => {
      if (broker.proc.child.exitCode !== null) throw new Error(`mosquitto exited: ${broker.proc.stderr()}`);
      const c = await mqtt.connectAsync(url(), {
        protocolVersion: 4,
        reconnectPeriod: 0,
        username: 'ingest',
        password: USERS.ingest,
        connectTimeout: 1000,
      });
      await c.endAsync();
      return true;
    },
    { what: 'mosquitto accepting connections', timeoutMs: 10_000, intervalMs: 50 },
  );
  central = await startCentral({
    dataDir: dir.path,
    mqtt: { url: url(), username: 'ingest', password: USERS.ingest },
    http: { host: '127.0.0.1', port: 0 },
    logger: quiet,
    ingest: { flushIntervalMs: 20 },
  });
});
afterAll(async () => {
  await central?.close();
  await broker?.stop();
  dir.remove();
});

describe('shared-subscription ingester against mosquitto', () => {
  it('stores a station’s messages once and acks them through mosquitto', async () => {
    expect(central.mqttPort).toBeUndefined();
    const st = await mqtt.connectAsync(url(), {
      protocolVersion: 4,
      reconnectPeriod: 0,
      clientId: 'st-a',
      username: 'st-a',
      password: USERS['st-a'],
    });
    const got = collect(st);
    await st.subscribeAsync('rikscha/v1/st-a/ack', { qos: 1 });
    await st.publishAsync('rikscha/v1/st-a/status', status('st-a', true), { qos: 1, retain: true });
    for (const seq of [1, 2, 3, 3, 4, 5])
      await st.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', seq)), { qos: 1 });
    await st.publishAsync('rikscha/v1/st-a/telemetry', '{broken', { qos: 1 });
    await waitFor(() => got.find((m) => (m.json as { seq?: number } | undefined)?.seq === 5), {
      what: 'ack 5 via mosquitto',
    });
    expect(central.db.getStation('st-a')).toMatchObject({ highestSeq: 5, ackSeq: 5, settledCount: 5 });
    expect(central.metrics.get('rikscha_duplicates_dropped_total')).toBe(1);
    await waitFor(() => central.metrics.get('rikscha_messages_rejected_total', { reason: 'invalid_json' }) === 1, {
      what: 'invalid JSON counted',
    });
    const res = await fetch(`http://127.0.0.1:${central.httpPort}/api/stations`);
    const items = ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
    expect(items[0]).toMatchObject({ stationId: 'st-a', online: true, lastSeq: 5, missingSeqs: 0 });
    await st.endAsync();
  });

  it("relays a mechanic's command to a station through mosquitto and its answer back", async () => {
    const pw = central.addMechanic('mech');
    const st = await mqtt.connectAsync(url(), {
      protocolVersion: 4,
      reconnectPeriod: 0,
      clientId: 'st-a',
      username: 'st-a',
      password: USERS['st-a'],
    });
    await st.subscribeAsync('rikscha/v1/st-a/cmd/+', { qos: 1 });
    st.on('message', (topic, payload) => {
      const { id } = JSON.parse(payload.toString()) as { id: string };
      void st.publishAsync(
        `${topic}/result`,
        JSON.stringify({ stationId: 'st-a', ts: Date.now(), id, ok: true, result: { via: 'mosquitto' } }),
        { qos: 1 },
      );
    });
    const res = await fetch(`http://127.0.0.1:${central.httpPort}/api/stations/st-a/commands/stop-charging`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`mech:${pw}`).toString('base64')}`,
      },
      body: JSON.stringify({ dock: 1 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: { via: 'mosquitto' } });
    await st.endAsync();
  });

  it('holds the broker back while the ingester is full: nothing more is read until there is room', async () => {
    let release: () => void = () => undefined;
    let gate: Promise<void> | null = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    const source = new ExternalSource({
      url: url(),
      username: 'ingest2',
      password: USERS.ingest2,
      shareGroup: 'gate-test',
      log: quiet,
      rejections: new Rejections(new Metrics(), quiet, systemClock),
      // Full from the first telemetry on (mosquitto hands a new shared subscriber the retained status first).
      writable: () => (seen.length > 0 ? gate : null),
    });
    await source.start((v) => void (v.ok && v.kind === 'telemetry' && seen.push(v.env.seq)));
    // A plain subscriber beside it shows when mosquitto has forwarded everything.
    const observer = await mqtt.connectAsync(url(), {
      protocolVersion: 4,
      reconnectPeriod: 0,
      username: 'ingest',
      password: USERS.ingest,
    });
    const observed = collect(observer);
    await observer.subscribeAsync('rikscha/v1/st-a/telemetry', { qos: 1 });
    const st = await mqtt.connectAsync(url(), {
      protocolVersion: 4,
      reconnectPeriod: 0,
      clientId: 'st-a',
      username: 'st-a',
      password: USERS['st-a'],
    });
    for (const seq of [200, 201, 202])
      await st.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', seq)), { qos: 1 });
    await waitFor(
      () => observed.filter((m) => (m.json as { seq?: number } | undefined)?.seq !== undefined).length >= 3,
      { what: 'the observer to get all three' },
    );
    await waitFor(() => seen.length >= 1, { what: 'the first one at the ingester' });
    // Its PUBACK waits for room, and the client reads nothing more meanwhile.
    expect(seen).toEqual([200]);
    gate = null;
    release();
    await waitFor(() => seen.length === 3, { what: 'the rest once there is room' });
    expect(seen).toEqual([200, 201, 202]);
    await st.endAsync();
    await observer.endAsync();
    await source.close();
  });

  it('splits the load between two ingesters in the same share group', async () => {
    const counts = [0, 0];
    const sources = [0, 1].map(
      () =>
        new ExternalSource({
          url: url(),
          username: 'ingest2',
          password: USERS.ingest2,
          shareGroup: 'split-test',
          log: quiet,
          rejections: new Rejections(new Metrics(), quiet, systemClock),
        }),
    );
    // Telemetry only: mosquitto 2.0 also hands each shared subscriber the retained status once.
    await Promise.all(
      sources.map((s, i) =>
        s.start((v) => void (v.ok && v.kind === 'telemetry' && (counts[i] = (counts[i] ?? 0) + 1))),
      ),
    );
    expect(sources[0]?.filters).toContain('$share/split-test/rikscha/v1/+/telemetry');
    const st = await mqtt.connectAsync(url(), {
      protocolVersion: 4,
      reconnectPeriod: 0,
      clientId: 'st-a',
      username: 'st-a',
      password: USERS['st-a'],
    });
    for (let seq = 100; seq < 140; seq++)
      await st.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', seq)), { qos: 1 });
    await waitFor(() => counts[0]! + counts[1]! === 40, { what: 'all 40 delivered once across the group' }).catch(
      (e: Error) => {
        throw new Error(`${e.message}; counts ${JSON.stringify(counts)}`);
      },
    );
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
    await st.endAsync();
    await Promise.all(sources.map((s) => s.close()));
  });
});
