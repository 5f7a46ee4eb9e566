// Battery records owned by facts over real MQTT: a future-dated forged report does not move a battery (rejected,
// counted, its seq settled), a battery reported by two stations at once stays with its holder and raises an alert,
// it moves once the holder no longer reports it, an oversized message settles its seq so the ack moves on, and a
// future-dated forged rickshaw reading does not move a rickshaw or its odometer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { RickshawReading } from '../../contract/rickshaws.ts';
import { startTestCentral, telemetry } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;
let a: MqttClient;
let b: MqttClient;
beforeAll(async () => {
  t = await startTestCentral();
  a = await t.station('st-a');
  b = await t.station('st-b');
});
afterAll(async () => {
  await Promise.all([a.endAsync(), b.endAsync()]);
  await t.stop();
});

interface BatteryAnswer {
  stationId: string;
  dock: number;
  ts: number;
  health: { alerts: Array<{ code: string; message: string }> };
}
const battery = async (id: string): Promise<BatteryAnswer> =>
  (await (await t.http(`/api/batteries/${id}`)).json()) as BatteryAnswer;
const ack = (id: string): number => t.central.db.getStation(id)?.ackSeq ?? 0;
const send = (c: MqttClient, id: string, body: unknown) =>
  c.publishAsync(`rikscha/v1/${id}/telemetry`, JSON.stringify(body), { qos: 1 });

describe('battery records owned by facts', () => {
  it('does not move a battery on a report dated ten years ahead; the seq settles and the rejection is counted', async () => {
    await send(a, 'st-a', telemetry('st-a', 1, { batteryId: 'bat-x', ts: Date.now() }));
    await waitFor(async () => (await battery('bat-x')).stationId === 'st-a', { what: 'bat-x at st-a' });
    const forged = telemetry('st-b', 1, { batteryId: 'bat-x', ts: Date.now() + 10 * 365 * 86_400_000 });
    await send(b, 'st-b', forged);
    await waitFor(() => ack('st-b') === 1, { what: 'st-b seq 1 settled' });
    const bat = await battery('bat-x');
    expect(bat.stationId).toBe('st-a');
    expect(bat.ts).toBeLessThan(Date.now() + 60_000);
    expect(t.central.metrics.get('rikscha_messages_rejected_total', { reason: 'ts_out_of_range' })).toBe(1);
  });

  it('keeps a battery with the station that still reports it and raises an alert; it moves once that one lets go', async () => {
    await send(a, 'st-a', telemetry('st-a', 2, { batteryId: 'bat-x', ts: Date.now() }));
    await waitFor(() => ack('st-a') === 2, { what: 'st-a seq 2' });
    await send(b, 'st-b', telemetry('st-b', 2, { batteryId: 'bat-x', ts: Date.now() + 1000 }));
    await waitFor(() => ack('st-b') === 2, { what: 'st-b seq 2' });
    const bat = await battery('bat-x');
    expect(bat.stationId).toBe('st-a');
    expect(bat.health.alerts.map((x) => x.code)).toContain('claimed-twice');
    // st-a's dock 1 is empty now: the battery really went to st-b.
    const gone = telemetry('st-a', 3, { ts: Date.now() });
    const dock1 = gone.docks[0];
    if (dock1) dock1.battery = null;
    await send(a, 'st-a', gone);
    await waitFor(() => ack('st-a') === 3, { what: 'st-a seq 3' });
    await send(b, 'st-b', telemetry('st-b', 3, { batteryId: 'bat-x', ts: Date.now() }));
    await waitFor(async () => (await battery('bat-x')).stationId === 'st-b', { what: 'bat-x at st-b' });
    expect((await battery('bat-x')).health.alerts.map((x) => x.code)).not.toContain('claimed-twice');
  });

  it('settles the seq of a message rejected as too large, so the ack moves on', async () => {
    const big = { ...telemetry('st-b', 4, { ts: Date.now() }), pad: 'x'.repeat(300 * 1024) };
    await send(b, 'st-b', big);
    await send(b, 'st-b', telemetry('st-b', 5, { ts: Date.now() }));
    await waitFor(() => ack('st-b') === 5, { what: 'st-b acked past the oversized seq' });
    expect(t.central.metrics.get('rikscha_messages_rejected_total', { reason: 'too_large' })).toBe(1);
  });

  it('does not move a rickshaw or its odometer on a reading dated ten years ahead from another station', async () => {
    const hwId = '3a001b000f51313736343899';
    const reading = (tachoKm: number): RickshawReading => ({
      tachoKm,
      controllerOdometerKm: null,
      tachometerAbs: Math.round(tachoKm * 1000),
      tempMotorC: 30,
      tempFetC: 28,
      inputV: 50.2,
      ampHours: 1,
      ampHoursCharged: 0,
      wattHours: 50,
      wattHoursCharged: 0,
      fault: { code: 0, name: 'NONE' },
    });
    const event = (stationId: string, seq: number, ts: number, tachoKm: number) =>
      JSON.stringify({
        stationId,
        ts,
        seq,
        type: 'rickshaw-reading',
        severity: 'info',
        message: 'reading',
        data: { bay: 1, hwId, reading: reading(tachoKm) },
      });
    type Detail = { odometerKm: number | null; lastSeen: { stationId: string } | null };
    const rickshaw = async (): Promise<Detail | null> => {
      const res = await t.http(`/api/rickshaws/${hwId}`);
      return res.status === 200 ? ((await res.json()) as Detail) : null;
    };
    await a.publishAsync('rikscha/v1/st-a/event', event('st-a', 4, Date.now(), 120), { qos: 1 });
    const before = await waitFor(
      async () => {
        const r = await rickshaw();
        return r?.lastSeen?.stationId === 'st-a' ? r : null;
      },
      { what: 'the rickshaw at st-a' },
    );
    const forged = event('st-b', 6, Date.now() + 10 * 365 * 86_400_000, 9000);
    await b.publishAsync('rikscha/v1/st-b/event', forged, { qos: 1 });
    await waitFor(() => ack('st-b') === 6, { what: 'st-b seq 6 settled' });
    const after = await rickshaw();
    expect(after?.lastSeen?.stationId).toBe('st-a');
    expect(after?.odometerKm).toBe(before.odometerKm);
    expect(t.central.metrics.get('rikscha_messages_rejected_total', { reason: 'ts_out_of_range' })).toBe(2);
  });
});
