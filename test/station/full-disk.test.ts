// A full disk (the station database at its PRAGMA max_page_count, which is how SQLite sees a full filesystem):
// the charge loop and its safety keep running and an over-temperature still switches the charger off on the wire;
// history goes first, telemetry that finds no room is dropped and counted, events are still stored, and each kind
// of failure is logged once per period, not once per sample.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManualStation, type ManualStation } from '../support/manual-station.ts';

const ID = 'full-disk';
let rig: ManualStation;
const lines: { level: number; msg: string; [k: string]: unknown }[] = [];

/** Ticks until `done` holds, at most `max` ticks; fails naming what it waited for. */
async function ticksUntil(done: () => boolean, what: string, max: number): Promise<number> {
  for (let i = 0; i < max; i++) {
    if (done()) return i;
    await rig.ticks(1);
  }
  throw new Error(`${what}: not within ${max} ticks; store ${JSON.stringify(rig.station.store.counters)}`);
}

const warnings = (msg: string) => lines.filter((l) => l.msg === msg);
// What the simulated Riden holds: only a Modbus write on its line changes it.
const outputOn = () => rig.sim.dock(1).dock.charger.getSetpoints().outputOn;

beforeAll(async () => {
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[0]) });
  rig = await startManualStation(ID, {}, log);
  await ticksUntil(() => outputOn() && rig.station.docks()[0]?.state === 'charging', 'dock 1 charging', 1200);
  await rig.ticks(300); // half a minute of history and telemetry
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe('a full disk', () => {
  it('keeps the loop and the safety running, drops history first and keeps events', async () => {
    const { station } = rig;
    const db = station.db;
    const historyBefore = db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
    expect(historyBefore).toBeGreaterThan(10);
    // The file may not grow by a single page from here on.
    db.pragma(`max_page_count = ${String(db.pragma('page_count', { simple: true }))}`);

    await ticksUntil(() => station.store.counters.telemetryDropped > 0, 'telemetry dropped', 6000);
    const counters = station.store.counters;
    // The oldest history went to make room (what is left is the few samples written into the pages it freed).
    expect(counters.historyRowsFreed).toBeGreaterThanOrEqual(historyBefore);
    expect(db.prepare('SELECT count(*) FROM readings').pluck().get()).toBeLessThan(5);
    // History writes fail once the page its freed rows left is full again (a 1-dock sample is small).
    await ticksUntil(() => station.store.counters.historyWritesFailed > 0, 'history write failed', 3000);

    // Twenty more telemetry periods on a full disk: each failure counted, one warning per kind and minute.
    const dropped = counters.telemetryDropped;
    const historyFailed = counters.historyWritesFailed;
    const droppedWarnings = warnings('station database full: telemetry not stored').length;
    await rig.ticks(200);
    expect(counters.telemetryDropped).toBeGreaterThanOrEqual(dropped + 15);
    expect(counters.historyWritesFailed).toBeGreaterThanOrEqual(historyFailed + 15);
    // One line per minute: at most one more in these 20 s, however many failed.
    expect(warnings('station database full: telemetry not stored').length - droppedWarnings).toBeLessThanOrEqual(1);
    expect(warnings('station database full: history not written').length).toBeLessThanOrEqual(2);
    const perMinute = (counters.telemetryDropped * 1000) / 60_000 + 1;
    expect(warnings('station database full: telemetry not stored').length).toBeLessThanOrEqual(perMinute);

    // The pack overheats: the loop switches the charger off on the wire, and the fault event is stored.
    const seqBefore = station.outbox.lastSeq();
    const errorsBefore = station.loop.stats.snapshot().errors;
    expect(outputOn()).toBe(true);
    rig.sim.dock(1).dock.pack.forceTemperature(65);
    await ticksUntil(() => !outputOn(), 'the charger switched off by the loop', 100);
    await ticksUntil(() => station.docks()[0]?.state === 'fault', 'dock 1 in fault', 100);
    await rig.ticks(5);
    const stored = (
      db.prepare("SELECT payload FROM outbox WHERE kind = 'event' AND seq > ?").pluck().all(seqBefore) as string[]
    ).map((p) => JSON.parse(p) as { type: string; severity: string; dock?: number; message: string });
    expect(stored.filter((e) => e.severity === 'fault' && e.dock === 1).length).toBeGreaterThan(0);

    // Events keep their place while telemetry cannot find any.
    const seqs = Array.from({ length: 20 }, (_, i) =>
      station.raise({ type: 'disk-test', severity: 'info', message: `event ${i} on a full disk` }),
    );
    expect(seqs.every((s) => s > 0)).toBe(true);
    expect(counters.reserveReleased).toBeGreaterThan(0);

    // The loop never failed a tick and still ticks.
    const ticks = station.loop.stats.snapshot().ticks;
    await rig.ticks(20);
    expect(station.loop.stats.snapshot().ticks).toBeGreaterThanOrEqual(ticks + 19);
    expect(station.loop.stats.snapshot().errors).toBe(errorsBefore);
    if (process.env.DEBUG_FULL_DISK)
      console.log(
        counters,
        lines.filter((l) => l.level >= 40),
      );
  }, 120_000);
});
