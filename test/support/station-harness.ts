// The station process of the pipeline tests: the real station daemon (startStation) on simulated docks, as
// `rikscha demo` wires it, publishing telemetry every --telemetry-ms. A `rikscha station` needs real devices.
//
//   node --import tsx test/support/station-harness.ts --mqtt-url mqtt://127.0.0.1:1883 --password PW \
//     --data-dir DIR [--station-id harness-1] [--telemetry-ms 100] [--docks 2] [--ack-timeout-ms 3000] [--drain-on-stop]
//
// Logs JSON lines (pino) on stdout: 'harness started', then 'first telemetry stored' once the outbox holds a seq.
// SIGTERM stops the station cleanly; with --drain-on-stop it then keeps only the MQTT link and the outbox open
// until the central store has acked everything (outbox empty), logs 'outbox drained' with the last seq, and exits 0.

import { parseArgs } from 'node:util';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../../lib/clock.ts';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { StationLink } from '../../station/mqtt/station-link.ts';
import { startStation, STATION_VERSION } from '../../station/station.ts';
import { Outbox } from '../../station/store/outbox.ts';
import { openStationDb } from '../../station/store/station-db.ts';

const { values: args } = parseArgs({
  options: {
    'mqtt-url': { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string', default: '' },
    'data-dir': { type: 'string' },
    'station-id': { type: 'string', default: 'harness-1' },
    'telemetry-ms': { type: 'string', default: '100' },
    docks: { type: 'string', default: '2' },
    'ack-timeout-ms': { type: 'string', default: '3000' },
    'drain-on-stop': { type: 'boolean', default: false },
    'drain-timeout-ms': { type: 'string', default: '60000' },
  },
});

const log = pino({ level: process.env.RIKSCHA_LOG_LEVEL ?? 'info', name: 'station-harness' });

function fail(message: string): never {
  log.fatal(message);
  process.exit(2);
}

const url = args['mqtt-url'] ?? fail('--mqtt-url is required');
const dataDir = args['data-dir'] ?? fail('--data-dir is required');
const stationId = args['station-id'];
const dockCount = Number(args.docks);
if (!Number.isInteger(dockCount) || dockCount < 1 || dockCount > 16) fail(`--docks: expected 1..16, got ${args.docks}`);

const docks = Array.from({ length: dockCount }, (_, i) => ({
  dock: i + 1,
  batteryId: `${stationId.toUpperCase()}-BAT-${i + 1}`,
  pack: { series: 13 as const, capacityAh: 14, socPct: 20 + ((i * 17) % 70), ageCycles: 50 + i * 40, seed: 100 + i },
  standaloneCharger: { voltageV: 54.6, currentA: 4 },
}));

const config = parseStationConfig(
  {
    stationId,
    dataDir,
    mqtt: { url, ...(args.username ? { username: args.username } : {}), ackTimeoutMs: Number(args['ack-timeout-ms']) },
    telemetryIntervalMs: Number(args['telemetry-ms']),
    pollIntervalMs: 200,
    docks: docks.map((d) => ({
      dock: d.dock,
      bms: { type: 'jbd', port: `mock:rikscha/${stationId}/dock-${d.dock}/bms` },
    })),
  },
  'station-harness',
);

const sim = new SimStation({ stationId, docks, clock: systemClock, speed: 1, seed: 7 });
await sim.start();
const station = await startStation(config, {
  clock: systemClock,
  log: log.child({ part: 'station' }),
  password: args.password,
});
log.info(
  {
    stationId,
    dataDir,
    dbFile: join(dataDir, `${stationId}.sqlite`),
    lastSeq: station.outbox.lastSeq(),
    telemetryMs: config.telemetryIntervalMs,
  },
  'harness started',
);

// The crash test kills "while publishing": it waits for this line, which says a seq has been handed out.
const startSeq = station.outbox.lastSeq();
const firstTimer = setInterval(() => {
  const seq = station.outbox.lastSeq();
  if (seq > startSeq) {
    clearInterval(firstTimer);
    log.info({ seq }, 'first telemetry stored');
  }
}, 10);

/** After the station has stopped: the outbox alone, with a link of its own, until the central ack empties it. */
async function drain(): Promise<number> {
  const db = openStationDb(dataDir, stationId);
  const outbox = new Outbox(db, { maxMessages: 200_000 });
  const link = new StationLink(
    {
      stationId,
      url,
      username: args.username ?? stationId,
      password: args.password,
      keepaliveS: config.mqtt.keepaliveS,
      ackTimeoutMs: config.mqtt.ackTimeoutMs,
      drainPerPump: 200,
      version: STATION_VERSION,
      clock: systemClock,
      log: log.child({ part: 'drain' }),
    },
    outbox,
    () => Promise.reject(new Error('draining: no commands')),
  );
  const remaining = db.prepare('SELECT count(*) FROM outbox').pluck();
  link.start();
  const deadline = Date.now() + Number(args['drain-timeout-ms']);
  try {
    while ((remaining.get() as number) > 0) {
      if (Date.now() > deadline)
        throw new Error(`outbox still holds ${String(remaining.get())} messages after ${args['drain-timeout-ms']} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return outbox.lastSeq();
  } finally {
    await link.stop();
    db.close();
  }
}

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  clearInterval(firstTimer);
  void (async () => {
    try {
      await station.stop();
      await sim.stop();
      log.info('station stopped');
      if (args['drain-on-stop']) {
        const lastSeq = await drain();
        log.info({ lastSeq }, 'outbox drained');
      }
      process.exit(0);
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'harness stop failed');
      process.exit(1);
    }
  })();
});
