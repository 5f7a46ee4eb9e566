// The battery-health API: `GET /api/alerts` (open alerts), `GET /api/batteries/<id>/passport`, and the mechanics'
// `POST /api/batteries/<id>/work-records` (login needed; a `retired` record retires the pack at every station).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { workRecordBodySchema, type WorkRecord } from '../../contract/battery-health.ts';
import { HttpError } from '../http/routes-mechanic.ts';
import { sendError, sendJson } from '../http/respond.ts';
import type { UserRole } from '../store/schema.ts';
import type { AlertStore } from './alert-store.ts';
import type { Passports } from './passport.ts';
import type { WorkRecords } from './work-records.ts';

export interface HealthRouteDeps {
  alerts: AlertStore;
  passports: Passports;
  work: WorkRecords;
  now: () => number;
  log: Logger;
  who: (req: IncomingMessage) => Promise<{ username: string; role: UserRole } | null>;
  readJson: (req: IncomingMessage) => Promise<unknown>;
  /** Called after a work record is stored (a `retired` one changes what the stations must refuse). */
  onRecord: (record: WorkRecord) => void;
}

export function healthRoutes(deps: HealthRouteDeps) {
  async function addRecord(req: IncomingMessage, res: ServerResponse, batteryId: string): Promise<void> {
    const user = await deps.who(req);
    if (!user) throw new HttpError(401, 'log in first');
    if (user.role !== 'mechanic') throw new HttpError(403, 'only mechanics may record work');
    const body = workRecordBodySchema.safeParse(await deps.readJson(req));
    if (!body.success)
      throw new HttpError(400, body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    if (!deps.passports.of(batteryId)) throw new HttpError(404, 'no such battery');
    const record = deps.work.add(batteryId, deps.now(), user.username, body.data.kind, body.data.note ?? null);
    deps.log.info({ batteryId, kind: record.kind, by: record.by }, 'work record added');
    deps.onRecord(record);
    sendJson(res, 201, record);
  }

  /** Handles the paths above; false for any other. */
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const m = /^\/api\/batteries\/([^/]+)\/(passport|work-records)$/.exec(path);
    if (path !== '/api/alerts' && !m) return false;
    try {
      if (m?.[2] === 'work-records') {
        if (method !== 'POST') {
          res.setHeader('allow', 'POST');
          throw new HttpError(405, 'method not allowed');
        }
        await addRecord(req, res, decodeURIComponent(m[1] ?? ''));
        return true;
      }
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        throw new HttpError(405, 'method not allowed');
      }
      if (!m) {
        sendJson(res, 200, { items: deps.alerts.openAlerts() });
        return true;
      }
      const passport = deps.passports.of(decodeURIComponent(m[1] ?? ''));
      if (passport) sendJson(res, 200, passport);
      else sendError(res, 404, 'no such battery');
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      sendError(res, err.status, err.message);
    }
    return true;
  };
}
