// The tick end to end on a closed-loop rig: life cycle of a dock, command order, set-points written only on
// change, departures and bookings under a tight budget, expiring leases and maintenance. The property test over
// random stations is in charge-controller.property.test.ts.

import { describe, expect, it } from 'vitest';
import { ChargeController } from './charge-controller.ts';
import type { DockInput } from './charging-types.ts';
import { bmsReading, chargerReading, Rig, simDock, T0, view } from './charging-test-kit.ts';

const H = 3_600_000;

describe('a dock from insertion to full', () => {
  it('empty -> idle -> charging -> full at the storage target, every transition an event', () => {
    const rig = new Rig([simDock(1, { soc: 75 })]);
    const first = rig.step();
    expect(first.commands).toEqual([
      { dock: 1, kind: 'set', voltageV: 54.6, currentA: 7 },
      { dock: 1, kind: 'on' },
    ]);
    expect(first.events.map((e) => [e.data['from'], e.data['to']])).toEqual([
      ['empty', 'idle'],
      ['idle', 'charging'],
    ]);
    let r = first;
    for (let i = 0; i < 200 && view(r, 1).state === 'charging'; i++) r = rig.step(10_000);
    expect(view(r, 1)).toMatchObject({ state: 'full', targetSocPct: 80, grantedA: 0 });
    expect(r.commands).toEqual([{ dock: 1, kind: 'off', reason: 'target 80 % reached' }]);
    expect(rig.dock(1).soc).toBeGreaterThanOrEqual(80);
    expect(rig.dock(1).soc).toBeLessThan(82);
  });

  it('writes a set-point only when it changes, and a lower one at once', () => {
    const rig = new Rig([simDock(1), simDock(2)]);
    rig.step();
    for (let i = 0; i < 10; i++) expect(rig.step().commands).toEqual([]);
    rig.budget = { maxW: 500 };
    const r = rig.step();
    // 500 W buys 8.24 A: dock 1 keeps 7 A (tie on SoC, lower dock number first), dock 2 drops to the rest.
    expect(r.commands).toEqual([{ dock: 2, kind: 'set', voltageV: 54.6, currentA: 1.24 }]);
    expect(r.usedW).toBeLessThanOrEqual(500);
    expect(r.budgetW).toBe(500);
  });

  it('puts off commands ahead of set-points and on commands', () => {
    const rig = new Rig([simDock(1), simDock(2, { batteryId: null })]);
    rig.run(3);
    rig.dock(1).cellV = 4.3;
    rig.dock(2).batteryId = 'pack-2';
    const r = rig.step();
    expect(r.commands.map((c) => `${c.dock}:${c.kind}`)).toEqual(['1:off', '2:set', '2:on']);
  });

  it('switches off a charger found on at start', () => {
    const c = new ChargeController();
    const input: DockInput = {
      dock: 4,
      config: { series: 13, chargerMaxA: 10 },
      bms: null,
      charger: { at: T0, value: chargerReading({ at: T0, outputOn: true, currentA: 2 }) },
    };
    expect(c.tick({ now: T0, docks: [input] }).commands[0]).toEqual({
      dock: 4,
      kind: 'off',
      reason: 'charger found on at start',
    });
  });

  it('is deterministic: the same inputs give the same results', () => {
    const a = new Rig([simDock(1), simDock(2, { soc: 10, departureAt: T0 + H }), simDock(3, { tempsC: [2] })]);
    const b = new Rig([simDock(1), simDock(2, { soc: 10, departureAt: T0 + H }), simDock(3, { tempsC: [2] })]);
    a.budget = b.budget = { maxW: 600 };
    expect(JSON.stringify(a.run(50))).toBe(JSON.stringify(b.run(50)));
  });
});

