// Mechanic actions on the HTTP API: log in and out (a session cookie, or HTTP Basic for scripts), and commands to
// a station (`POST /api/stations/<id>/commands/<name>`), checked against the command schemas before they go out.
// POSTs must carry JSON: a cross-site form cannot send that without the browser asking first (CSRF guard).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isCommandName, parseCommandArgs } from '../../contract/commands.ts';
import type { CommandAnswer, LoginAnswer, SessionAnswer } from '../../contract/http-api.ts';
import type { CommandRelay } from '../commands/command-relay.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Credentials } from '../store/credentials.ts';
import { BusyError } from '../auth/hash-limiter.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { ReadQueries } from '../store/read-queries.ts';
import type { UserRole } from '../store/schema.ts';
import type { AuditSink, CommandRecord } from '../audit/audit-log.ts';
import { sendError, sendJson } from './respond.ts';
import { Sessions } from './sessions.ts';

export interface MechanicDeps {
  credentials: Credentials;
  /** Failed logins, shared with the MQTT broker. */
  throttle: LoginThrottle;
  sessions: Sessions;
  relay: CommandRelay;
  queries: ReadQueries;
  now: () => number;
  staleAfterMs: number;
  log: Logger;
  metrics: Metrics;
  /** The audit trail: every login attempt (never its password) and every command with its outcome. */
  audit?: AuditSink;
}

