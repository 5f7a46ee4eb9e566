// The ACL rules as a table, and authentication outcomes (with real scrypt credentials in a temp store).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/broker/helpers.ts';
import { CentralDb } from '../store/central-db.ts';
import { Credentials } from '../store/credentials.ts';
import { AccessControl, type Identity } from './access-control.ts';

const A: Identity = { role: 'station', stationId: 'st-a' };
const V: Identity = { role: 'viewer', username: 'viewer' };
const I: Identity = { role: 'ingester', username: 'ingest' };

describe('ACL', () => {
  const acl = new AccessControl({} as Credentials);
  it.each([
    [A, 'rikscha/v1/st-a/telemetry', true],
    [A, 'rikscha/v1/st-a/event', true],
    [A, 'rikscha/v1/st-a/status', true],
    [A, 'rikscha/v1/st-a/cmd/stop/result', true],
    [A, 'rikscha/v1/st-a/ack', false],
    [A, 'rikscha/v1/st-a/cmd/stop', false],
    [A, 'rikscha/v1/st-b/telemetry', false],
    [A, 'rikscha/v1/st-a/other', false],
    [A, '$SYS/broker/x', false],
    [A, 'elsewhere', false],
    [V, 'rikscha/v1/st-a/telemetry', false],
    [I, 'rikscha/v1/st-a/ack', true],
    [I, 'rikscha/v1/st-a/telemetry', false],
  ])('publish %o to %s: %s', (who, topic, allowed) => {
    expect(acl.canPublish(who, topic)).toBe(allowed);
  });

  it.each([
    [A, 'rikscha/v1/st-a/ack', true],
    [A, 'rikscha/v1/st-a/cmd/#', true],
    [A, 'rikscha/v1/st-a/cmd/+', true],
    [A, 'rikscha/v1/st-a/cmd/', false],
    [A, 'rikscha/v1/st-b/cmd/#', false],
    [A, 'rikscha/v1/+/cmd/#', false],
    [A, 'rikscha/v1/st-a/#', false],
    [A, 'rikscha/v1/#', false],
    [A, '#', false],
    [V, 'rikscha/v1/#', true],
    [V, 'rikscha/v1/+/telemetry', true],
    [V, '#', false],
    [V, '$SYS/#', false],
    [V, 'other/#', false],
    [I, '$share/ingest/rikscha/v1/+/telemetry', false],
    [I, 'rikscha/v1/+/telemetry', true],
  ])('subscribe %o to %s: %s', (who, filter, allowed) => {
    expect(acl.canSubscribe(who, filter)).toBe(allowed);
  });

  it("keeps the sessions of stations and the ingester, never a viewer's", () => {
    expect(acl.keepsSession(V)).toBe(false);
    expect(acl.keepsSession(A)).toBe(true);
    expect(acl.keepsSession(I)).toBe(true);
  });
});

describe('authentication', () => {
  const dir = tempDir();
  let db: CentralDb;
  let acl: AccessControl;
  let stationPw = '';
  let viewerPw = '';
  beforeAll(() => {
    db = new CentralDb(dir.path);
    const creds = new Credentials(db, () => 1, { N: 1024, r: 8, p: 1, keylen: 32 });
    stationPw = creds.addStation('st-a');
    viewerPw = creds.addViewer('viewer');
    acl = new AccessControl(creds, { username: 'ingest', password: 'internal-secret' });
  });
  afterAll(() => {
    db.close();
    dir.remove();
  });

  it('lets a station in with its id as username and client id', async () => {
    expect(await acl.authenticate('st-a', 'st-a', Buffer.from(stationPw), 'tcp')).toEqual({ ok: true, identity: A });
  });
  it('refuses a station under another client id', async () => {
    expect(await acl.authenticate('other', 'st-a', Buffer.from(stationPw), 'tcp')).toMatchObject({
      ok: false,
      returnCode: 2,
    });
  });
  it('refuses a wrong password, an unknown user and anonymous', async () => {
    expect(await acl.authenticate('st-a', 'st-a', Buffer.from('wrong'), 'tcp')).toMatchObject({
      ok: false,
      returnCode: 4,
    });
    expect(await acl.authenticate('x', 'nobody', Buffer.from(stationPw), 'tcp')).toMatchObject({
      ok: false,
      returnCode: 4,
    });
    expect(await acl.authenticate('x', undefined, undefined, 'tcp')).toMatchObject({
      ok: false,
      returnCode: 5,
      reason: 'anonymous',
    });
  });
  it('lets viewers in over WebSocket, but not stations', async () => {
    expect(await acl.authenticate('viewer:web-1', 'viewer', Buffer.from(viewerPw), 'ws')).toEqual({
      ok: true,
      identity: V,
    });
    expect(await acl.authenticate('st-a', 'st-a', Buffer.from(stationPw), 'ws')).toMatchObject({
      ok: false,
      returnCode: 5,
    });
  });
  it('knows the internal ingester identity', async () => {
    expect(await acl.authenticate('ingest:1', 'ingest', Buffer.from('internal-secret'), 'tcp')).toEqual({
      ok: true,
      identity: I,
    });
    expect(await acl.authenticate('ingest', 'ingest', Buffer.from('internal-secreT'), 'tcp')).toMatchObject({
      ok: false,
    });
  });
  it("binds every login's client ids to its name: a viewer cannot take a station's (or another user's) id", async () => {
    const pw = Buffer.from(viewerPw);
    for (const id of ['st-a', 'viewer2', 'viewerx', 'ingest', 'mqttjs_1234', 'viewer-1'])
      expect(await acl.authenticate(id, 'viewer', pw, 'tcp')).toMatchObject({
        ok: false,
        returnCode: 2,
        reason: 'client_id_mismatch',
      });
    for (const id of ['viewer', 'viewer:', 'viewer:phone'])
      expect(await acl.authenticate(id, 'viewer', pw, 'tcp')).toEqual({ ok: true, identity: V });
    // An empty client id: the broker made one up, which cannot be anybody else's.
    expect(await acl.authenticate('aedes_x', 'viewer', pw, 'tcp', { generatedId: true })).toEqual({
      ok: true,
      identity: V,
    });
    expect(await acl.authenticate('ing', 'ingest', Buffer.from('internal-secret'), 'tcp')).toMatchObject({
      ok: false,
      reason: 'client_id_mismatch',
    });
  });
});
