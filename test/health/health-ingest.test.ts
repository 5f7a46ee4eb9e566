// Charge sessions through the real central (Aedes, ingester, SQLite, HTTP): stored once, combined into the pack's
// estimates and served at GET /api/batteries/<id>; a pack without sessions says "not enough data", never 0.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batteryViewSchema } from '../../contract/http-api.ts';
import type { StationEvent } from '../../contract/messages.ts';
import { startTestCentral, status, telemetry } from '../broker/helpers.ts';
import { waitFor } from '../support/wait-for.ts';
import { chargeSession } from './fixtures.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;

function sessionEvent(seq: number, data: unknown): string {
  const e: StationEvent = {
    stationId: 'st-a',
    ts: 1_700_000_000_000 + seq * 1000,
    seq,
    type: 'charge-session',
    severity: 'info',
    dock: 1,
    message: 'charge session',
    data: data as Record<string, unknown>,
  };
  return JSON.stringify(e);
}

beforeAll(async () => {
  t = await startTestCentral();
  const a = await t.station('st-a');
  await a.publishAsync('rikscha/v1/st-a/status', status('st-a', true), { qos: 1, retain: true });
  await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', 1, { batteryId: 'BAT-H' })), {
    qos: 1,
  });
  // Battery rows come from the newest telemetry of a batch: the second pack's reading waits for the first's ack.
  await waitFor(() => t.central.db.getStation('st-a')?.ackSeq === 1, { what: 'seq 1 acked' });
  await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', 2, { batteryId: 'BAT-N' })), {
    qos: 1,
  });
  await a.publishAsync('rikscha/v1/st-a/event', sessionEvent(3, chargeSession('BAT-H', 1)), { qos: 1 });
  await a.publishAsync('rikscha/v1/st-a/event', sessionEvent(4, chargeSession('BAT-H', 2)), { qos: 1 });
  // A re-sent copy (same seq) and a session whose data breaks its schema: neither may count.
  await a.publishAsync('rikscha/v1/st-a/event', sessionEvent(4, chargeSession('BAT-H', 2)), { qos: 1 });
  await a.publishAsync('rikscha/v1/st-a/event', sessionEvent(5, { ...chargeSession('BAT-H', 3), chargedAh: 'x' }), {
    qos: 1,
  });
  await waitFor(() => t.central.db.getStation('st-a')?.ackSeq === 5, { what: 'seq 5 acked' });
  await a.endAsync();
});
afterAll(async () => {
  await t.stop();
});

describe('battery health on the central side', () => {
  it('serves the combined estimates with method, uncertainty and session count', async () => {
    const res = await t.http('/api/batteries/BAT-H');
    expect(res.status).toBe(200);
    const b = batteryViewSchema.parse(await res.json());
    const e = b.estimates;
    if (!e) throw new Error('no estimates');
    expect(e.stateOfHealth).toMatchObject({ status: 'ok', unit: '%', sessions: 2 });
    expect(e.stateOfHealth.value).toBeCloseTo(90, 1);
    expect(e.stateOfHealth.uncertainty).toBeGreaterThan(0);
    expect(e.stateOfHealth.method).toMatch(/rested open-circuit/);
    expect(e.internalResistance.value).toBeCloseTo(150, 1);
    expect(e.internalResistance.first).toBeCloseTo(150, 1);
    expect(e.equivalentCycles.value).toBeCloseTo((2 * 9.5) / 14, 3);
    expect(e.sessions).toBe(2);
    expect(b.health.stateOfHealthPct).toBeCloseTo(90, 1);
    expect(b.health.internalResistanceMOhm).toBeCloseTo(150, 1);
  });

  it('says not enough data, with null values, for a pack with no session', async () => {
    const b = batteryViewSchema.parse(await (await t.http('/api/batteries/BAT-N')).json());
    expect(b.health.stateOfHealthPct).toBeNull();
    expect(b.health.internalResistanceMOhm).toBeNull();
    expect(b.estimates?.stateOfHealth).toMatchObject({ status: 'not-enough-data', value: null });
    expect(b.estimates?.stateOfHealth.reason).toMatch(/no charge session/);
  });

  it('lists the estimate columns for every battery', async () => {
    const list = (await (await t.http('/api/batteries')).json()) as {
      items: Array<{ batteryId: string; health: { stateOfHealthPct: number | null } }>;
    };
    const byId = new Map(list.items.map((i) => [i.batteryId, i.health.stateOfHealthPct]));
    expect(byId.get('BAT-H')).toBeCloseTo(90, 1);
    expect(byId.get('BAT-N')).toBeNull();
  });
});
