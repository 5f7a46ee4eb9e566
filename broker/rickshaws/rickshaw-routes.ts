// The rickshaw API: `GET /api/rickshaws`, `GET /api/rickshaws/<id>`, and the mechanics' POSTs
// `/api/rickshaws/<id>/services` (tasks done: resets their intervals) and `/api/rickshaws/<id>/name`.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { rickshawNameBodySchema, serviceRecordBodySchema } from '../../contract/rickshaw-api.ts';
import { HttpError } from '../http/routes-mechanic.ts';
import { sendError, sendJson } from '../http/respond.ts';
import type { UserRole } from '../store/schema.ts';
import { RegistryError, type RickshawRegistry } from './rickshaw-registry.ts';

export interface RickshawRouteDeps {
  registry: RickshawRegistry;
  now: () => number;
  log: Logger;
  /** The logged-in user (session cookie or HTTP Basic), as the mechanic routes find it. */
  who: (req: IncomingMessage) => Promise<{ username: string; role: UserRole } | null>;
  readJson: (req: IncomingMessage) => Promise<unknown>;
}

const issues = (e: z.ZodError): string => e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

export function rickshawRoutes(deps: RickshawRouteDeps) {
  const { registry, log } = deps;

  async function mechanic(req: IncomingMessage): Promise<string> {
    const user = await deps.who(req);
    if (!user) throw new HttpError(401, 'log in first');
    if (user.role !== 'mechanic') throw new HttpError(403, 'only mechanics may record services');
    return user.username;
  }

  async function post(req: IncomingMessage, res: ServerResponse, id: string, what: string): Promise<void> {
    const by = await mechanic(req);
    const body = await deps.readJson(req);
    if (what === 'services') {
      const b = serviceRecordBodySchema.safeParse(body);
      if (!b.success) throw new HttpError(400, issues(b.error));
      registry.recordService(id, b.data.tasks, by, b.data.note, deps.now());
      log.info({ rickshaw: id, tasks: b.data.tasks, by }, 'service recorded');
    } else {
      const b = rickshawNameBodySchema.safeParse(body);
      if (!b.success) throw new HttpError(400, issues(b.error));
      registry.setName(id, b.data.name);
      log.info({ rickshaw: id, name: b.data.name, by }, 'rickshaw named');
    }
    sendJson(res, 200, registry.detail(id, deps.now()));
  }

  /** Handles /api/rickshaws...; false when the path is not one of these. */
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.replace(/\/+$/, '').split('/').slice(1); // ['api', 'rickshaws', id, what]
    if (parts[0] !== 'api' || parts[1] !== 'rickshaws' || parts.length > 4) return false;
    const method = req.method ?? 'GET';
    const id = decodeURIComponent(parts[2] ?? '').toLowerCase();
    const what = parts[3];
    try {
      if (what !== undefined) {
        if (what !== 'services' && what !== 'name') throw new HttpError(404, 'not found');
        if (method !== 'POST') {
          res.setHeader('allow', 'POST');
          throw new HttpError(405, 'method not allowed');
        }
        await post(req, res, id, what);
        return true;
      }
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        throw new HttpError(405, 'method not allowed');
      }
      if (parts.length === 2) {
        sendJson(res, 200, { items: registry.list(deps.now()) });
        return true;
      }
      const detail = registry.detail(id, deps.now());
      if (detail) sendJson(res, 200, detail);
      else sendError(res, 404, 'no such rickshaw');
    } catch (err) {
      if (err instanceof RegistryError || err instanceof HttpError) {
        if (err instanceof HttpError && err.retryAfter !== undefined)
          res.setHeader('retry-after', String(err.retryAfter));
        sendError(res, err.status, err.message);
      } else throw err;
    }
    return true;
  };
}
