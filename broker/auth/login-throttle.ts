// One throttle for failed logins, shared by the HTTP API and the MQTT broker: per (address, user) and per user.
// Success on one account never clears another's count (a viewer's good password used to reset the address's
// count, so alternating logins guessed without limit). A user locked by failures from many addresses can still
// log in from an address that has not failed for that user, so an attacker cannot lock the real mechanic out.

export interface ThrottleVerdict {
  allowed: boolean;
  /** When refused: how long until the next attempt is allowed (ms). */
  retryAfterMs: number;
  /** Which count refused it. */
  by?: 'address_user' | 'user';
}

export interface LoginThrottleOptions {
  /** Failures of one user from one address before it must wait (doubling per further failure). */
  freePerAddress: number;
  /** Failures of one user from all addresses before every address that failed for it must wait. */
  freePerUser: number;
  /** The longest wait (ms). */
  maxWaitMs: number;
  /** A count untouched this long is forgotten (ms). */
  forgetAfterMs: number;
  /** Bound on remembered entries (an attacker inventing user names cannot grow memory without limit). */
  maxEntries: number;
}

export const DEFAULT_THROTTLE: LoginThrottleOptions = {
  freePerAddress: 5,
  freePerUser: 20,
  maxWaitMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
  maxEntries: 20_000,
};

interface Count {
  failures: number;
  until: number;
  last: number;
}

export class LoginThrottle {
  private readonly pairs = new Map<string, Count>();
  private readonly users = new Map<string, Count>();
  private readonly opts: LoginThrottleOptions;

  constructor(
    private readonly now: () => number,
    opts: Partial<LoginThrottleOptions> = {},
  ) {
    this.opts = { ...DEFAULT_THROTTLE, ...opts };
  }

  /** May this address try this user's password now? Ask before spending a password hash. */
  check(address: string, user: string): ThrottleVerdict {
    const now = this.now();
    const pair = this.live(this.pairs, pairKey(address, user), now);
    if (pair && pair.until > now) return { allowed: false, retryAfterMs: pair.until - now, by: 'address_user' };
    const u = this.live(this.users, user, now);
    // The user-wide lock holds only where this user has failed before: a clean address still gets in.
    if (u && u.until > now && pair && pair.failures > 0)
      return { allowed: false, retryAfterMs: u.until - now, by: 'user' };
    return { allowed: true, retryAfterMs: 0 };
  }

  failed(address: string, user: string): void {
    const now = this.now();
    this.bump(this.pairs, pairKey(address, user), this.opts.freePerAddress, now);
    this.bump(this.users, user, this.opts.freePerUser, now);
  }

  /** The right password for this user from this address: clears that pair only (not the user's count). */
  succeeded(address: string, user: string): void {
    this.pairs.delete(pairKey(address, user));
  }

  private live(map: Map<string, Count>, key: string, now: number): Count | undefined {
    const c = map.get(key);
    if (c && now - c.last > this.opts.forgetAfterMs) {
      map.delete(key);
      return undefined;
    }
    return c;
  }

  private bump(map: Map<string, Count>, key: string, free: number, now: number): void {
    const c = this.live(map, key, now) ?? { failures: 0, until: 0, last: now };
    c.failures += 1;
    c.last = now;
    if (c.failures >= free) c.until = now + Math.min(this.opts.maxWaitMs, 1000 * 2 ** (c.failures - free));
    map.delete(key); // re-inserted last: the Map's order is then least recently failed first
    map.set(key, c);
    while (map.size > this.opts.maxEntries) map.delete(map.keys().next().value as string);
  }
}

const pairKey = (address: string, user: string): string => `${address}\u0000${user}`;
