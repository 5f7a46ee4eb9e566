// Logged-in mechanics: random session tokens held in memory (a broker restart logs everyone out, which is fine
// for a handful of mechanics), sent as an HttpOnly, SameSite=Strict cookie. Expire after a day of inactivity.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UserRole } from '../store/schema.ts';

export const SESSION_COOKIE = 'rikscha_session';

export interface Session {
  username: string;
  role: UserRole;
  lastUsed: number;
}

export class Sessions {
  private readonly byToken = new Map<string, Session>();

  constructor(
    private readonly now: () => number,
    /** Idle time after which a session ends (ms). */
    readonly idleMs = 24 * 3600_000,
    private readonly maxSessions = 1000,
  ) {}

  create(username: string, role: UserRole): string {
    this.prune();
    // The oldest session goes first if someone logs in over and over (a bound, not a policy).
    if (this.byToken.size >= this.maxSessions) this.byToken.delete(this.byToken.keys().next().value as string);
    const token = randomBytes(32).toString('base64url');
    this.byToken.set(token, { username, role, lastUsed: this.now() });
    return token;
  }

  /** The session a request's cookie names, if it is still alive (and refreshes it). */
  fromRequest(req: IncomingMessage): Session | null {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!token) return null;
    const s = this.byToken.get(token);
    if (!s) return null;
    const now = this.now();
    if (now - s.lastUsed > this.idleMs) {
      this.byToken.delete(token);
      return null;
    }
    s.lastUsed = now;
    return s;
  }

  destroy(req: IncomingMessage): void {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (token) this.byToken.delete(token);
  }

  /** Ends every session of a user (their password changed, or they were removed). */
  endFor(username: string): void {
    for (const [token, s] of this.byToken) if (s.username === username) this.byToken.delete(token);
  }

  private prune(): void {
    const now = this.now();
    for (const [token, s] of this.byToken) if (now - s.lastUsed > this.idleMs) this.byToken.delete(token);
  }

  cookie(token: string): string {
    return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(this.idleMs / 1000)}`;
  }

  static clearCookie(): string {
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
