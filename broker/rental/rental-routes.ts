// The rental desk's HTTP routes, all for logged-in staff (bookings carry a contact name): `/api/bookings[/<id>]`
// with `.../cancel`, `.../checkout`, `.../return`, and `/api/rental` (pick lists) with its timeframes, restrictions
// and problem reports. Refusals answer `{ error, code }` (contract/rental-api.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  bookingBodySchema,
  cancelBodySchema,
  checkoutBodySchema,
  closeProblemBodySchema,
  restrictionBodySchema,
  returnBodySchema,
  timeframeBodySchema,
  type RentalRefusal as RefusalAnswer,
} from '../../contract/rental-api.ts';
import { HttpError } from '../http/routes-mechanic.ts';
import { sendError, sendJson } from '../http/respond.ts';
import type { UserRole } from '../store/schema.ts';
import type { RentalDesk } from './rental-desk.ts';
import { RentalRefusal } from './rental-store.ts';

export interface RentalRouteDeps {
  desk: RentalDesk;
  now: () => number;
  log: Logger;
  who: (req: IncomingMessage) => Promise<{ username: string; role: UserRole } | null>;
  readJson: (req: IncomingMessage) => Promise<unknown>;
}

const issues = (e: z.ZodError): string => e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
const DAY = 86_400_000;
const timeParam = z.coerce.number().int().nonnegative();

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, issues(r.error));
  return r.data;
}

export function rentalRoutes(deps: RentalRouteDeps) {
  const { desk } = deps;

  async function staff(req: IncomingMessage): Promise<string> {
    const user = await deps.who(req);
    if (!user) throw new HttpError(401, 'log in first');
    if (user.role !== 'mechanic') throw new HttpError(403, 'only staff may use the rental desk');
    return user.username;
  }

  function bookingsList(url: URL, res: ServerResponse): void {
    const now = deps.now();
    const from = url.searchParams.has('from') ? parse(timeParam, url.searchParams.get('from')) : now - DAY / 2;
    const to = url.searchParams.has('to') ? parse(timeParam, url.searchParams.get('to')) : from + DAY;
    if (to <= from || to - from > 31 * DAY) throw new HttpError(400, 'from/to: at most 31 days, to after from');
    sendJson(res, 200, { items: desk.read.bookings(from, to, url.searchParams.get('station') ?? undefined) });
  }

  async function bookings(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Promise<void> {
    const method = req.method ?? 'GET';
    const user = await staff(req);
    const [, , id, action] = parts;
    if (id === undefined) {
      if (method === 'GET') return bookingsList(url, res);
      if (method !== 'POST') throw new HttpError(405, 'method not allowed');
      const booking = await desk.book(parse(bookingBodySchema, await deps.readJson(req)), user);
      return sendJson(res, 201, booking);
    }
    if (action === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'method not allowed');
      const b = desk.read.booking(id);
      return b ? sendJson(res, 200, b) : sendError(res, 404, `no booking ${id}`);
    }
    if (method !== 'POST') throw new HttpError(405, 'method not allowed');
    const body = await deps.readJson(req);
    if (action === 'cancel')
      return sendJson(res, 200, await desk.cancel(id, parse(cancelBodySchema, body).reason, user));
    if (action === 'checkout')
      return sendJson(res, 200, desk.checkout(id, parse(checkoutBodySchema, body).packIds, user));
    if (action === 'return') return sendJson(res, 200, desk.giveBack(id, parse(returnBodySchema, body).problem, user));
    throw new HttpError(404, 'not found');
  }

  async function rental(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Promise<void> {
    const method = req.method ?? 'GET';
    const user = await staff(req);
    const [, , what, id, action] = parts;
    if (what === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'method not allowed');
      return sendJson(res, 200, desk.overview());
    }
    if (what === 'problems' && id === undefined && method === 'GET')
      return sendJson(res, 200, { items: desk.read.problems(url.searchParams.get('state') !== 'all') });
    if (method !== 'POST') throw new HttpError(405, 'method not allowed');
    const body = await deps.readJson(req);
    if (what === 'timeframes' && id === undefined)
      return sendJson(res, 201, desk.addTimeframe(parse(timeframeBodySchema, body), user));
    if (what === 'restrictions' && id === undefined)
      return sendJson(res, 201, await desk.restrict(parse(restrictionBodySchema, body), user));
    const n = Number(id);
    if (!Number.isSafeInteger(n)) throw new HttpError(404, 'not found');
    if (what === 'restrictions' && action === 'lift') return sendJson(res, 200, desk.lift(n));
    if (what === 'problems' && action === 'close')
      return sendJson(res, 200, desk.closeProblem(n, parse(closeProblemBodySchema, body).note, user));
    throw new HttpError(404, 'not found');
  }

  /** Handles /api/bookings... and /api/rental...; false for any other path. */
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname
      .replace(/\/+$/, '')
      .split('/')
      .slice(1)
      .map((p) => decodeURIComponent(p));
    if (parts[0] !== 'api' || (parts[1] !== 'bookings' && parts[1] !== 'rental') || parts.length > 5) return false;
    try {
      if (parts[1] === 'bookings') await bookings(req, res, url, parts);
      else await rental(req, res, url, parts);
    } catch (err) {
      if (err instanceof RentalRefusal) {
        deps.log.info({ code: err.code, path: url.pathname }, `refused: ${err.message}`);
        sendJson(res, err.status, { error: err.message, code: err.code } satisfies RefusalAnswer);
      } else if (err instanceof HttpError) {
        if (err.status === 405) res.setHeader('allow', 'GET, POST');
        sendError(res, err.status, err.message);
      } else throw err;
    }
    return true;
  };
}
