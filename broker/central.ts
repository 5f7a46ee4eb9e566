// The central side as one library call: store, credentials, embedded MQTT broker (or an external one), ingester,
// HTTP API, dashboard and the retention job. The CLI's `broker` and `demo` commands call startCentral; close()
// shuts it all down.

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../lib/clock.ts';
import type { Repeater } from '../lib/repeat-every.ts';
import { SystemdWatchdog } from '../lib/systemd-watchdog.ts';
import { startCentralLiveness } from './central-liveness.ts';
import { CommandRelay } from './commands/command-relay.ts';
import { startHttpServer, type ExtraRoutes } from './http/http-server.ts';
import { mechanicRoutes } from './http/routes-mechanic.ts';
import { Sessions } from './http/sessions.ts';
import { Ingester } from './ingest/ingester.ts';
import { WriteWorkerClient } from './ingest/write-worker-client.ts';
import type { WorkerHeap } from './ingest/write-worker-thread.ts';
import { Rejections } from './ingest/rejections.ts';
import { ExternalSource, embeddedSource, redact, type IngestSink, type IngestSource } from './ingest/sources.ts';
import { Metrics } from './metrics/metrics.ts';
import { AccessControl } from './mqtt/access-control.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { startMqttServer, type MqttServer } from './mqtt/mqtt-server.ts';
import type { MqttLimits } from './mqtt/limits.ts';
import { CentralDb } from './store/central-db.ts';
import { Credentials } from './store/credentials.ts';
import { ReadQueries } from './store/read-queries.ts';
import { DEFAULT_RETENTION, Retention, type RetentionOptions } from './store/retention.ts';
import { startRickshaws, type RickshawParts } from './rickshaws/rickshaw-service.ts';
import { alertConfigSchema, type AlertConfigInput } from './health/alert-config.ts';
import { startBatteryHealth, type BatteryHealthParts } from './health/health-service.ts';
import { LogbookStore } from './trainees/logbook-store.ts';
import { logbookRoutes } from './trainees/logbook-routes.ts';
import { parseRickshawConfig, type RickshawConfigInput } from './rickshaws/rickshaw-config.ts';
import { AuditLog, type AuditOptions } from './audit/audit-log.ts';
import { auditRoutes } from './audit/audit-routes.ts';
import { startRental, type RentalOptions, type RentalParts } from './rental/rental-service.ts';
import { RickshawRegistry } from './rickshaws/rickshaw-registry.ts';
import { parseGbfsConfig, type GbfsConfigInput } from './gbfs/gbfs-config.ts';
import { startGbfs, type GbfsParts } from './gbfs/gbfs-service.ts';
import { deskStates, type RentalStates } from './gbfs/rental-view.ts';
import { startRideRequests, type RideRequestParts } from './ride-requests/ride-request-service.ts';
import type { RideRequestConfigInput } from './ride-requests/ride-request-config.ts';

export interface CentralOptions {
  /** Directory for central.sqlite (created if missing). */
  dataDir: string;
  /** Embedded Aedes on host:port (port 0 = free port), or an external broker by URL (credentials in the URL or given). */
  mqtt:
    | { host: string; port: number; websocketPath?: string | null }
    | { url: string; username?: string; password?: string; shareGroup?: string | null };
  http: { host: string; port: number };
  /** Dashboard files; not served when absent. */
  dashboardDir?: string;
  logger: Logger;
  extraRoutes?: ExtraRoutes;
  clock?: Clock;
  /** A station silent this long shows offline (ms). Default 60 000. */
  staleAfterMs?: number;
  /** writer 'worker' (default): SQLite batch writes in a worker thread, off the broker's event loop; 'inline': in it. */
  ingest?: { flushIntervalMs?: number; maxBatch?: number; batterySampleMs?: number; writer?: 'worker' | 'inline' };
  /** The embedded broker's packet sizes, connect timeout and connection caps (defaults in mqtt/limits.ts). */
  mqttLimits?: Partial<MqttLimits>;
  /** How long a station has to answer a mechanic's command (ms). Default 10 000. */
  commandTimeoutMs?: number;
  /** How long the central store keeps what (defaults in retention.ts); null turns the job off. */
  retention?: Partial<RetentionOptions> | null;
  /** Service intervals, the odometer guard's daily limit, station notices (defaults in rickshaws/rickshaw-config.ts). */
  rickshaws?: RickshawConfigInput;
  /** The rental desk's reservation retries and station watch (defaults in rental/rental-service.ts). */
  rental?: RentalOptions;
  /** Battery-health alert thresholds and check period (defaults in health/alert-config.ts). */
  healthAlerts?: AlertConfigInput;
  /** The audit trail's retention and write batching (defaults in audit/audit-log.ts). */
  audit?: Partial<AuditOptions>;
  /** The public GBFS feed at /gbfs/ (broker/gbfs/gbfs-config.ts); not published when absent. */
  gbfs?: GbfsConfigInput;
  /** What the rental desk says of each rickshaw, for the feed; default: the central's own rental desk. */
  rentalStates?: RentalStates;
  /** Passengers' ride requests: retention after the ride and the deletion job's period (ride-request-config.ts). */
  rideRequests?: RideRequestConfigInput;
}

