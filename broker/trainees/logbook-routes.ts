// The trainee logbook on the HTTP API. Open (numbers only, no names): `GET /api/logbook`, `GET /api/trainees`,
// `GET /api/trainees/<n>`, `GET /api/trainees/<n>/logbook.csv`. Staff login needed: `GET /api/trainee-names`,
// `PUT|DELETE /api/trainee-names/<n>`, `POST /api/logbook/<station>/<run>/trainee`; `GET /sheet/trainees/<n>`
// prints the certificate page, with the name only for a logged-in staff member.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  assignTraineeBodySchema,
  traineeNameBodySchema,
  type LogbookEntry,
  type TraineeRecord,
} from '../../contract/logbook.ts';
import { traineeIdSchema } from '../../contract/messages.ts';
import { HttpError } from '../http/routes-mechanic.ts';
import { sendError, sendJson, sendText } from '../http/respond.ts';
import type { UserRole } from '../store/schema.ts';
import type { LogbookStore } from './logbook-store.ts';
import { logbookCsv, traineeSheetHtml } from './trainee-sheet.ts';

export interface LogbookRouteDeps {
  store: LogbookStore;
  now: () => number;
  log: Logger;
  who: (req: IncomingMessage) => Promise<{ username: string; role: UserRole } | null>;
  readJson: (req: IncomingMessage) => Promise<unknown>;
}

const issues = (e: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string =>
  e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

function traineeOf(text: string | undefined): number {
  const r = traineeIdSchema.safeParse(Number(text));
  if (!r.success) throw new HttpError(400, 'trainee: a number from 1 to 999');
  return r.data;
}

function optionalMs(url: URL, key: string): number | undefined {
  const v = url.searchParams.get(key);
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `${key}: epoch ms`);
  return n;
}

function only(req: IncomingMessage, res: ServerResponse, ...methods: string[]): void {
  if (methods.includes(req.method ?? 'GET')) return;
  res.setHeader('allow', methods.join(', '));
  throw new HttpError(405, 'method not allowed');
}

export function logbookRoutes(deps: LogbookRouteDeps) {
  const { store } = deps;

  async function staff(req: IncomingMessage): Promise<string> {
    const user = await deps.who(req);
    if (!user) throw new HttpError(401, 'log in first');
    if (user.role !== 'mechanic') throw new HttpError(403, 'only staff (mechanics) may see or change names');
    return user.username;
  }

  /** Staff logged in (session cookie) or nobody: the printable page shows the name only to staff. */
  async function staffOrNull(req: IncomingMessage): Promise<string | null> {
    try {
      return await staff(req);
    } catch (err) {
      if (err instanceof HttpError && (err.status === 401 || err.status === 403)) return null;
      throw err;
    }
  }

  function record(text: string | undefined): TraineeRecord {
    const r = store.record(traineeOf(text));
    if (!r) throw new HttpError(404, 'no logbook entries for this trainee');
    return r;
  }

  async function names(req: IncomingMessage, res: ServerResponse, n: string | undefined): Promise<void> {
    const by = await staff(req);
    if (n === undefined) {
      only(req, res, 'GET', 'HEAD');
      return sendJson(res, 200, { items: store.names() });
    }
    only(req, res, 'PUT', 'DELETE');
    const trainee = traineeOf(n);
    if (req.method === 'DELETE') {
      store.deleteName(trainee);
      deps.log.info({ trainee, by }, 'trainee name removed');
      res.writeHead(204, { 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const body = traineeNameBodySchema.safeParse(await deps.readJson(req));
    if (!body.success) throw new HttpError(400, issues(body.error));
    store.setName(trainee, body.data.name, deps.now(), by);
    // The name itself is never logged: the log is no place for it.
    deps.log.info({ trainee, by }, 'trainee name set');
    sendJson(
      res,
      200,
      store.names().find((x) => x.trainee === trainee),
    );
  }

  async function assign(req: IncomingMessage, res: ServerResponse, stationId: string, runId: string): Promise<void> {
    only(req, res, 'POST');
    const by = await staff(req);
    const body = assignTraineeBodySchema.safeParse(await deps.readJson(req));
    if (!body.success) throw new HttpError(400, issues(body.error));
    const entry: LogbookEntry | undefined = store.assign(stationId, runId, body.data.trainee, by);
    if (!entry) throw new HttpError(404, 'no such logbook entry');
    deps.log.info({ stationId, runId, trainee: body.data.trainee, by }, 'logbook entry assigned');
    sendJson(res, 200, entry);
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<boolean> {
    let m: RegExpExecArray | null;
    if (path === '/api/logbook') {
      only(req, res, 'GET', 'HEAD');
      const unassigned = url.searchParams.get('unassigned') === '1';
      const t = url.searchParams.get('trainee');
      const from = optionalMs(url, 'from');
      const to = optionalMs(url, 'to');
      const items = store.list({
        unassigned,
        ...(t !== null ? { trainee: traineeOf(t) } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
      sendJson(res, 200, { items });
    } else if ((m = /^\/api\/logbook\/([^/]+)\/([^/]+)\/trainee$/.exec(path))) {
      await assign(req, res, decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
    } else if (path === '/api/trainees') {
      only(req, res, 'GET', 'HEAD');
      sendJson(res, 200, { items: store.trainees() });
    } else if ((m = /^\/api\/trainees\/([^/]+)$/.exec(path))) {
      only(req, res, 'GET', 'HEAD');
      sendJson(res, 200, record(m[1]));
    } else if ((m = /^\/api\/trainees\/([^/]+)\/logbook\.csv$/.exec(path))) {
      only(req, res, 'GET', 'HEAD');
      const r = record(m[1]);
      res.setHeader('content-disposition', `attachment; filename="logbook-${r.trainee}.csv"`);
      sendText(res, 200, logbookCsv(r.entries), 'text/csv; charset=utf-8');
    } else if ((m = /^\/api\/trainee-names(?:\/([^/]+))?$/.exec(path))) {
      await names(req, res, m[1]);
    } else if ((m = /^\/sheet\/trainees\/([^/]+)$/.exec(path))) {
      only(req, res, 'GET', 'HEAD');
      const r = record(m[1]);
      const name = (await staffOrNull(req)) !== null ? (store.nameOf(r.trainee) ?? null) : null;
      sendText(res, 200, traineeSheetHtml(r, name), 'text/html; charset=utf-8');
    } else return false;
    return true;
  }

  /** Handles the paths above; false for any other. */
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname.replace(/\/+$/, '');
    if (!/^\/(api\/(logbook|trainees|trainee-names)|sheet\/trainees)(\/|$)/.test(path)) return false;
    try {
      return await route(req, res, url, path);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      sendError(res, err.status, err.message);
      return true;
    }
  };
}
