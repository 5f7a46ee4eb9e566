// Station and user (viewer, mechanic) credentials: random passwords shown once, stored as scrypt(salt, password) in the central
// store, verified with a constant-time compare. scrypt runs on libuv's pool so a login never blocks the event loop.

import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { stationIdSchema } from '../../contract/messages.ts';
import { HashLimiter } from '../auth/hash-limiter.ts';
import type { CentralDb, SecretRow } from './central-db.ts';
import type { UserRole } from './schema.ts';

interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

/** N=2^14, r=8: ~16 MB and a few tens of ms per hash; enough for random 24-character passwords. */
const DEFAULT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1, keylen: 32 };

export type Principal = { role: 'station'; stationId: string } | { role: UserRole; username: string };

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      params.keylen,
      { N: params.N, r: params.r, p: params.p, maxmem: 64 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/**
 * 18 random bytes as base64url: 24 characters, safe inside an mqtt:// URL without escaping. Never starting with
 * '-': pasted after a command-line flag, such a password reads as another flag (it made a test fail 1 run in 64).
 */
export function generatePassword(): string {
  for (;;) {
    const pw = randomBytes(18).toString('base64url');
    if (!pw.startsWith('-')) return pw;
  }
}

/** Synchronous, for start-up and admin commands only (a few tens of ms); logins use the async path. */
export function hashPasswordSync(password: string, params: ScryptParams = DEFAULT_PARAMS): SecretRow {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, params.keylen, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 64 * 1024 * 1024,
  });
  return { salt, hash, params: JSON.stringify(params) };
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<SecretRow> {
  const salt = randomBytes(16);
  return { salt, hash: await derive(password, salt, params), params: JSON.stringify(params) };
}

export async function verifyPassword(password: string, secret: SecretRow): Promise<boolean> {
  const params = JSON.parse(secret.params) as ScryptParams;
  const key = await derive(password, secret.salt, params);
  return key.length === secret.hash.length && timingSafeEqual(key, secret.hash);
}

export class Credentials {
  // Hashed once so that an unknown user costs the same scrypt as a known one (no user enumeration by timing).
  private dummySecret: Promise<SecretRow> | null = null;

  constructor(
    private readonly db: CentralDb,
    private readonly now: () => number,
    private readonly params: ScryptParams = DEFAULT_PARAMS,
    /** Bounds the hashes running at once, so logins cannot take the whole thread pool from file reads. */
    readonly limiter: HashLimiter = new HashLimiter(),
  ) {}

  hasStation(stationId: string): boolean {
    return this.db.getStationSecret(stationId) !== undefined;
  }

  /**
   * Registers a station, or gives an existing one a new password (the old one stops working), and returns the
   * password to hand out (shown once): `opts.password` if given, else a generated one. Use hasStation() first
   * when an existing station must keep its password.
   */
  addStation(stationId: string, opts: { password?: string } = {}): string {
    stationIdSchema.parse(stationId);
    if (this.db.getUserSecret(stationId)) throw new Error(`"${stationId}" is already a viewer user name`);
    const password = opts.password ?? generatePassword();
    this.db.setStationSecret(stationId, hashPasswordSync(password, this.params), this.now());
    return password;
  }

  /** Creates a read-only viewer, or gives an existing user that role and a new password; returns the password. */
  addViewer(username: string, opts: { password?: string } = {}): string {
    return this.addUser(username, 'viewer', opts);
  }

  /** Creates a user of a role (or gives an existing one that role and a new password); returns the password. */
  addUser(username: string, role: UserRole, opts: { password?: string } = {}): string {
    if (!USERNAME.test(username)) throw new Error(`user name "${username}": letters, digits, . _ -, up to 63`);
    if (this.db.getStationSecret(username)) throw new Error(`"${username}" is already a station id`);
    const password = opts.password ?? generatePassword();
    this.db.setUserSecret(username, role, hashPasswordSync(password, this.params), this.now());
    return password;
  }

  /**
   * Who these credentials belong to, or null. Always spends one scrypt, found or not, within the limiter: throws
   * BusyError when too many logins are waiting already.
   */
  verify(username: string, password: string): Promise<Principal | null> {
    return this.limiter.run(() => this.verifyNow(username, password));
  }

  private async verifyNow(username: string, password: string): Promise<Principal | null> {
    const station = this.db.getStationSecret(username);
    const user = station ? undefined : this.db.getUserSecret(username);
    const secret = station ?? user;
    if (!secret) {
      this.dummySecret ??= hashPassword('not-a-password', this.params);
      await verifyPassword(password, await this.dummySecret);
      return null;
    }
    if (!(await verifyPassword(password, secret))) return null;
    return station ? { role: 'station', stationId: username } : { role: user?.role ?? 'viewer', username };
  }
}
