// The embedded MQTT broker: Aedes (MQTT 3.1.1) on a TCP listener, optionally on a WebSocket path of an HTTP
// server, with authentication, ACLs and payload validation in its hooks. Valid messages (and rejections that
// settle a seq) are handed to `onMessage` from the published hook, in process, without an MQTT client.

import { createServer, type Server as NetServer } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Aedes,
  type AedesPublishPacket,
  type AuthenticateError,
  type Client,
  type ConnectPacket,
  type PublishPacket,
  type Subscription,
} from 'aedes';
import { writeToStream } from 'mqtt-packet';
import type { Logger } from 'pino';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { MAX_PAYLOAD_BYTES } from '../../contract/messages.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import type { UpgradeHandler } from '../http/upgrades.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Rejections } from '../ingest/rejections.ts';
import { validatePayload, type Validated } from '../ingest/validate.ts';
import type { AuditSink } from '../audit/audit-log.ts';
import type { AccessControl, Identity } from './access-control.ts';
import { ConnectionCaps } from './connection-caps.ts';
import { GuardedStream } from './guarded-stream.ts';
import { mqttLimits, type MqttLimits } from './limits.ts';

export interface MqttServerOptions {
  host: string;
  /** 0 picks a free port; the chosen one is `MqttServer.port`. */
  port: number;
  access: AccessControl;
  log: Logger;
  metrics: Metrics;
  rejections: Rejections;
  onMessage?: (v: Validated, raw: Buffer) => void;
  /** Backpressure: a promise while the ingester's queue is full; the publish (and its client) waits on it. */
  writable?: () => Promise<void> | null;
  maxPayloadBytes?: number;
  /** Packet sizes, connect timeout and connection caps (defaults in limits.ts). */
  limits?: Partial<MqttLimits>;
  clock?: Clock;
  /** The audit trail: every CONNECT's login, accepted or refused (the user name as given, never the password). */
  audit?: Pick<AuditSink, 'login'>;
}

export interface MqttServer {
  readonly port: number;
  readonly aedes: Aedes;
  /** Publishes on behalf of the broker (bypasses the ACL: used for acks). */
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }): Promise<void>;
  /** MQTT over WebSocket, for the HTTP server's upgrade on its path (read-only viewers only). */
  webSocketUpgrade(): UpgradeHandler;
  close(): Promise<void>;
}

/** Rejected payloads are re-routed here and so dropped quietly: the PUBACK still goes out and the client stays
 *  connected (MQTT 3.1.1 has no per-message refusal; disconnecting would make the client re-send it forever).
 *  No identity may subscribe to a `$` topic, so nobody receives them. */
const REJECTED_SINK = '$rikscha/rejected';

const VALIDATED = Symbol('validated');
type Tagged = Buffer & { [VALIDATED]?: Validated };

const M = {
  authFailures: 'rikscha_mqtt_auth_failures_total',
  aclDenied: 'rikscha_mqtt_acl_denied_total',
  clients: 'rikscha_mqtt_clients_connected',
  refused: 'rikscha_mqtt_connections_refused_total',
  sessionsEnded: 'rikscha_mqtt_sessions_not_kept_total',
} as const;