const MAX_BODY = 16 * 1024;
const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const commandBodySchema = z.object({
  dock: z.number().int().min(1).max(512).optional(),
  args: z.record(z.string(), z.unknown()).optional(),
});

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, for a 429. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export function mechanicRoutes(deps: MechanicDeps) {
  const { sessions, log, metrics } = deps;
  metrics.counter('rikscha_http_logins_total', 'HTTP logins, by outcome', [
    { outcome: 'ok' },
    { outcome: 'refused' },
    { outcome: 'throttled' },
  ]);

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'send JSON (content-type: application/json)');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) throw new HttpError(413, `body over ${MAX_BODY} bytes`);
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    } catch {
      throw new HttpError(400, 'body is not valid JSON');
    }
  }

  const issues = (e: z.ZodError): string =>
    e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

  /**
   * Checks a password, with the throttle shared with MQTT (per address and user, and per user; see
   * login-throttle.ts): a throttled attempt is answered 429 without spending a hash, for the login form and
   * HTTP Basic alike. A station's password is no login here, and counts as a failure.
   */
  async function checkPassword(
    req: IncomingMessage,
    username: string,
    password: string,
    via: 'http-form' | 'http-basic',
  ): Promise<{ username: string; role: UserRole }> {
    const addr = req.socket.remoteAddress ?? '?';
    const audit = (outcome: 'ok' | 'refused' | 'throttled' | 'busy', reason: string | null): void =>
      deps.audit?.login({ user: username, address: addr, via, outcome, reason });
    const verdict = deps.throttle.check(addr, username);
    if (!verdict.allowed) {
      metrics.inc('rikscha_http_logins_total', { outcome: 'throttled' });
      audit('throttled', verdict.by ?? null);
      throw new HttpError(429, 'too many failed logins; try again later', Math.ceil(verdict.retryAfterMs / 1000));
    }
    let p;
    try {
      p = await deps.credentials.verify(username, password);
    } catch (err) {
      if (err instanceof BusyError) {
        audit('busy', 'hash_queue_full');
        throw new HttpError(503, err.message, 1);
      }
      throw err;
    }
    if (!p || p.role === 'station') {
      deps.throttle.failed(addr, username);
      metrics.inc('rikscha_http_logins_total', { outcome: 'refused' });
      log.warn({ username: username.slice(0, 64), addr }, 'login refused');
      audit('refused', p ? 'station_login' : 'bad_credentials');
      throw new HttpError(401, 'wrong user name or password');
    }
    // Clears this user's count from this address only: another account's success never clears it.
    deps.throttle.succeeded(addr, username);
    // The password was right, but only a mechanic may use the HTTP API (a viewer is answered 403).
    audit(p.role === 'mechanic' ? 'ok' : 'refused', p.role === 'mechanic' ? null : `not_a_mechanic (${p.role})`);
    return p;
  }

  /** Who is asking: the session cookie, else HTTP Basic credentials (one scrypt per request: for scripts). */
  async function who(req: IncomingMessage): Promise<{ username: string; role: UserRole } | null> {
    const s = sessions.fromRequest(req);
    if (s) return s;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!basic?.[1]) return null;
    const text = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) return null;
    return checkPassword(req, text.slice(0, colon), text.slice(colon + 1), 'http-basic');
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = loginSchema.safeParse(await readJson(req));
    if (!body.success) throw new HttpError(400, issues(body.error));
    const p = await checkPassword(req, body.data.username, body.data.password, 'http-form');
    if (p.role !== 'mechanic') return sendError(res, 403, `${p.username} is a ${p.role}, not a mechanic`);
    metrics.inc('rikscha_http_logins_total', { outcome: 'ok' });
    log.info({ username: p.username, addr: req.socket.remoteAddress }, 'mechanic logged in');
    res.setHeader('set-cookie', sessions.cookie(sessions.create(p.username, p.role)));
    sendJson(res, 200, { username: p.username, role: p.role } satisfies LoginAnswer);
  }

  async function command(req: IncomingMessage, res: ServerResponse, stationId: string, name: string): Promise<void> {
    const user = await who(req);
    if (!user) return sendError(res, 401, 'log in first');
    if (user.role !== 'mechanic') return sendError(res, 403, 'only mechanics may send commands');
    const station = deps.queries.stations(deps.now(), deps.staleAfterMs).find((s) => s.stationId === stationId);
    if (!station) return sendError(res, 404, 'no such station');
    if (!isCommandName(name)) return sendError(res, 404, `no such command "${name.slice(0, 64)}"`);
    // From here on every outcome goes into the audit trail: who, where, what, and what became of it.
    const record: Omit<CommandRecord, 'outcome' | 'reason'> = {
      user: user.username,
      address: req.socket.remoteAddress ?? null,
      stationId,
      command: name,
      dock: null,
      args: null,
    };
    const audit = (outcome: CommandRecord['outcome'], reason: string | null, answer?: unknown): void =>
      deps.audit?.command({ ...record, outcome, reason, answer });
    let body;
    try {
      body = commandBodySchema.safeParse(await readJson(req));
    } catch (err) {
      if (err instanceof HttpError) audit('invalid', err.message);
      throw err;
    }
    if (!body.success) {
      audit('invalid', issues(body.error));
      throw new HttpError(400, issues(body.error));
    }
    record.dock = body.data.dock ?? null;
    record.args = body.data.args ?? null;
    const args = parseCommandArgs(name, body.data.dock, body.data.args);
    if (!args.success) {
      audit('invalid', issues(args.error));
      throw new HttpError(400, issues(args.error));
    }
    const dock = (args.data as { dock?: unknown }).dock;
    if (typeof dock === 'number' && !station.docks.some((d) => d.dock === dock)) {
      audit('invalid', `no dock ${dock}`);
      return sendError(res, 400, `station ${stationId} has no dock ${dock}`);
    }
    if (!station.online) {
      audit('offline', null);
      return sendError(res, 409, `station ${stationId} is offline`);
    }
    let outcome;
    try {
      outcome = await deps.relay.send(stationId, name, body.data, user.username);
    } catch (err) {
      audit('closed', (err as Error).message);
      throw err;
    }
    if (!outcome.answered) {
      audit(outcome.reason, null);
      return sendError(
        res,
        outcome.reason === 'timeout' ? 504 : 503,
        outcome.reason === 'timeout' ? `station ${stationId} did not answer` : 'shutting down',
      );
    }
    if (!outcome.result.ok) {
      audit('refused', outcome.result.error ?? null);
      return sendError(res, 422, outcome.result.error ?? 'the station refused the command');
    }
    audit('ok', null, outcome.result.result ?? null);
    sendJson(res, 200, { ok: true, result: outcome.result.result ?? null } satisfies CommandAnswer);
  }

  /** Handles the mechanic routes; false when the path is not one of them. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname.replace(/\/+$/, '');
    const m = /^\/api\/stations\/([^/]+)\/commands\/([^/]+)$/.exec(path);
    const known = m !== null || path === '/api/login' || path === '/api/logout' || path === '/api/session';
    if (!known) return false;
    const method = req.method ?? 'GET';
    try {
      if (path === '/api/session') {
        if (method !== 'GET') throw new HttpError(405, 'method not allowed');
        const s = sessions.fromRequest(req);
        // Nobody logged in is a normal answer, not an error: a 401 here showed as a console error on every visit.
        const answer: SessionAnswer = s ? { username: s.username, role: s.role } : { username: null, role: null };
        sendJson(res, 200, answer);
        return true;
      }
      if (method !== 'POST') throw new HttpError(405, 'method not allowed');
      if (path === '/api/login') await login(req, res);
      else if (path === '/api/logout') {
        sessions.destroy(req);
        res.writeHead(204, { 'set-cookie': Sessions.clearCookie(), 'cache-control': 'no-store' });
        res.end();
      } else if (m) await command(req, res, decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.status === 405) res.setHeader('allow', path === '/api/session' ? 'GET' : 'POST');
      if (err.retryAfter !== undefined) res.setHeader('retry-after', String(err.retryAfter));
      sendError(res, err.status, err.message);
    }
    return true;
  }
  // Other mechanic POSTs (rickshaw services) log in the same way and read bodies with the same limits.
  return Object.assign(handle, { who, readJson });
}