describe('departures, storage and bookings', () => {
  it('three rickshaws, a budget too small for all: met in departure order, the third announced early', () => {
    const deps = [3 * H, 5 * H, 6 * H];
    const rig = new Rig(deps.map((d, i) => simDock(i + 1, { soc: 20, departureAt: T0 + d })));
    rig.budget = { maxW: 300 };
    const socAtDeparture = new Map<number, number>();
    const first = rig.step(60_000);
    // Departure order: only the first leaver gets current now (300 W buys 4.94 A at 54.6 V).
    expect(first.docks.map((v) => v.grantedA)).toEqual([4.94, 0, 0]);
    const warn = first.events.filter((e) => e.type === 'departure-at-risk');
    expect(warn.map((e) => e.dock)).toEqual([3]);
    expect(warn[0]?.data['expectedSocPct']).toBeCloseTo(72, 0);
    for (let t = 0; t < 6 * 60; t++) {
      for (const d of rig.docks) {
        if (d.departureAt !== undefined && rig.now >= d.departureAt && d.batteryId !== null) {
          socAtDeparture.set(d.dock, d.soc);
          d.batteryId = null; // the rickshaw leaves with its pack
        }
      }
      rig.step(60_000);
    }
    expect(socAtDeparture.get(1)).toBeGreaterThan(99);
    expect(socAtDeparture.get(2)).toBeGreaterThan(99);
    expect(socAtDeparture.get(3)).toBeLessThan(90);
    expect(socAtDeparture.get(3)).toBeGreaterThan(60);
    // Said early and on change only, not every tick.
    const all = rig.log.flatMap((r) => r.events).filter((e) => e.type === 'departure-at-risk');
    expect(all.every((e) => e.dock === 3)).toBe(true);
    expect(all.length).toBeLessThan(6);
  });

  it('keeps a stored battery at the storage target, but fills it for a departure set by command', () => {
    const rig = new Rig([simDock(1, { soc: 79 })]);
    let r = rig.run(40, 30_000);
    expect(view(r, 1).state).toBe('full');
    rig.controller.setDeparture(1, rig.now + 2 * H);
    r = rig.step();
    expect(view(r, 1)).toMatchObject({ state: 'charging', targetSocPct: 100 });
    for (let i = 0; i < 200 && view(r, 1).state !== 'full'; i++) r = rig.step(30_000);
    expect(view(r, 1).state).toBe('full');
    expect(rig.dock(1).soc).toBeGreaterThan(99);
  });

  it('a departure bound to a battery follows it, and wins over the dock', () => {
    const rig = new Rig([simDock(1, { soc: 85 }), simDock(2, { soc: 85 })]);
    rig.controller.setDeparture(2, T0 + 20 * H); // beyond the horizon: storage target
    rig.controller.setBatteryDeparture('pack-2', T0 + H);
    const r = rig.step();
    expect(view(r, 1)).toMatchObject({ state: 'full', targetSocPct: 80, departureAt: null });
    expect(view(r, 2)).toMatchObject({ state: 'charging', targetSocPct: 100, departureAt: T0 + H });
    rig.controller.setBatteryDeparture('pack-2', null);
    expect(view(rig.step(), 2)).toMatchObject({ targetSocPct: 80, departureAt: T0 + 20 * H });
  });

  it('a booking reserves the best packs, charges them first and tells which to take', () => {
    const rig = new Rig([
      simDock(1, { soc: 20 }),
      simDock(2, { soc: 70 }),
      simDock(3, { soc: 60 }),
      simDock(4, { soc: 75, tempsC: [-2] }),
    ]);
    rig.budget = { maxW: 450 };
    rig.controller.addBooking({ id: 'ride-0800', at: T0 + 2 * H, packs: 2, minSocPct: 90 });
    const r = rig.step();
    const booked = r.docks.filter((v) => v.bookingId === 'ride-0800').map((v) => v.dock);
    expect(booked).toEqual([2, 3]);
    expect(view(r, 1).grantedA).toBe(0);
    expect(view(r, 3).grantedA).toBe(7);
    const ev = r.events.find((e) => e.type === 'booking-reserved');
    expect(ev?.data['docks']).toEqual([2, 3]);
    expect(ev?.message).toMatch(/docks 2, 3/);
    expect(rig.step().events.filter((e) => e.type.startsWith('booking'))).toEqual([]);
    expect(rig.controller.removeBooking('ride-0800')).toBe(true);
    expect(view(rig.step(), 1).grantedA).toBeGreaterThan(0);
  });
});

describe('leases, maintenance, commands', () => {
  it('a set-point not renewed within its lease becomes 0 A and output off', () => {
    const rig = new Rig([simDock(1), simDock(2)]);
    rig.run(3);
    let r = rig.step(100, (d) => d.dock === 2); // dock 1 missing from the inputs
    for (let i = 0; i < 3; i++) {
      expect(r.commands.filter((c) => c.dock === 1)).toEqual([]);
      r = rig.step(100, (d) => d.dock === 2);
    }
    r = rig.step(100, (d) => d.dock === 2);
    expect(r.commands.filter((c) => c.dock === 1)).toEqual([
      { dock: 1, kind: 'off', reason: 'set-point lease expired' },
      { dock: 1, kind: 'set', voltageV: 54.6, currentA: 0 },
    ]);
    expect(rig.dock(1).out).toMatchObject({ on: false, setI: 0 });
  });

  it('maintenance switches the charger off and holds the dock until switched back', () => {
    const rig = new Rig([simDock(1)]);
    rig.run(2);
    rig.controller.setMaintenance(1, true);
    let r = rig.step();
    expect(r.commands[0]).toEqual({ dock: 1, kind: 'off', reason: 'maintenance' });
    expect(view(r, 1)).toMatchObject({ state: 'maintenance', grantedA: 0 });
    expect(rig.run(5).commands).toEqual([]);
    rig.controller.setMaintenance(1, false);
    r = rig.step();
    expect(view(r, 1).state).toBe('charging');
  });

  it('stop and resume by command', () => {
    const rig = new Rig([simDock(1)]);
    rig.run(2);
    rig.controller.stopCharging(1);
    expect(view(rig.step(), 1)).toMatchObject({ state: 'idle', reason: 'stopped by command', stopped: true });
    rig.controller.resumeCharging(1);
    expect(view(rig.step(), 1)).toMatchObject({ state: 'charging', stopped: false });
  });

  it('balancing while the BMS bleeds cells near full', () => {
    const c = new ChargeController();
    const dock = (balancing: number[], at: number): DockInput => ({
      dock: 1,
      config: { series: 13, chargerMaxA: 10 },
      departureAt: T0 + H,
      bms: { at, value: bmsReading({ socPct: 97, balancing }) },
      charger: { at, value: chargerReading({ at, outputOn: at > T0, setCurrentA: 1.68, currentA: 1.5 }) },
    });
    c.tick({ now: T0, docks: [dock([], T0)] });
    expect(view(c.tick({ now: T0 + 100, docks: [dock([3, 7], T0 + 100)] }), 1).state).toBe('balancing');
  });
});