function authError(message: string, returnCode: number): AuthenticateError {
  // returnCode is Aedes's AuthErrorCode, a type-only const enum: the numbers are MQTT 3.1.1's CONNACK codes.
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export async function startMqttServer(opts: MqttServerOptions): Promise<MqttServer> {
  const { access, log, metrics, rejections } = opts;
  // Aedes writes every packet with mqtt-packet, which otherwise builds a table of 65,536 two-byte Buffers (one per
  // packet id) at its first packet: ~6 MB of the central's heap for good (found in a heap snapshot), marked at every
  // full GC, to save one 2-byte allocation per PUBACK. A process-wide setting of that module; the station's MQTT.js
  // link turns it off too (`writeCache: false`).
  writeToStream.cacheNumbers = false;
  const maxBytes = opts.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const limits = mqttLimits(opts.limits);
  const clock = opts.clock ?? systemClock;
  const caps = new ConnectionCaps(limits.maxConnections, limits.maxConnectionsPerAddress);
  const identities = new WeakMap<Client, Identity>();
  // Clients that sent an empty client id: Aedes gave them a random one, which cannot be anybody else's.
  const generatedIds = new WeakSet<Client>();
  /** Each client's CONNECT, from preConnect to authenticate: whether its session is kept is decided on it. */
  const connects = new WeakMap<Client, ConnectPacket>();
  // The published hook sees a copy of the packet, but the same payload Buffer: the validation result rides on it,
  // as a symbol-keyed property (a WeakMap entry per message made every young-generation GC walk them all).
  const validatedOf = (b: Buffer): Validated | undefined => (b as Tagged)[VALIDATED];
  metrics.counter(M.authFailures, 'MQTT connections refused at authentication, by reason');
  metrics.counter(M.aclDenied, 'MQTT publishes and subscriptions refused by the ACL, by action');
  metrics.counter(M.sessionsEnded, 'MQTT logins that asked for a persistent session and got a clean one (viewers)');
  metrics.counter(
    M.refused,
    'MQTT connections refused or closed by the limits (limits.ts), by reason',
    ['total', 'per_address', 'too_large', 'malformed', 'not_connect', 'connect_timeout'].map((reason) => ({ reason })),
  );
  metrics.gauge('rikscha_mqtt_connections_open', 'MQTT connections open (TCP and WebSocket, logged in or not)', () => [
    { labels: {}, value: caps.open },
  ]);
  metrics.gauge('rikscha_mqtt_connections_max', 'Cap on open MQTT connections in total', () => caps.maxTotal);
  metrics.gauge(
    'rikscha_mqtt_connections_per_address_max',
    'Cap on open MQTT connections from one address',
    () => caps.maxPerAddress,
  );

  const aedes = await Aedes.createBroker({
    // Station ids may be up to 63 characters (contract); 3.1.1 clients are not limited, 3.1.0 ones are by default.
    maxClientsIdLength: 64,
    // Our guard closes a connection not logged in sooner; this is Aedes's own timer for a CONNECT that never came.
    connectTimeout: limits.connectTimeoutMs,
    preConnect(client, packet, done) {
      if (!packet.clientId) generatedIds.add(client);
      connects.set(client, packet);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      const transport = client.req ? 'ws' : 'tcp';
      const address = addressOf(client.conn);
      const via = transport === 'ws' ? 'mqtt-ws' : 'mqtt';
      const user = username ?? '';
      access
        .authenticate(client.id, username, password, transport, { generatedId: generatedIds.has(client), address })
        .then(
          (r) => {
            if (r.ok) {
              opts.audit?.login({ user, address, via, outcome: 'ok', reason: null });
              identities.set(client, r.identity);
              endSessionWithConnection(client, r.identity);
              if (client.conn instanceof GuardedStream) client.conn.markLoggedIn();
              done(null, true);
              return;
            }
            metrics.inc(M.authFailures, { reason: r.reason });
            const outcome = r.reason === 'throttled' || r.reason === 'busy' ? r.reason : 'refused';
            opts.audit?.login({ user, address, via, outcome, reason: r.reason });
            log.warn({ clientId: client.id, username, reason: r.reason, transport }, 'mqtt connection refused');
            done(authError(r.reason, r.returnCode), false);
          },
          (err: unknown) => {
            log.error({ err, clientId: client.id }, 'authentication failed unexpectedly');
            opts.audit?.login({ user, address, via, outcome: 'busy', reason: 'error' });
            done(authError('server unavailable', 3), false);
          },
        );
    },
    authorizePublish(client, packet, done) {
      if (!client) {
        // A will left over from a previous broker run (only with persistent storage): only status may go out.
        return packet.topic.endsWith('/status') && check(packet, undefined)
          ? done(null)
          : done(new Error('not authorised'));
      }
      const identity = identities.get(client);
      if (!identity || !access.canPublish(identity, packet.topic)) {
        metrics.inc(M.aclDenied, { action: 'publish' });
        log.warn({ clientId: client.id, topic: packet.topic.slice(0, 200) }, 'publish refused by ACL; disconnecting');
        return done(new Error(`not authorised to publish to ${packet.topic.slice(0, 200)}`));
      }
      check(packet, client.id);
      done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const identity = identities.get(client);
      if (identity && access.canSubscribe(identity, sub.topic)) return done(null, sub);
      metrics.inc(M.aclDenied, { action: 'subscribe' });
      log.warn({ clientId: client.id, topic: sub.topic.slice(0, 200) }, 'subscription refused by ACL');
      // null refuses this one topic (SUBACK 0x80) and keeps the client connected; an error would disconnect it.
      done(null, null as unknown as Subscription);
    },
    published(packet: AedesPublishPacket, _client, done) {
      const v = Buffer.isBuffer(packet.payload) ? validatedOf(packet.payload) : undefined;
      if (v && opts.onMessage && (v.ok || v.seq !== undefined)) {
        try {
          opts.onMessage(v, packet.payload as Buffer);
        } catch (err) {
          log.error({ err, topic: packet.topic }, 'ingest hand-off failed');
        }
      }
      // Aedes handles a client's packets in order: holding this one stops reading from that client (TCP pushes back).
      const wait = opts.writable?.();
      if (wait) void wait.then(() => done(null));
      else done(null);
    },
  });

  /**
   * A login whose session may not outlive its connection (access-control.ts, keepsSession) is connected as if it had
   * asked for a clean session: Aedes reads the flag from the CONNECT and the client after authentication, so the old
   * session is dropped, CONNACK says there is none (sessionPresent 0, so the client subscribes again) and nothing is
   * kept for it once it leaves.
   */
  function endSessionWithConnection(client: Client, identity: Identity): void {
    const packet = connects.get(client);
    connects.delete(client);
    if (!packet || packet.clean || access.keepsSession(identity)) return;
    packet.clean = true;
    (client as { clean: boolean }).clean = true;
    metrics.inc(M.sessionsEnded);
    log.debug({ clientId: client.id }, 'persistent session refused: it ends with the connection');
  }

  /** Validates a publish; an invalid one is counted, logged and re-routed to the sink. True if valid. */
  function check(packet: PublishPacket, clientId: string | undefined): boolean {
    const raw = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    packet.payload = raw;
    const v = validatePayload(packet.topic, raw, maxBytes);
    (raw as Tagged)[VALIDATED] = v;
    if (v.ok) return true;
    rejections.record(v, clientId);
    packet.topic = `${REJECTED_SINK}/${v.reason}`;
    packet.retain = false;
    return false;
  }

  metrics.gauge(M.clients, 'MQTT clients connected to the embedded broker', () => aedes.connectedClients);
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  aedes.on('connectionError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'mqtt connection error'),
  );

  const remoteAddress = new WeakMap<object, string>();
  function addressOf(conn: object): string {
    return remoteAddress.get(conn) ?? '?';
  }

  /** Every connection, TCP or WebSocket, goes through the caps and the guard before Aedes sees it. */
  function accept(stream: Duplex, address: string, transport: 'tcp' | 'ws', req?: IncomingMessage): void {
    const guard = new GuardedStream(stream, {
      ...limits,
      clock,
      onRefused(reason, detail) {
        metrics.inc(M.refused, { reason });
        log.warn({ address, transport, reason, detail }, 'mqtt connection closed by the limits');
      },
    });
    remoteAddress.set(guard, address);
    aedes.handle(guard, req);
  }

  /** Takes a connection slot, or counts and logs the refusal (once per minute per reason, not per socket). */
  const lastRefusalLog = new Map<string, number>();
  function admit(address: string, transport: 'tcp' | 'ws'): boolean {
    const verdict = caps.admit(address);
    if (verdict === 'ok') return true;
    metrics.inc(M.refused, { reason: verdict });
    const now = clock.monotonic();
    if (now - (lastRefusalLog.get(verdict) ?? -Infinity) >= 60_000) {
      lastRefusalLog.set(verdict, now);
      log.warn({ address, transport, cap: verdict, open: caps.open }, 'mqtt connection refused: too many connections');
    }
    return false;
  }

  const tcp: NetServer = createServer((socket) => {
    const address = socket.remoteAddress ?? '?';
    if (!admit(address, 'tcp')) {
      socket.destroy();
      return;
    }
    socket.once('close', () => caps.release(address));
    accept(socket, address, 'tcp');
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.port, opts.host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  const address = tcp.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const wsServers: WebSocketServer[] = [];
  let closing: Promise<void> | null = null;

  return {
    port,
    aedes,
    publish(topic, payload, o) {
      return new Promise((resolve, reject) => {
        aedes.publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: o.qos, retain: o.retain, dup: false },
          (err) => (err ? reject(err) : resolve()),
        );
      });
    },
    webSocketUpgrade() {
      // maxPayload bounds what ws buffers of one WebSocket message before our guard sees any of it.
      const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPacketBytes + 8 });
      wsServers.push(wss);
      return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        const address = req.socket.remoteAddress ?? '?';
        if (!admit(address, 'ws')) {
          socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
          socket.destroy();
          return;
        }
        // Released when the raw socket closes, whether the handshake succeeded or ws refused it.
        socket.once('close', () => caps.release(address));
        wss.handleUpgrade(req, socket, head, (ws) => accept(createWebSocketStream(ws), address, 'ws', req));
      };
    },
    close() {
      closing ??= (async () => {
        const tcpClosed = new Promise<void>((resolve) => tcp.close(() => resolve()));
        for (const wss of wsServers) {
          for (const c of wss.clients) c.terminate();
          wss.close();
        }
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await tcpClosed;
      })();
      return closing;
    },
  };
}
