// Credentials: scrypt-hashed with salt, random passwords, rotation, and names that cannot clash.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/broker/helpers.ts';
import { CentralDb } from './central-db.ts';
import { Credentials, verifyPassword } from './credentials.ts';

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
