// The session tracker on the pack model: capacity and resistance against the model's truth for one pack over a few
// days, and the honest "why not" of sessions that cannot measure (no rest before the charge, pulled out early).

import { describe, expect, it } from 'vitest';
import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargeSession } from '../../contract/battery-health.ts';
import { fleetScenario } from '../../hardware/scenario/fleet-scenario.ts';
import { FleetPackRun } from '../../hardware/scenario/fleet-days.ts';
import { healthConfigSchema } from './health-config.ts';
import { SessionTracker } from './session-tracker.ts';

const cfg = healthConfigSchema.parse({});

function reading(over: Partial<BmsReading>): BmsReading {
  return {
    id: 'pack-1',
    voltageV: 48,
    currentA: 0,
    socPct: 30,
    remainingAh: 4,
    nominalAh: 10,
    cycles: 12,
    cellsV: Array.from({ length: 13 }, () => 3.65),
    tempsC: [25, 25],
    protection: [],
    chargeFetOn: true,
    dischargeFetOn: true,
    balancing: [],
    ...over,
  };
}

/** A pack of 13 cells with R per cell, OCV fixed at `ocv`: readings for a current profile, one per second. */
function feed(tracker: SessionTracker, profile: number[], rCellOhm: number, ocv = 3.65, t0 = 0): ChargeSession[] {
  const out: ChargeSession[] = [];
  profile.forEach((i, k) => {
    const v = Math.round((ocv + i * rCellOhm) * 1000) / 1000;
    out.push(...tracker.add({ at: t0 + k * 1000, bms: reading({ currentA: i, cellsV: Array(13).fill(v) }) }));
  });
  return out;
}

describe('SessionTracker', () => {
  it('measures resistance from the rest → low → set-point steps, normalised to 25 °C', () => {
    const t = new SessionTracker(1, healthConfigSchema.parse({ minRestS: 5 }));
    const profile = [...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(5), ...Array(20).fill(0)];
    const closed = feed(t, profile, 0.02);
    const s = closed[0] ?? t.absent(60_000);
    expect(s).toBeTruthy();
    const r = s?.resistance ?? [];
    expect(r.length).toBeGreaterThanOrEqual(2);
    for (const m of r.slice(0, 2)) expect(m.ohm25).toBeCloseTo(13 * 0.02, 2);
    expect(r[0]?.fromA).toBeCloseTo(0);
    expect(r[1]?.toA).toBeCloseTo(5);
  });

  it('says why a session measured no capacity: not rested before the charge', () => {
    const t = new SessionTracker(1, healthConfigSchema.parse({ minRestS: 600 }));
    feed(t, [...Array(30).fill(0), ...Array(60).fill(5)], 0.01);
    const s = t.absent(100_000);
    expect(s?.endReason).toBe('removed');
    expect(s?.capacity).toBeNull();
    expect(s?.capacityWhyNot).toMatch(/rested 0 min before the charge, needs 10/);
    // 59 one-second intervals at 5 A and the half-interval edge from rest (trapezoid)
    expect(s?.chargedAh).toBeCloseTo((5 * 59 + 2.5) / 3600, 4);
  });

  it('follows a fleet pack for three days within 1 pp of the true state of health and 5 % of resistance', () => {
    const spec = fleetScenario(2026, 24)[10];
    if (!spec) throw new Error('no pack');
    const tracker = new SessionTracker(1, cfg);
    const sessions: ChargeSession[] = [];
    const run = new FleetPackRun(
      spec,
      { days: 3, startAt: Date.UTC(2026, 5, 1) },
      {
        reading: (at, bms) => sessions.push(...tracker.add({ at, bms })),
        absent: (at) => {
          const s = tracker.absent(at);
          if (s) sessions.push(s);
        },
      },
    );
    const truth = run.run().truth();
    const measured = sessions.filter((s) => s.capacity !== null);
    expect(measured.length).toBeGreaterThan(0);
    for (const s of measured) {
      const soh = (100 * (s.capacity?.ah ?? 0)) / s.nominalAh;
      expect(Math.abs(soh - truth.sohPct)).toBeLessThan(1);
    }
    const rs = sessions.flatMap((s) => s.resistance);
    expect(rs.length).toBeGreaterThan(0);
    for (const r of rs) expect(Math.abs(r.ohm25 - truth.resistance25COhm) / truth.resistance25COhm).toBeLessThan(0.05);
    for (const s of sessions) {
      expect(s.equivalentCycles).toBeGreaterThanOrEqual(0);
      if (s.capacity === null) expect(s.capacityWhyNot).toBeTruthy();
    }
  });
});
