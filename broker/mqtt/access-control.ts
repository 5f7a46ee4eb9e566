// Who may connect to the embedded broker and what each identity may publish and subscribe to. Pure decisions,
// no Aedes types, so the rules are tested directly and read in one place.
//
//   station  (username = client id = station id): publishes only its own status, telemetry, event and
//            cmd/<name>/result; subscribes only to its own ack and cmd/...
//   viewer   (read-only user, and mechanics): subscribes under rikscha/v1/, publishes nothing; its session ends
//            with its connection (see keepsSession).
//   ingester (internal identity, for an ingester process connecting as a client): subscribes under rikscha/v1/,
//            publishes acks only.
// Anonymous clients are refused; nothing may publish under $SYS/; over WebSocket only viewers are let in.
// Client ids are bound to logins, so no login can end another's session (a second CONNECT with a client id takes
// that id's session over): a station uses its station id; every other login its user name, `<user>:<anything>`
// (':' is in no station id or user name), or an empty id (the broker then picks a random one).

import { timingSafeEqual } from 'node:crypto';
import { TOPIC_ROOT } from '../../contract/topics.ts';
import { cachedTopic } from '../ingest/validate.ts';
import type { Credentials } from '../store/credentials.ts';
import { BusyError } from '../auth/hash-limiter.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';

export type Identity =
  | { role: 'station'; stationId: string }
  | { role: 'viewer'; username: string }
  | { role: 'ingester'; username: string };

/** CONNACK return codes of MQTT 3.1.1 (Aedes's AuthErrorCode is a type-only const enum, so the numbers live here). */
export const CONNACK = {
  IDENTIFIER_REJECTED: 2,
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;

export type AuthResult =
  | { ok: true; identity: Identity }
  | {
      ok: false;
      returnCode: (typeof CONNACK)[keyof typeof CONNACK];
      reason:
        'anonymous' | 'bad_credentials' | 'client_id_mismatch' | 'role_not_allowed_on_transport' | 'throttled' | 'busy';
    };

export interface InternalUser {
  username: string;
  password: string;
}

const ROOT = `${TOPIC_ROOT}/`;

export class AccessControl {
  constructor(
    private readonly credentials: Credentials,
    private readonly internal: InternalUser | null = null,
    /** Failed logins, shared with the HTTP API (per address and user, and per user). */
    private readonly throttle: LoginThrottle | null = null,
  ) {}

  async authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
    transport: 'tcp' | 'ws',
    /** generatedId: the client sent an empty id and the broker made one up (random, so nobody else's). */
    ctx: { generatedId?: boolean; address?: string } = {},
  ): Promise<AuthResult> {
    if (!username) return { ok: false, returnCode: CONNACK.NOT_AUTHORIZED, reason: 'anonymous' };
    const pw = password?.toString('utf8') ?? '';
    const address = ctx.address ?? '?';
    // Throttled: refused without spending a hash, with the same code as a wrong password (it tells nothing).
    if (this.throttle && !this.throttle.check(address, username).allowed)
      return { ok: false, returnCode: CONNACK.BAD_USERNAME_OR_PASSWORD, reason: 'throttled' };
    let identity: Identity | null = null;
    if (this.internal && username === this.internal.username) {
      const a = Buffer.from(pw);
      const b = Buffer.from(this.internal.password);
      identity = a.length === b.length && timingSafeEqual(a, b) ? { role: 'ingester', username } : null;
    } else {
      let principal;
      try {
        principal = await this.credentials.verify(username, pw);
      } catch (err) {
        if (err instanceof BusyError) return { ok: false, returnCode: CONNACK.SERVER_UNAVAILABLE, reason: 'busy' };
        throw err;
      }
      identity = principal
        ? principal.role === 'station'
          ? { role: 'station', stationId: principal.stationId }
          : { role: 'viewer', username }
        : null;
    }
    if (!identity) {
      this.throttle?.failed(address, username);
      return { ok: false, returnCode: CONNACK.BAD_USERNAME_OR_PASSWORD, reason: 'bad_credentials' };
    }
    this.throttle?.succeeded(address, username);
    // A station is its client id: that is what makes the broker drop a stale second session of the same station.
    if (!ownsClientId(identity, clientId, ctx.generatedId === true))
      return { ok: false, returnCode: CONNACK.IDENTIFIER_REJECTED, reason: 'client_id_mismatch' };
    if (transport === 'ws' && identity.role !== 'viewer')
      return { ok: false, returnCode: CONNACK.NOT_AUTHORIZED, reason: 'role_not_allowed_on_transport' };
    return { ok: true, identity };
  }

  canPublish(identity: Identity, topic: string): boolean {
    if (topic.startsWith('$')) return false; // $SYS/ and any other broker-reserved tree
    const t = cachedTopic(topic);
    if (!t) return false;
    switch (identity.role) {
      case 'station':
        return (
          t.stationId === identity.stationId &&
          (t.kind === 'status' || t.kind === 'telemetry' || t.kind === 'event' || t.kind === 'cmdResult')
        );
      case 'ingester':
        return t.kind === 'ack';
      case 'viewer':
        return false;
    }
  }

  /**
   * Whether a login's session outlives its connection when it asks for that (`clean: false`). A viewer's does not:
   * the broker would queue every QoS 1 message for a session left behind (say a desktop MQTT tool closed once), in
   * memory and without end (measured: all 200 telemetry messages sent while it was away were held and delivered on
   * its return). A viewer watches live; history is in the HTTP API. Stations (acks, commands) and the ingester,
   * which must lose nothing, keep theirs.
   */
  keepsSession(identity: Identity): boolean {
    return identity.role !== 'viewer';
  }

  canSubscribe(identity: Identity, filter: string): boolean {
    if (filter.startsWith('$')) return false; // $SYS/ and $share/ (Aedes has no shared subscriptions)
    switch (identity.role) {
      case 'station': {
        const own = `${ROOT}${identity.stationId}/`;
        if (filter === `${own}ack`) return true;
        // cmd/#, cmd/+ or one command: wildcards are fine below the station's own cmd level, never above it.
        return filter.startsWith(`${own}cmd/`) && filter.length > `${own}cmd/`.length;
      }
      case 'viewer':
      case 'ingester':
        return filter === `${TOPIC_ROOT}/#` || (filter.startsWith(ROOT) && filter.length > ROOT.length);
    }
  }
}

/** Whether a login may use this client id (see the header: ids are derived from the login's name). */
export function ownsClientId(identity: Identity, clientId: string, generated: boolean): boolean {
  if (identity.role === 'station') return clientId === identity.stationId;
  if (generated) return true;
  return clientId === identity.username || clientId.startsWith(`${identity.username}:`);
}
