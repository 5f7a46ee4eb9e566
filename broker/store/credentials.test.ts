// Credentials: scrypt-hashed with salt, random passwords, rotation, and names that cannot clash.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/broker/helpers.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { CentralDb } from './central-db.ts';
import { Credentials, generatePassword, hashPasswordSync, verifyPassword } from './credentials.ts';

let dir: ReturnType<typeof tempDir>;
let db: CentralDb;
let creds: Credentials;
beforeEach(() => {
  dir = tempDir();
  db = new CentralDb(dir.path);
  creds = new Credentials(db, () => 42, { N: 1024, r: 8, p: 1, keylen: 32 });
});
afterEach(() => {
  db.close();
  dir.remove();
});

describe('credentials', () => {
  it('stores a salted hash, never the password', async () => {
    const pw = creds.addStation('st-a');
    expect(pw).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const row = db.getStationSecret('st-a');
    expect(row?.salt.length).toBe(16);
    expect(row?.hash.toString('utf8')).not.toContain(pw);
    expect(await verifyPassword(pw, row!)).toBe(true);
    expect(await creds.verify('st-a', pw)).toEqual({ role: 'station', stationId: 'st-a' });
    expect(await creds.verify('st-a', pw + 'x')).toBeNull();
    expect(await creds.verify('nobody', pw)).toBeNull();
  });

  it('gives two stations different salts and passwords', () => {
    const a = creds.addStation('st-a');
    const b = creds.addStation('st-b');
    expect(a).not.toBe(b);
    expect(db.getStationSecret('st-a')?.salt.equals(db.getStationSecret('st-b')!.salt)).toBe(false);
  });

  it('rotates: re-adding a station replaces its password', async () => {
    const first = creds.addStation('st-a');
    expect(creds.hasStation('st-a')).toBe(true);
    const second = creds.addStation('st-a');
    expect(await creds.verify('st-a', first)).toBeNull();
    expect(await creds.verify('st-a', second)).not.toBeNull();
  });

  it('keeps a given password, and viewers apart from stations', async () => {
    creds.addStation('st-a', { password: 'given-password' });
    expect(await creds.verify('st-a', 'given-password')).not.toBeNull();
    const v = creds.addViewer('viewer');
    expect(await creds.verify('viewer', v)).toEqual({ role: 'viewer', username: 'viewer' });
    expect(() => creds.addViewer('st-a')).toThrow(/already a station/);
    expect(() => creds.addStation('viewer')).toThrow(/already a viewer/);
    expect(() => creds.addStation('Bad Id')).toThrow();
  });
});

describe('generated passwords', () => {
  it('never start with a dash (it would read as a flag on a command line)', () => {
    const firsts = new Set(Array.from({ length: 2000 }, () => generatePassword()[0]));
    expect(firsts.has('-')).toBe(false);
    // Still random over the rest of the alphabet: 2000 draws hit nearly all 63 other first characters.
    expect(firsts.size).toBeGreaterThan(55);
  });
});

describe('schema migration to v2 (the mechanic role)', () => {
  it('keeps the users of a v1 store and then accepts mechanics', async () => {
    const params = { N: 1024, r: 8, p: 1, keylen: 32 };
    const v1dir = tempDir();
    try {
      // A store as version 1 left it: the role CHECK allowed viewers only, and one viewer exists.
      const secret = hashPasswordSync('viewer-pw', params);
      const old = new Database(join(v1dir.path, 'central.sqlite'));
      old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE users (username TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('viewer')), salt BLOB NOT NULL,
          hash BLOB NOT NULL, params TEXT NOT NULL, created_at INTEGER NOT NULL);`);
      old
        .prepare("INSERT INTO users VALUES ('olga', 'viewer', ?, ?, ?, 1)")
        .run(secret.salt, secret.hash, secret.params);
      expect(() => old.prepare("INSERT INTO users VALUES ('max', 'mechanic', x'00', x'00', '{}', 1)").run()).toThrow(
        /CHECK/,
      );
      old.close();

      const migrated = new CentralDb(v1dir.path);
      try {
        expect(migrated.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
          String(SCHEMA_VERSION),
        );
        const c = new Credentials(migrated, () => 2, params);
        expect(await c.verify('olga', 'viewer-pw')).toEqual({ role: 'viewer', username: 'olga' });
        const pw = c.addUser('max', 'mechanic');
        expect(await c.verify('max', pw)).toEqual({ role: 'mechanic', username: 'max' });
        // The other tables of the schema are there too (created for what v1 lacked).
        expect(migrated.listStations()).toEqual([]);
        // v4: the rental desk's tables.
        expect(migrated.db.prepare('SELECT count(*) FROM rental_bookings').pluck().get()).toBe(0);
      } finally {
        migrated.close();
      }
      // Opening again is a no-op, and a store newer than the code is refused.
      const again = new CentralDb(v1dir.path);
      again.db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
      again.close();
      expect(() => new CentralDb(v1dir.path)).toThrow(/schema version 99 is newer/);
    } finally {
      v1dir.remove();
    }
  });
});
