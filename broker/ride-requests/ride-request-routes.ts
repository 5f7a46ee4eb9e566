// Staff's ride-request API: `GET /api/ride-requests` (the open requests and the counts that remain of old ones),
// `POST /api/ride-requests` (a new one), `DELETE /api/ride-requests/<id>` (cancelled). Logged-in mechanics only
// (session cookie or HTTP Basic). Logs name the request id and the staff member, never the passenger or the place.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { rideRequestBodySchema, type RideRequestList } from '../../contract/ride-requests-api.ts';
import { HttpError } from '../http/routes-mechanic.ts';
import { sendError, sendJson } from '../http/respond.ts';
import type { UserRole } from '../store/schema.ts';
import type { RideRequestStore } from './ride-request-store.ts';

export interface RideRequestRouteDeps {
  store: RideRequestStore;
  now: () => number;
  log: Logger;
  who: (req: IncomingMessage) => Promise<{ username: string; role: UserRole } | null>;
  readJson: (req: IncomingMessage) => Promise<unknown>;
}

export function rideRequestRoutes(deps: RideRequestRouteDeps) {
  const { store, log } = deps;

  async function staff(req: IncomingMessage): Promise<string> {
    const user = await deps.who(req);
    if (!user) throw new HttpError(401, 'log in first');
    if (user.role !== 'mechanic') throw new HttpError(403, 'only staff may see or take ride requests');
    return user.username;
  }

  async function route(req: IncomingMessage, res: ServerResponse, id: string | undefined): Promise<void> {
    const method = req.method ?? 'GET';
    const by = await staff(req);
    if (id === undefined && (method === 'GET' || method === 'HEAD')) {
      const answer: RideRequestList = { items: store.list(), retentionDays: store.retentionDays, tally: store.tally() };
      return sendJson(res, 200, answer);
    }
    if (id === undefined && method === 'POST') {
      const body = rideRequestBodySchema.safeParse(await deps.readJson(req));
      if (!body.success)
        throw new HttpError(
          400,
          body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        );
      const created = store.add(body.data, by, deps.now());
      log.info({ rideRequest: created.id, by, needs: created.needs.length }, 'ride request taken');
      return sendJson(res, 201, created);
    }
    if (id !== undefined && method === 'DELETE') {
      if (!store.remove(id)) throw new HttpError(404, 'no such ride request');
      log.info({ rideRequest: id, by }, 'ride request cancelled and deleted');
      res.writeHead(204, { 'cache-control': 'no-store' });
      res.end();
      return;
    }
    res.setHeader('allow', id === undefined ? 'GET, HEAD, POST' : 'DELETE');
    throw new HttpError(405, 'method not allowed');
  }

  /** Handles /api/ride-requests[/<id>]; false for any other path. */
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/api\/ride-requests(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (!m) return false;
    try {
      await route(req, res, m[1] === undefined ? undefined : decodeURIComponent(m[1]));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.retryAfter !== undefined) res.setHeader('retry-after', String(err.retryAfter));
      sendError(res, err.status, err.message);
    }
    return true;
  };
}
