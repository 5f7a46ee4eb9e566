// The station's MQTT link (MQTT.js, protocol 3.1.1): last will and retained status, publishing from the outbox
// until the central store acks, and commands in on cmd/#. The link being down is a metric, logged loudly when long.

import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { ackSchema, commandSchema, type Command, type StationMetrics } from '../../contract/messages.ts';
import { parseTopic, topics } from '../../contract/topics.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Outbox, OutboxRow } from '../store/outbox.ts';

/** Newest unsent messages sent each pump ahead of any backlog: a telemetry period's worth of live data and events. */
const LIVE_PER_PUMP = 5;

export interface StationLinkOptions {
  stationId: string;
  url: string;
  username: string;
  password: string;
  ca?: Buffer;
  keepaliveS: number;
  ackTimeoutMs: number;
  /** Backlog messages sent per pump (every 100 ms) at most, so a refilled outbox drains without starving live data. */
  drainPerPump?: number;
  version: string;
  clock: Clock;
  log: Logger;
  /** The station's health counters, sent with the retained status on connect and every `metricsEveryMs`. */
  metrics?: () => StationMetrics;
  /** Default 60 000 ms. */
  metricsEveryMs?: number;
}

export type CommandHandler = (name: string, cmd: Command) => Promise<unknown>;

export class StationLink {
  private client: MqttClient | null = null;
  private pumpTimer: ReturnType<typeof setInterval> | null = null;
  private downSince: number | null = null;
  private loudTimer: ReturnType<typeof setInterval> | null = null;
  private metricsTimer: ReturnType<typeof setInterval> | null = null;
  private readonly startedAt: number;
  connected = false;
  acked = 0;
  rejectedCommands = 0;

  constructor(
    private readonly opts: StationLinkOptions,
    private readonly outbox: Outbox,
    private readonly onCommand: CommandHandler,
  ) {
    this.startedAt = opts.clock.now();
  }

  private statusPayload(online: boolean): string {
    return JSON.stringify({
      stationId: this.opts.stationId,
      ts: this.opts.clock.now(),
      seq: this.outbox.lastSeq(),
      online,
      version: this.opts.version,
      startedAt: this.startedAt,
      ...(online && this.opts.metrics ? { metrics: this.opts.metrics() } : {}),
    });
  }

  start(): void {
    const { stationId, log } = this.opts;
    const client = mqtt.connect(this.opts.url, {
      clientId: stationId,
      username: this.opts.username,
      password: this.opts.password,
      protocolVersion: 4,
      clean: true,
      keepalive: this.opts.keepaliveS,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      ca: this.opts.ca,
      // MQTT.js otherwise fills mqtt-packet's table of 65,536 two-byte Buffers (one per packet id) at its first
      // packet: ~6 MB of heap that a Pi Zero keeps for ever, to save a 2-byte allocation per QoS 1 publish.
      writeCache: false,
      will: { topic: topics.status(stationId), payload: Buffer.from(this.statusPayload(false)), qos: 1, retain: true },
    });
    this.client = client;
    this.downSince = this.opts.clock.now();
    client.on('connect', () => {
      const wasDownMs = this.downSince === null ? 0 : this.opts.clock.now() - this.downSince;
      // Usable only once subscribed: before the SUBACK, acks and commands sent to the station would be lost.
      client.subscribe([topics.ack(stationId), `${topics.stationPrefix(stationId)}cmd/+`], { qos: 1 }, (err) => {
        if (err) log.error({ err }, 'subscribe refused');
        this.connected = true;
        this.downSince = null;
        log.info({ url: this.opts.url, wasDownMs }, 'connected to broker');
        client.publish(topics.status(stationId), this.statusPayload(true), { qos: 1, retain: true });
        // Anything in flight before the drop may be lost; the ingester drops what it already has.
        this.outbox.resendAll();
        this.pump();
      });
    });
    client.on('close', () => {
      if (this.connected) log.warn({ url: this.opts.url }, 'broker connection lost; reconnecting');
      if (this.connected || this.downSince === null) this.downSince = this.opts.clock.now();
      this.connected = false;
    });
    client.on('error', (err) => log.warn({ err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.pumpTimer = setInterval(() => this.pump(), 100);
    this.metricsTimer = setInterval(() => {
      if (this.connected) client.publish(topics.status(stationId), this.statusPayload(true), { qos: 1, retain: true });
    }, this.opts.metricsEveryMs ?? 60_000);
    this.loudTimer = setInterval(() => {
      if (this.downSince !== null) {
        log.error(
          {
            url: this.opts.url,
            downForS: Math.round((this.opts.clock.now() - this.downSince) / 1000),
            queued: this.outbox.size(),
          },
          'broker unreachable',
        );
      }
    }, 60_000);
  }

  /** Seconds the link has been down (0 while connected), for metrics. */
  downForMs(): number {
    return this.downSince === null ? 0 : this.opts.clock.now() - this.downSince;
  }

  /**
   * Sends what is due: the newest unsent messages at once (live data never waits behind a backlog), then the
   * backlog oldest first at a bounded rate, and unacknowledged messages again after the ack timeout.
   */
  pump(): void {
    const client = this.client;
    if (!client || !this.connected) return;
    const now = this.opts.clock.now();
    const send = (row: OutboxRow) => {
      client.publish(row.topic, row.payload, { qos: 1 });
      this.outbox.markPublished(row.seq, now);
    };
    for (const row of this.outbox.newestUnsent(LIVE_PER_PUMP)) send(row);
    for (const row of this.outbox.dueMessages(now - this.opts.ackTimeoutMs, this.opts.drainPerPump ?? 50)) send(row);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!t || t.stationId !== this.opts.stationId) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    if (t.kind === 'ack') {
      const a = ackSchema.safeParse(json);
      if (!a.success) return;
      this.acked = Math.max(this.acked, a.data.seq);
      this.outbox.acknowledge(a.data.seq);
      return;
    }
    if (t.kind === 'cmd' && t.command) {
      const name = t.command;
      const c = commandSchema.safeParse(json);
      if (!c.success) {
        this.rejectedCommands++;
        this.opts.log.warn({ command: name }, 'invalid command payload');
        return;
      }
      void this.onCommand(name, c.data).then(
        (result) => this.reply(name, c.data.id, true, undefined, result),
        (err: unknown) => this.reply(name, c.data.id, false, err instanceof Error ? err.message : String(err)),
      );
    }
  }

  private reply(name: string, id: string, ok: boolean, error?: string, result?: unknown): void {
    const body = {
      stationId: this.opts.stationId,
      ts: this.opts.clock.now(),
      id,
      ok,
      ...(error ? { error } : {}),
      ...(result !== undefined ? { result } : {}),
    };
    this.client?.publish(topics.cmdResult(this.opts.stationId, name), JSON.stringify(body), { qos: 1 });
  }

  /** Publishes the retained offline status and disconnects. */
  async stop(): Promise<void> {
    if (this.pumpTimer) clearInterval(this.pumpTimer);
    if (this.loudTimer) clearInterval(this.loudTimer);
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (this.connected) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        client.publish(topics.status(this.opts.stationId), this.statusPayload(false), { qos: 1, retain: true }, () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    await client.endAsync(true).catch(() => undefined);
    this.connected = false;
  }
}
