// Work records through the real parts: a mechanic (HTTP Basic) records work on a pack, which shows in its passport;
// without a login the record is refused; a `retired` record reaches the station, which then blocks the pack
// (quarantined as retire, do-not-dispatch) and says so in its telemetry.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Central } from '../../broker/central.ts';
import { passportSchema, workRecordSchema } from '../../contract/battery-health.ts';
import { faultCodeFor } from '../../contract/fault-codes.ts';
import { stationListSchema } from '../../contract/http-api.ts';
import { startSimStationRig, type SimStationRig } from '../support/sim-station-rig.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: process.env.DEBUG_RETIRE ? 'debug' : 'silent' });
const ID = 'retire-test';
let rig: SimStationRig;
let central: Central;
let auth: string;

const http = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${central.httpPort}${path}`, init);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  http(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  rig = await startSimStationRig({
    prefix: 'rikscha-retire-',
    stationId: ID,
    log,
    // Both full: resting packs are judged at once, so the retirement shows without waiting for a charge to end.
    packs: [1, 2].map((dock) => ({ dock, batteryId: `R-${dock}`, socPct: 100 })),
    seed: 3,
    station: { telemetryIntervalMs: 200 },
  });
  ({ central } = rig);
  const mechPassword = central.addMechanic('mech');
  auth = `Basic ${Buffer.from(`mech:${mechPassword}`).toString('base64')}`;
  await waitFor(async () => (await http('/api/batteries/R-2')).status === 200, { what: 'R-2 known centrally' });
});

afterAll(async () => {
  await rig?.stop();
});

async function dock(n: number) {
  const list = stationListSchema.parse(await (await http('/api/stations')).json());
  return list.items.find((s) => s.stationId === ID)?.docks.find((d) => d.dock === n);
}

describe('work records and retirement', () => {
  it('refuses a work record without a login', async () => {
    const res = await post('/api/batteries/R-1/work-records', { kind: 'inspected' });
    expect(res.status).toBe(401);
    const p = passportSchema.parse(await (await http('/api/batteries/R-1/passport')).json());
    expect(p.workRecords).toEqual([]);
  });

  it('refuses a record of an unknown kind, with the field named', async () => {
    const res = await post('/api/batteries/R-1/work-records', { kind: 'painted' }, { authorization: auth });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^kind:/);
  });

  it('stores a mechanic’s record with who and when; the passport shows it', async () => {
    const res = await post(
      '/api/batteries/R-1/work-records',
      { kind: 'cell-rebalanced', note: 'cell 4 high' },
      { authorization: auth },
    );
    expect(res.status).toBe(201);
    const rec = workRecordSchema.parse(await res.json());
    expect(rec).toMatchObject({ batteryId: 'R-1', by: 'mech', kind: 'cell-rebalanced', note: 'cell 4 high' });
    const p = passportSchema.parse(await (await http('/api/batteries/R-1/passport')).json());
    expect(p.workRecords.map((w) => w.kind)).toEqual(['cell-rebalanced']);
    expect(p.retired).toBe(false);
    expect(p.estimates.stateOfHealth.status).toBe('not-enough-data');
  });

  it('retiring a pack makes its station block it', async () => {
    expect((await dock(2))?.doNotDispatch ?? false).toBe(false);
    const res = await post('/api/batteries/R-2/work-records', { kind: 'retired' }, { authorization: auth });
    expect(res.status).toBe(201);
    const blocked = await waitFor(
      async () => {
        const d = await dock(2);
        return d?.doNotDispatch === true && d.code === faultCodeFor('quarantine:retire').code ? d : undefined;
      },
      { what: 'dock 2 blocked as retire' },
    );
    expect(blocked.reason).toMatch(/flagged for retirement/);
    expect(blocked.state).toBe('fault');
    expect((await dock(1))?.doNotDispatch ?? false).toBe(false);
    const p = passportSchema.parse(await (await http('/api/batteries/R-2/passport')).json());
    expect(p.retired).toBe(true);
  });
});
