// `GET /api/audit`: the audit trail for logged-in staff (a mechanic's session cookie or HTTP Basic), newest first,
// filtered by kind and time and paged with `before`; 401 without a login, 403 for a login that is not a mechanic.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { auditQuerySchema, type AuditList } from '../../contract/http-api.ts';
import { HttpError } from '../http/routes-mechanic.ts';
import { sendError, sendJson } from '../http/respond.ts';
import type { UserRole } from '../store/schema.ts';
import type { AuditLog } from './audit-log.ts';

export interface AuditRouteDeps {
  audit: AuditLog;
  /** The logged-in user, as the mechanic routes find it. */
  who: (req: IncomingMessage) => Promise<{ username: string; role: UserRole } | null>;
}

export function auditRoutes(deps: AuditRouteDeps) {
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname.replace(/\/+$/, '') !== '/api/audit') return false;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        throw new HttpError(405, 'method not allowed');
      }
      const user = await deps.who(req);
      if (!user) throw new HttpError(401, 'log in first');
      if (user.role !== 'mechanic') throw new HttpError(403, 'only mechanics may read the audit trail');
      const q = auditQuerySchema.safeParse(Object.fromEntries(url.searchParams));
      if (!q.success)
        throw new HttpError(400, q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      sendJson(res, 200, deps.audit.list(q.data) satisfies AuditList);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.retryAfter !== undefined) res.setHeader('retry-after', String(err.retryAfter));
      sendError(res, err.status, err.message);
    }
    return true;
  };
}