export interface Central {
  /** Set for the embedded broker: the port it listens on. */
  readonly mqttPort?: number;
  readonly httpPort: number;
  /**
   * Registers a station and returns its MQTT password (shown once; generated unless given). An existing station
   * gets the new password and its old one stops working: check hasStation() first to keep it.
   */
  addStation(stationId: string, opts?: { password?: string }): string;
  hasStation(stationId: string): boolean;
  /** Creates a read-only MQTT user (or gives an existing one a new password) and returns the password. */
  addViewer(username: string, opts?: { password?: string }): string;
  /** Creates a mechanic (HTTP login, commands to stations; read-only MQTT) or gives one a new password; returns it. */
  addMechanic(username: string, opts?: { password?: string }): string;
  /** Declares where a station's seq history starts, for a station whose earlier seqs will never arrive. */
  setFirstSeq(stationId: string, firstSeq: number): void;
  readonly metrics: Metrics;
  readonly db: CentralDb;
  readonly ingester: Ingester;
  /** The embedded broker, when there is one (tests and the demo's in-process station use it). */
  readonly mqttServer?: MqttServer;
  /** The rickshaw registry (names, services) and its notices to stations. */
  readonly rickshaws: RickshawParts;
  /** Battery-health alerts, passports, work records and the retired-pack notices. */
  readonly batteryHealth: BatteryHealthParts;
  /** Logins and mechanic commands, as staff read them at `GET /api/audit`. */
  readonly audit: AuditLog;
  /** The rental desk: bookings, check-out and return; `rental.view` is what the public feed reads. */
  readonly rental: RentalParts;
  /** The public GBFS feed, when configured. */
  readonly gbfs?: GbfsParts;
  /** Passengers' ride requests (staff API, deletion after the retention period). */
  readonly rideRequests: RideRequestParts;
  /** The write worker's V8 heap (not in the process's own heap figures); undefined with the inline writer. */
  workerHeap(): Promise<WorkerHeap | undefined>;
  close(): Promise<void>;
}

