// Work records through the real parts: a mechanic (HTTP Basic) records work on a pack, which shows in its passport;
// without a login the record is refused; a `retired` record reaches the station, which then blocks the pack
// (quarantined as retire, do-not-dispatch) and says so in its telemetry.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { passportSchema, workRecordSchema } from '../../contract/battery-health.ts';
import { faultCodeFor } from '../../contract/fault-codes.ts';
import { stationListSchema } from '../../contract/http-api.ts';
import { systemClock } from '../../lib/clock.ts';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { startStation, type StationHandle } from '../../station/station.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: process.env.DEBUG_RETIRE ? 'debug' : 'silent' });
const ID = 'retire-test';
let dir: string;
let central: Central;
let sim: SimStation;
let station: StationHandle;
let auth: string;

const http = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${central.httpPort}${path}`, init);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  http(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rikscha-retire-'));
  central = await startCentral({
    dataDir: join(dir, 'central'),
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: log,
  });
  const password = central.addStation(ID);
  const mechPassword = central.addMechanic('mech');
  auth = `Basic ${Buffer.from(`mech:${mechPassword}`).toString('base64')}`;
  sim = new SimStation({
    stationId: ID,
    // Both full: resting packs are judged at once, so the retirement shows without waiting for a charge to end.
    docks: [1, 2].map((dock) => ({
      dock,
      batteryId: `R-${dock}`,
      pack: { series: 13 as const, socPct: 100, seed: dock },
      charger: { unit: 1 },
    })),
    clock: systemClock,
    speed: 1,
    seed: 3,
  });
  await sim.start();
  const config = parseStationConfig({
    stationId: ID,
    dataDir: join(dir, 'station'),
    mqtt: { url: `mqtt://127.0.0.1:${central.mqttPort}` },
    telemetryIntervalMs: 200,
    docks: [1, 2].map((dock) => ({
      dock,
      bms: { type: 'jbd', port: sim.bmsAddress(dock) },
      charger: { type: 'riden', port: sim.chargerAddress(dock) ?? undefined, unit: 1 },
    })),
  });
  station = await startStation(config, { clock: systemClock, log, password });
  await waitFor(async () => (await http('/api/batteries/R-2')).status === 200, { what: 'R-2 known centrally' });
});

afterAll(async () => {
  await station?.stop();
  await sim?.stop();
  await central?.close();
  rmSync(dir, { recursive: true, force: true });
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
