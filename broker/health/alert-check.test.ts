// Alerts fire once when their trigger is crossed, stay quiet while it stays crossed (and in the band between trigger
// and clear), and clear with a recovery message; a missing pack and a silent station raise one alert each.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatteryEstimates, ChargeSession } from '../../contract/battery-health.ts';
import { chargeSession } from '../../test/health/fixtures.ts';
import { CentralDb } from '../store/central-db.ts';
import { alertConfigSchema } from './alert-config.ts';
import { AlertCheck } from './alert-check.ts';
import { batteryJudgements } from './alert-rules.ts';
import { AlertStore, type Transition } from './alert-store.ts';
import { estimateHealth } from './estimates.ts';
import { HealthStore } from './health-store.ts';

const cfg = alertConfigSchema.parse({});
const DAY = 86_400_000;
const T0 = 1_700_000_000_000;

let dir: string;
let db: CentralDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rikscha-alerts-'));
  db = new CentralDb(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function withEstimates(over: Partial<Record<'soh' | 'r' | 'first', number>>): BatteryEstimates {
  const e = estimateHealth([]);
  const ok = (value: number) => ({ ...e.stateOfHealth, status: 'ok' as const, value });
  return {
    ...e,
    sessions: 5,
    stateOfHealth: over.soh === undefined ? e.stateOfHealth : ok(over.soh),
    internalResistance: {
      ...(over.r === undefined ? e.internalResistance : { ...ok(over.r), unit: 'mΩ' }),
      first: over.first ?? null,
    },
  };
}

/** Runs a series of judgements of one rule through the store; the transitions per step. */
function series(code: string, steps: Array<{ e: BatteryEstimates; sessions?: ChargeSession[] }>): Transition[] {
  const store = new AlertStore(db.db);
  return steps.map(({ e, sessions }, k) => {
    const j = batteryJudgements(e, sessions ?? [], cfg, T0 + k * DAY)[code];
    if (!j) throw new Error(`no rule ${code}`);
    return store.apply('battery', 'P1', code, j, T0 + k * DAY);
  });
}

const kinds = (ts: Transition[]) => ts.map((t) => t?.kind ?? null);

describe('alert hysteresis', () => {
  it('state of health under 80 %: once, not again while under, not cleared at 81, cleared at 83', () => {
    const t = series(
      'soh-replace',
      [85, 79, 78, 79.5, 81, 83, 83].map((soh) => ({ e: withEstimates({ soh }) })),
    );
    expect(kinds(t)).toEqual([null, 'raised', null, null, null, 'cleared', null]);
    expect(t[1]?.alert.message).toMatch(/79\.0 %, below 80 %/);
    expect(t[1]?.alert.action).toMatch(/Plan a replacement/);
    expect(t[5]?.alert.recovery).toMatch(/83\.0 % again/);
  });

  it('state of health under 70 %: retire, as a fault', () => {
    const t = series(
      'soh-retire',
      [75, 69, 68, 73].map((soh) => ({ e: withEstimates({ soh }) })),
    );
    expect(kinds(t)).toEqual([null, 'raised', null, 'cleared']);
    expect(t[1]?.alert.severity).toBe('fault');
    expect(t[1]?.alert.action).toMatch(/Retire the pack/);
  });

  it('not enough data is no recovery: an open alert stays', () => {
    const t = series('soh-replace', [{ e: withEstimates({ soh: 75 }) }, { e: withEstimates({}) }]);
    expect(kinds(t)).toEqual(['raised', null]);
    expect(new AlertStore(db.db).openAlerts()).toHaveLength(1);
  });

  it('resistance up more than 50 % from the first measurement', () => {
    const t = series(
      'resistance-rise',
      [120, 160, 170, 145, 130].map((r) => ({ e: withEstimates({ r, first: 100 }) })),
    );
    expect(kinds(t)).toEqual([null, 'raised', null, null, 'cleared']);
    expect(t[1]?.alert.message).toMatch(/60\.0 % above its first measurement/);
  });

  it('a drifting cell: only after three full charges in a row above 40 mV', () => {
    const s = (k: number, mv: number) =>
      chargeSession('P1', k, { imbalance: { restStartMv: 10, endOfChargeMv: mv, highCell: 6, lowCell: 2 } });
    const hist: ChargeSession[] = [];
    const steps = [30, 45, 50, 60, 65, 30, 20].map((mv, k) => {
      hist.push(s(k, mv));
      return { e: withEstimates({}), sessions: [...hist] };
    });
    const t = series('cell-drift', steps);
    expect(kinds(t)).toEqual([null, null, null, 'raised', null, null, 'cleared']);
    expect(t[3]?.alert.message).toMatch(/Cell 6 keeps drifting/);
  });

  it('repeated over-temperature: three hot sessions within a week', () => {
    const hot = (k: number, aboveHotS: number) =>
      chargeSession('P1', k, { temperature: { ...chargeSession('P1', k).temperature, aboveHotS } });
    const hist: ChargeSession[] = [];
    const steps = [600, 0, 300, 900, 1200, 0, 0, 0, 0, 0, 0, 0, 0, 0].map((s, k) => {
      hist.push(hot(k, s));
      return { e: withEstimates({}), sessions: [...hist] };
    });
    const t = series('over-temperature', steps);
    // The check runs at T0 + k days; sessions end at T0 + k days + 3 h (the fixture), inside the 7-day window.
    expect(kinds(t).filter((k) => k !== null)).toEqual(['raised', 'cleared']);
    expect(kinds(t).indexOf('raised')).toBe(3);
    expect(kinds(t).indexOf('cleared')).toBe(12); // the last hot session (day 4) left the 7-day window
  });
});

describe('AlertCheck', () => {
  it('raises one "missing" alert for a pack not seen for 3 days, and clears when it is back', () => {
    db.upsertBattery('P9', 'st-a', 2, T0, 1, JSON.stringify({}), null);
    const health = new HealthStore(db.db);
    const check = new AlertCheck(db.db, health, cfg, pino({ level: 'silent' }));
    expect(check.check(T0 + 1 * DAY)).toEqual([]);
    const raised = check.check(T0 + 3.5 * DAY);
    expect(raised.map((t) => [t.kind, t.alert.code])).toEqual([['raised', 'missing']]);
    expect(raised[0]?.alert.message).toMatch(/not been seen at any station for 3\.5 days \(last at st-a dock 2\)/);
    expect(check.check(T0 + 4 * DAY)).toEqual([]);
    expect(check.check(T0 + 10 * DAY)).toEqual([]);
    db.upsertBattery('P9', 'st-b', 1, T0 + 10 * DAY, 5, JSON.stringify({}), null);
    const back = check.check(T0 + 10 * DAY + 1000);
    expect(back.map((t) => [t.kind, t.alert.code])).toEqual([['cleared', 'missing']]);
    expect(back[0]?.alert.recovery).toMatch(/seen at st-b dock 1/);
  });

  it('a retired pack is never missing', () => {
    db.upsertBattery('P8', 'st-a', 1, T0, 1, JSON.stringify({}), null);
    const check = new AlertCheck(db.db, new HealthStore(db.db), cfg, pino({ level: 'silent' }), (id) => id === 'P8');
    expect(check.check(T0 + 30 * DAY)).toEqual([]);
  });

  it('raises "no data" once for a silent station and clears when it speaks again', () => {
    db.ensureStation('st-q', T0);
    const row = db.getStation('st-q');
    if (!row) throw new Error('no station');
    db.updateStation({ ...row, lastSeen: T0 });
    const check = new AlertCheck(db.db, new HealthStore(db.db), cfg, pino({ level: 'silent' }));
    expect(check.check(T0 + 5 * 60_000)).toEqual([]);
    expect(check.check(T0 + 20 * 60_000).map((t) => [t.kind, t.alert.code])).toEqual([['raised', 'no-data']]);
    expect(check.check(T0 + 60 * 60_000)).toEqual([]);
    db.updateStation({ ...row, lastSeen: T0 + 61 * 60_000 });
    expect(check.check(T0 + 62 * 60_000).map((t) => t.kind)).toEqual(['cleared']);
  });

  it('state of health from stored sessions raises replace and retire together, once', () => {
    db.upsertBattery('P7', 'st-a', 1, T0 + 5 * DAY, 1, JSON.stringify({}), null);
    const health = new HealthStore(db.db);
    const cap = (ah: number) => ({
      ah,
      sigmaAh: 0.05,
      windowPct: 70,
      weakestCell: 1,
      startRestS: 3600,
      endRestS: 1800,
    });
    for (let k = 0; k < 3; k++) health.addSession('st-a', k + 1, chargeSession('P7', k, { capacity: cap(9.5) }));
    const check = new AlertCheck(db.db, health, cfg, pino({ level: 'silent' }));
    const first = check.check(T0 + 5 * DAY);
    expect(first.map((t) => t.alert.code).sort()).toEqual(['soh-replace', 'soh-retire']);
    expect(check.check(T0 + 5 * DAY + 60_000)).toEqual([]);
  });
});