export async function startCentral(opts: CentralOptions): Promise<Central> {
  const clock = opts.clock ?? systemClock;
  // The caller may already have bound a `component` (the demo binds 'central'): then the parts go under `part`,
  // so no log line carries the key twice.
  const bound = 'component' in opts.logger.bindings();
  const child = (name: string): Logger => opts.logger.child(bound ? { part: name } : { component: name });
  const log = bound ? opts.logger : child('central');
  const metrics = new Metrics();
  const db = new CentralDb(opts.dataDir);
  // Shut-down order: no more API requests, last batch written and acked, then the MQTT side, then SQLite.
  const parts: {
    http?: { close(): Promise<void> };
    relay?: CommandRelay;
    ingester?: Ingester;
    worker?: WriteWorkerClient;
    source?: IngestSource;
    mqtt?: MqttServer;
    retention?: Retention;
    rickshaws?: RickshawParts;
    batteryHealth?: BatteryHealthParts;
    audit?: AuditLog;
    rental?: RentalParts;
    rideRequests?: RideRequestParts;
    gbfs?: GbfsParts;
    liveness?: Repeater;
  } = {};
  const closeAll = async (): Promise<void> => {
    const steps: Array<[string, (() => Promise<void> | void) | undefined]> = [
      ['watchdog', parts.liveness && (() => parts.liveness?.stop())],
      ['retention', parts.retention && (() => parts.retention?.stop())],
      ['rickshaw notices', parts.rickshaws && (() => parts.rickshaws?.stop())],
      ['battery health', parts.batteryHealth && (() => parts.batteryHealth?.stop())],
      ['rental', parts.rental && (() => parts.rental?.stop())],
      ['gbfs', parts.gbfs && (() => parts.gbfs?.stop())],
      ['commands', parts.relay && (() => parts.relay?.close())],
      ['http', parts.http && (() => parts.http?.close())],
      ['ride requests', parts.rideRequests && (() => parts.rideRequests?.stop())],
      ['ingester', parts.ingester && (() => parts.ingester?.close())],
      ['write worker', parts.worker && (() => parts.worker?.close())],
      ['ingest source', parts.source && (() => parts.source?.close())],
      ['mqtt', parts.mqtt && (() => parts.mqtt?.close())],
      ['audit', parts.audit && (() => parts.audit?.stop())],
      ['store', () => db.close()],
    ];
    for (const [name, fn] of steps) {
      try {
        await fn?.();
      } catch (err) {
        log.warn({ part: name, err: (err as Error).message }, 'error while shutting down');
      }
    }
  };
  try {
    const credentials = new Credentials(db, () => clock.now());
    // One throttle for HTTP and MQTT logins: guesses on one cannot go on through the other.
    const throttle = new LoginThrottle(() => clock.now());
    metrics.gauge('rikscha_password_hashes_waiting', 'Logins waiting for a password hash slot', () => [
      { labels: {}, value: credentials.limiter.queued },
    ]);
    const audit = new AuditLog(db.db, clock, child('audit'), metrics, opts.audit);
    parts.audit = audit;
    const rejections = new Rejections(metrics, child('validation'), clock);
    const { writer = 'worker', ...ingestOpts } = opts.ingest ?? {};
    const rickshawConfig = parseRickshawConfig(opts.rickshaws);
    if (writer === 'worker') {
      parts.worker = new WriteWorkerClient({
        dataDir: opts.dataDir,
        batterySampleMs: ingestOpts.batterySampleMs,
        rickshawMaxDailyKm: rickshawConfig.maxDailyKm,
      });
      await parts.worker.started();
    }
    const ingester = new Ingester({
      db,
      clock,
      log: child('ingester'),
      metrics,
      worker: parts.worker,
      rickshawMaxDailyKm: rickshawConfig.maxDailyKm,
      ...ingestOpts,
    });
    parts.ingester = ingester;

    let mqttServer: MqttServer | undefined;
    let source: IngestSource;
    if ('url' in opts.mqtt) {
      const m = opts.mqtt;
      source = new ExternalSource({
        url: m.url,
        username: m.username,
        password: m.password,
        shareGroup: m.shareGroup,
        log: child('ingest-mqtt'),
        rejections,
        writable: () => ingester.writable(),
      });
    } else {
      let handler: IngestSink = () => undefined;
      // The in-process ingester needs no MQTT identity; this one is for ingester processes connecting as clients.
      const access = new AccessControl(
        credentials,
        {
          username: `rikscha-ingest-${randomBytes(4).toString('hex')}`,
          password: randomBytes(24).toString('base64url'),
        },
        throttle,
      );
      mqttServer = await startMqttServer({
        host: opts.mqtt.host,
        port: opts.mqtt.port,
        access,
        metrics,
        rejections,
        log: child('mqtt'),
        onMessage: (v, raw) => handler(v, raw),
        writable: () => ingester.writable(),
        limits: opts.mqttLimits,
        clock,
        audit,
      });
      parts.mqtt = mqttServer;
      source = embeddedSource(mqttServer, (h) => (handler = h));
    }
    parts.source = source;
    const staleAfterMs = opts.staleAfterMs ?? 60_000;
    const queries = new ReadQueries(db);
    // Before the first message comes in: the feed's picture starts from the store and is then kept by the ingest.
    const gbfs = opts.gbfs
      ? startGbfs({
          config: parseGbfsConfig(opts.gbfs),
          clock,
          staleAfterMs,
          // The desk starts further down: its view is looked up on each build.
          rental: opts.rentalStates ?? deskStates(() => parts.rental?.view),
          seed: {
            stations: queries.stations(clock.now(), staleAfterMs),
            rickshaws: new RickshawRegistry(db.db, rickshawConfig).list(clock.now()),
          },
        })
      : undefined;
    parts.gbfs = gbfs;
    await source.start((v, raw) => {
      const taken = ingester.offer(v, raw);
      if (taken) gbfs?.fleet.observe(v, raw, clock.now());
      return taken;
    });
    ingester.setAckPublisher((topic, payload) => source.publishAck(topic, payload));

    if (opts.retention !== null) {
      parts.retention = new Retention(db, clock, child('retention'), opts.retention);
      parts.retention.start();
    }

    metrics.gauge(
      'rikscha_stations_online',
      'Stations whose last status is online and that were heard from recently',
      () => queries.onlineCount(clock.now(), staleAfterMs),
    );
    metrics.gauge('rikscha_stations_known', 'Stations in the central store', () => db.listStations().length);
    const relay = new CommandRelay(source.commands, clock, child('commands'), metrics, opts.commandTimeoutMs);
    parts.relay = relay;
    await relay.start();
    const sessions = new Sessions(() => clock.now());
    const mechanic = mechanicRoutes({
      credentials,
      throttle,
      sessions,
      relay,
      queries,
      now: () => clock.now(),
      staleAfterMs,
      log: child('http'),
      metrics,
      audit,
    });
    parts.rickshaws = startRickshaws({
      db: db.db,
      config: rickshawConfig,
      clock,
      log: child('rickshaws'),
      relay,
      mechanic,
      online: (id) => queries.stations(clock.now(), staleAfterMs).some((s) => s.stationId === id && s.online),
    });
    const batteryHealth = startBatteryHealth({
      db: db.db,
      clock,
      log: child('health'),
      config: alertConfigSchema.parse(opts.healthAlerts ?? {}),
      relay,
      stations: () => queries.stations(clock.now(), staleAfterMs).flatMap((s) => (s.online ? [s.stationId] : [])),
      mechanic,
    });
    parts.batteryHealth = batteryHealth;
    const rental = startRental({
      db: db.db,
      clock,
      log: child('rental'),
      relay,
      mechanic,
      onlineStations: () => queries.stations(clock.now(), staleAfterMs).flatMap((s) => (s.online ? [s.stationId] : [])),
      options: opts.rental,
      metrics,
    });
    parts.rental = rental;
    parts.rideRequests = startRideRequests({
      dataDir: opts.dataDir,
      config: opts.rideRequests,
      clock,
      log: child('ride-requests'),
      mechanic,
    });
    const http = await startHttpServer({
      host: opts.http.host,
      port: opts.http.port,
      metrics,
      dashboardDir: opts.dashboardDir,
      extraRoutes: opts.extraRoutes,
      log: child('http'),
      api: {
        queries,
        now: () => clock.now(),
        staleAfterMs,
        historyDays: {
          samples: opts.retention?.sampleDays ?? DEFAULT_RETENTION.sampleDays,
          minutes: opts.retention?.minuteDays ?? DEFAULT_RETENTION.minuteDays,
        },
      },
      mechanic,
      rickshaws: parts.rickshaws.routes,
      batteries: batteryHealth.routes,
      rental: rental.routes,
      trainees: logbookRoutes({
        store: new LogbookStore(db.db),
        now: () => clock.now(),
        log: child('logbook'),
        who: mechanic.who,
        readJson: mechanic.readJson,
      }),
      rideRequests: parts.rideRequests.routes,
      audit: auditRoutes({ audit, who: mechanic.who }),
      gbfs: gbfs?.routes,
    });
    parts.http = http;
    if (mqttServer && !('url' in opts.mqtt) && opts.mqtt.websocketPath !== null)
      http.onUpgrade(opts.mqtt.websocketPath ?? '/mqtt', mqttServer.webSocketUpgrade());

    log.info(
      {
        mqttPort: mqttServer?.port,
        mqttUrl: 'url' in opts.mqtt ? redact(opts.mqtt.url) : undefined,
        httpPort: http.port,
        dataDir: opts.dataDir,
        ingest: source.name,
      },
      'central started',
    );
    parts.liveness = startCentralLiveness({
      watchdog: new SystemdWatchdog(child('watchdog')),
      clock: systemClock,
      probe: async () => parts.worker?.heap(),
      log: child('watchdog'),
    });
    let closing: Promise<void> | null = null;
    return {
      mqttPort: mqttServer?.port,
      httpPort: http.port,
      metrics,
      db,
      ingester,
      mqttServer,
      rickshaws: parts.rickshaws,
      batteryHealth,
      audit,
      rental,
      gbfs,
      rideRequests: parts.rideRequests,
      addStation: (id, o) => credentials.addStation(id, o),
      hasStation: (id) => credentials.hasStation(id),
      addViewer: (user, o) => credentials.addViewer(user, o),
      addMechanic: (user, o) => {
        const pw = credentials.addUser(user, 'mechanic', o);
        sessions.endFor(user); // a new password ends the sessions of the old one
        return pw;
      },
      setFirstSeq: (id, seq) => db.setFirstSeq(id, seq, clock.now()),
      workerHeap: async () => parts.worker?.heap(),
      close() {
        closing ??= closeAll().then(() => log.info('central stopped'));
        return closing;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
