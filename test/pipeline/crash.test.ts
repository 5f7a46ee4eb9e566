// Crash test (issue 6): the station process is SIGKILLed 50 times at random (seeded) moments while it publishes at
// 10 Hz. After every kill its SQLite file passes `PRAGMA integrity_check` and its seq counter has not gone back;
// across all runs no seq is ever given to two different messages (every copy the broker saw of a seq is the same
// payload), and after a last clean run the central store holds every seq exactly once.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { tempDir } from '../broker/helpers.ts';
import { waitFor } from '../support/wait-for.ts';
import { startHarness, type LoggedProcess } from './processes.ts';
import { centralCount, integrityCheck, missingSeqs, stationState } from './stores.ts';
import { mulberry32 } from '../../hardware/battery/seeded-random.ts';

const STATION = 'crash-test-1';
const KILLS = Number(process.env.RIKSCHA_CRASH_KILLS ?? 50);
const SEED = Number(process.env.RIKSCHA_CRASH_SEED ?? 20_240_611);
/** The kill comes this long (uniformly random) after the station has stored its first telemetry of the run. */
const MAX_KILL_DELAY_MS = 700;

const dir = tempDir('rikscha-crash-');
const stationDir = join(dir.path, 'station');
const stationFile = join(stationDir, `${STATION}.sqlite`);
let central: Central;
let password = '';
let viewer: mqtt.MqttClient;
/** Every distinct payload seen on the broker per seq (telemetry and events): a reused seq would show two. */
const seen = new Map<number, Set<string>>();
let current: LoggedProcess | null = null;

beforeAll(async () => {
  mkdirSync(stationDir);
  central = await startCentral({
    dataDir: join(dir.path, 'central'),
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: pino({ level: 'silent' }),
    ingest: { flushIntervalMs: 20 },
  });
  password = central.addStation(STATION);
  const viewerPassword = central.addViewer('crash-watcher');
  viewer = await mqtt.connectAsync(`mqtt://127.0.0.1:${central.mqttPort}`, {
    protocolVersion: 4,
    clientId: 'crash-watcher:sub',
    username: 'crash-watcher',
    password: viewerPassword,
  });
  viewer.on('message', (_topic, payload) => {
    const text = payload.toString('utf8');
    const seq = (JSON.parse(text) as { seq: number }).seq;
    const set = seen.get(seq) ?? new Set<string>();
    set.add(text);
    seen.set(seq, set);
  });
  // Telemetry and events share the seq counter (status carries the last seq, not its own: left out).
  await viewer.subscribeAsync([`rikscha/v1/${STATION}/telemetry`, `rikscha/v1/${STATION}/event`], { qos: 1 });
});

afterAll(async () => {
  if (current) await current.kill('SIGKILL');
  await viewer?.endAsync();
  await central?.close();
  dir.remove();
});

describe('crash test: SIGKILL the station at random moments while it publishes', () => {
  it(`keeps the SQLite file intact and never reuses a seq over ${KILLS} kills (seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    const url = `mqtt://127.0.0.1:${central.mqttPort}`;
    const runs: Array<{ run: number; delayMs: number; before: number; after: number; integrity: string }> = [];
    for (let run = 1; run <= KILLS; run++) {
      const before = run === 1 ? 0 : stationState(stationFile).seq;
      current = await startHarness(
        { mqttUrl: url, password, dataDir: stationDir, stationId: STATION, ackTimeoutMs: 1000 },
        'first telemetry stored',
      );
      const delayMs = Math.round(random() * MAX_KILL_DELAY_MS);
      // The random moment of the crash is the point of the test, not a wait for something to happen.
      await new Promise((r) => setTimeout(r, delayMs));
      const exit = await current.kill('SIGKILL');
      current = null;
      expect(exit.signal, `run ${run}: the harness should die by SIGKILL`).toBe('SIGKILL');
      const integrity = integrityCheck(stationFile);
      const after = stationState(stationFile).seq;
      runs.push({ run, delayMs, before, after, integrity });
      expect(integrity, `run ${run} (killed ${delayMs} ms into publishing)`).toBe('ok');
      // The run stored at least one telemetry message before the kill, and nothing of it was rolled back.
      expect(after, `run ${run}: seq counter after the kill`).toBeGreaterThan(before);
    }

    // A last, clean run: the outbox drains, so everything ever given a seq reaches the central store.
    current = await startHarness(
      { mqttUrl: url, password, dataDir: stationDir, stationId: STATION, ackTimeoutMs: 1000, drainOnStop: true },
      'first telemetry stored',
    );
    const stopped = current.kill('SIGTERM');
    const drained = await current.waitLog('outbox drained', 60_000);
    expect((await stopped).code).toBe(0);
    current = null;
    const lastSeq = Number(drained.lastSeq);
    expect(stationState(stationFile)).toEqual({ seq: lastSeq, outbox: 0 });

    const reused = [...seen].filter(([, payloads]) => payloads.size > 1).map(([seq]) => seq);
    expect(reused, 'seqs published with two different payloads').toEqual([]);
    await waitFor(() => (centralCount(central.db.path, STATION).ackSeq ?? 0) >= lastSeq, {
      what: `central ack ${lastSeq}`,
    });
    const c = centralCount(central.db.path, STATION);
    const lost = missingSeqs(central.db.path, STATION, lastSeq);
    expect({ lost, ...c }).toEqual({
      lost: [],
      rows: lastSeq,
      distinct: lastSeq,
      min: 1,
      max: lastSeq,
      rejected: 0,
      ackSeq: lastSeq,
    });
    // Every stored payload is one the broker delivered for that seq (the watcher saw each seq that was stored).
    const stored = central.db.db
      .prepare('SELECT seq, payload FROM messages WHERE station_id = ?')
      .all(STATION) as Array<{ seq: number; payload: string }>;
    const mismatched = stored.filter((r) => !seen.get(r.seq)?.has(r.payload));
    expect(
      mismatched.slice(0, 3).map((r) => ({ seq: r.seq, stored: r.payload, seen: [...(seen.get(r.seq) ?? [])] })),
      `${mismatched.length} stored payloads differ from what the broker delivered`,
    ).toEqual([]);
    expect(runs.filter((r) => r.integrity === 'ok')).toHaveLength(KILLS);
  }, 480_000);
});
