// Where the ingester's messages come from and its acks go, behind one interface: the embedded Aedes broker (in
// process, from its published hook) or an external broker such as Mosquitto or EMQX (an MQTT 3.1.1 client with a
// shared subscription, so several ingesters can split a fleet's load).

import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { TOPIC_ROOT } from '../../contract/topics.ts';
import type { CommandPort } from '../commands/command-relay.ts';
import type { MqttServer } from '../mqtt/mqtt-server.ts';
import type { Rejections } from './rejections.ts';
import { validatePayload, type Validated } from './validate.ts';

export type IngestSink = (v: Validated, raw: Buffer) => void;

export interface IngestSource {
  readonly name: 'embedded' | 'external';
  /** Starts delivering validated messages (and seq-settling rejections) to `sink`; resolves once subscribed. */
  start(sink: IngestSink): Promise<void>;
  /** Publishes an ack (QoS 1, retained so a station that restarts gets the latest one when it subscribes). */
  publishAck(topic: string, payload: string): Promise<void>;
  /** Commands to stations and their results go the same way as the acks. */
  readonly commands: CommandPort;
  close(): Promise<void>;
}

const RESULTS = `${TOPIC_ROOT}/+/cmd/+/result`;

/** The embedded broker: the server validates in its hooks and calls `onMessage`, wired to the sink here. */
export function embeddedSource(server: MqttServer, setHandler: (h: IngestSink) => void): IngestSource {
  return {
    name: 'embedded',
    start(sink) {
      setHandler(sink);
      return Promise.resolve();
    },
    publishAck: (topic, payload) => server.publish(topic, payload, { qos: 1, retain: true }),
    commands: {
      publish: (topic, payload) => server.publish(topic, payload, { qos: 1, retain: false }),
      // In process: the broker's validation already sent malformed results to its sink, so only valid ones arrive.
      subscribeResults: (onResult) =>
        new Promise<void>((resolve) =>
          server.aedes.subscribe(
            RESULTS,
            (packet, cb) => {
              onResult(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
              cb();
            },
            () => resolve(),
          ),
        ),
    },
    close: () => Promise.resolve(),
  };
}

export interface ExternalSourceOptions {
  /** mqtt://host:port (credentials may be in the URL or given below). */
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  /** Shared-subscription group; null subscribes plainly (a broker without $share, or a single ingester). */
  shareGroup?: string | null;
  log: Logger;
  rejections: Rejections;
  connectTimeoutMs?: number;
  /**
   * Backpressure: a promise while the ingester's queue is full. The PUBACK of the message just taken waits for it,
   * and MQTT.js reads nothing more from the broker until then, so the broker holds (or, past its queue limit, drops)
   * what comes next instead of our memory growing: a dropped message is never acked and its station sends it again.
   */
  writable?: () => Promise<void> | null;
}

const KINDS = ['telemetry', 'event', 'status'] as const;

/** An external broker validates nothing, so the payloads are checked here, with the same rules and counters. */
export class ExternalSource implements IngestSource {
  readonly name = 'external';
  private client: MqttClient | null = null;
  private onResult: ((topic: string, payload: Buffer) => void) | null = null;

  constructor(private readonly opts: ExternalSourceOptions) {}

  /** The subscriptions, e.g. `$share/ingest/rikscha/v1/+/telemetry`. */
  get filters(): string[] {
    const group = this.opts.shareGroup === undefined ? 'ingest' : this.opts.shareGroup;
    return KINDS.map((k) => `${group ? `$share/${group}/` : ''}${TOPIC_ROOT}/+/${k}`);
  }

  async start(sink: IngestSink): Promise<void> {
    const { log, rejections } = this.opts;
    const client = mqtt.connect(this.opts.url, {
      protocolVersion: 4,
      clientId: this.opts.clientId ?? `rikscha-ingest-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: this.opts.username,
      password: this.opts.password,
      // A clean session: what is lost while the ingester is away is re-sent by the stations (no ack came).
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
    });
    this.client = client;
    const writable = this.opts.writable;
    if (writable) {
      // MQTT.js emits 'message' first, then calls handleMessage and sends the PUBACK when it calls back.
      client.handleMessage = (_packet, done) => {
        const wait = writable();
        if (wait)
          void wait.then(
            () => done(),
            () => done(),
          );
        else done();
      };
    }
    client.on('message', (topic, payload) => {
      if (topic.endsWith('/result')) {
        this.onResult?.(topic, payload);
        return;
      }
      const v = validatePayload(topic, payload);
      if (!v.ok) rejections.record(v);
      if (v.ok || v.seq !== undefined) sink(v, payload);
    });
    client.on('error', (err) => log.warn({ err: err.message, url: redact(this.opts.url) }, 'ingest mqtt error'));
    client.on('close', () => log.debug({ url: redact(this.opts.url) }, 'ingest mqtt connection closed'));
    // The subscription is re-made on every (re)connect: a clean session forgets it.
    await new Promise<void>((resolve, reject) => {
      let first = true;
      const onFirstError = (err: Error): void => {
        client.end(true);
        reject(new Error(`ingester cannot connect to ${redact(this.opts.url)}: ${err.message}`));
      };
      client.once('error', onFirstError);
      client.on('connect', () => {
        client.subscribe(this.filters, { qos: 1 }, (err, granted) => {
          const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
          const problem = err ?? (refused.length ? new Error(`subscription refused: ${refused.join(', ')}`) : null);
          if (first) {
            first = false;
            client.off('error', onFirstError);
            if (problem) onFirstError(problem);
            else resolve();
          } else if (problem) {
            log.error({ err: problem.message }, 'ingest re-subscription failed');
          }
        });
        if (this.onResult) this.subscribeResultsNow(client);
      });
    });
    log.info({ url: redact(this.opts.url), filters: this.filters }, 'ingester subscribed to external broker');
  }

  publishAck(topic: string, payload: string): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('ingest source not started'));
    return client.publishAsync(topic, payload, { qos: 1, retain: true }).then(() => undefined);
  }

  /**
   * Command results, on a plain subscription (each broker process waits for the answers to its own commands).
   * The broker's ACL must let the ingester account publish `cmd/+` and read `cmd/+/result` (see README); if it
   * does not, commands time out and this logs why.
   */
  readonly commands: CommandPort = {
    publish: async (topic, payload) => {
      const client = this.client;
      if (!client) throw new Error('ingest source not started');
      await client.publishAsync(topic, payload, { qos: 1 });
    },
    subscribeResults: (onResult) => {
      this.onResult = onResult;
      const client = this.client;
      return client ? this.subscribeResultsNow(client) : Promise.resolve();
    },
  };

  private subscribeResultsNow(client: MqttClient): Promise<void> {
    return client.subscribeAsync(RESULTS, { qos: 1 }).then(
      (granted) => {
        if (granted.some((g) => g.qos === 128))
          this.opts.log.error(
            { filter: RESULTS },
            'command results subscription refused by the broker ACL; commands will time out',
          );
      },
      (err: unknown) => this.opts.log.error({ err: (err as Error).message }, 'command results subscription failed'),
    );
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync();
  }
}

/** The URL without its password, for logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
