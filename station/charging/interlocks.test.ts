// Each interlock, through the controller on a closed-loop rig: the off command leaves in the very tick the bad
// reading is first seen (reaction <= 1 tick), ahead of everything else, and the dock goes to fault with a reason.
// Then how faults clear: by themselves (mild), or only after an acknowledgement once the cause is gone (serious).

import { describe, expect, it } from 'vitest';
import { chargingConfig } from './charging-config.ts';
import { bmsReading, chargerReading, Rig, simDock, T0, view, type SimDock } from './charging-test-kit.ts';
import {
  causeGone,
  checkInterlocks,
  isSeriousProtection,
  newInterlockMemory,
  type InterlockCode,
  type InterlockInput,
} from './interlocks.ts';

function charging(over: Partial<SimDock> = {}): Rig {
  const rig = new Rig([simDock(1, over), simDock(2)]);
  const r = rig.run(5);
  expect(view(r, 1).state).toBe('charging');
  expect(rig.dock(1).out.on).toBe(true);
  return rig;
}

interface Case {
  code: InterlockCode;
  serious: boolean;
  inject: (d: SimDock) => void;
  /** Ticks the fault needs to show (1 for every immediate interlock). */
  ticks?: number;
}

const cases: Case[] = [
  { code: 'bms-protection', serious: true, inject: (d) => (d.protection = ['charge-over-current']) },
  { code: 'cell-over-voltage', serious: true, inject: (d) => (d.cellV = 4.3) },
  { code: 'temperature', serious: false, inject: (d) => (d.tempsC = [25, 47]) },
  { code: 'charger-over-voltage', serious: true, inject: (d) => (d.extraV = 5) },
  { code: 'charger-over-current', serious: true, inject: (d) => (d.extraA = 2) },
  { code: 'stale-bms', serious: false, inject: (d) => (d.bmsSilent = true), ticks: 16 },
  { code: 'stale-charger', serious: false, inject: (d) => (d.chargerSilent = true), ticks: 16 },
];

describe('each interlock switches the charger off in the tick the bad reading is first seen', () => {
  for (const c of cases) {
    it(c.code, () => {
      const rig = charging();
      c.inject(rig.dock(1));
      // Readings that go silent become stale only after the freshness limit (3 polls = 1.5 s): before, no fault.
      for (let i = 1; i < (c.ticks ?? 1); i++)
        expect(rig.step().commands.filter((x) => x.dock === 1 && x.kind === 'off')).toEqual([]);
      const r = rig.step();
      expect(r.commands[0]).toMatchObject({ dock: 1, kind: 'off' });
      const v = view(r, 1);
      expect(v.state).toBe('fault');
      expect(v.code).toBe(c.code);
      expect(v.reason).toBeTruthy();
      expect(r.events).toContainEqual(
        expect.objectContaining({
          type: 'dock-state',
          severity: 'fault',
          dock: 1,
          data: expect.objectContaining({ code: c.code, serious: c.serious }),
        }),
      );
      expect(rig.dock(1).out.on).toBe(false);
      expect(view(r, 2).state).toBe('charging');
    });
  }

  it('ignores-setpoint: the charger keeps above its grant for 3 readings', () => {
    const rig = charging();
    rig.budget = { maxW: 300 }; // grant drops to ~4.9 A
    rig.dock(1).ignoreSetpointsA = 6.5;
    rig.dock(2).batteryId = null;
    const offTick = rig.log.length;
    let r = rig.step();
    for (let i = 0; i < 5 && view(r, 1).state !== 'fault'; i++) r = rig.step();
    expect(view(r, 1).code).toBe('ignores-setpoint');
    // One tick lowers the grant (its readings predate it), then three readings above it.
    expect(rig.log.length - offTick).toBe(4);
    expect(r.commands[0]).toMatchObject({ dock: 1, kind: 'off' });
  });

  it('stuck relay: off repeated, then the BMS charge FET is opened and a person is told what to do', () => {
    const rig = charging({ stuckRelay: true });
    rig.controller.stopCharging(1);
    const first = rig.step();
    expect(first.commands[0]).toEqual({ dock: 1, kind: 'off', reason: 'stopped by command' });
    let r = first;
    let ticks = 1;
    while (!r.commands.some((c) => c.kind === 'bms-charge-fet') && ticks < 30) {
      r = rig.step();
      ticks++;
    }
    // offConfirmMs 1500 ms = 15 ticks after the off command, then at once.
    expect(ticks).toBe(16);
    expect(r.commands).toContainEqual({ dock: 1, kind: 'bms-charge-fet', on: false });
    expect(r.commands.findIndex((c) => c.kind === 'bms-charge-fet')).toBeLessThan(
      r.commands.findIndex((c) => c.kind !== 'off' && c.kind !== 'bms-charge-fet') >>> 0,
    );
    const ev = r.events.find((e) => e.type === 'charger-stuck');
    expect(ev?.severity).toBe('fault');
    expect(ev?.message).toMatch(/mains switch/);
    expect(ev?.data['todo']).toBeInstanceOf(Array);
    expect(view(r, 1)).toMatchObject({ state: 'fault', code: 'charger-not-off' });
    expect(rig.dock(1).chargeFetOn).toBe(false);
    // Off is sent again for new readings that still show the output on, never more than once per reading.
    expect(rig.log.flatMap((x) => x.commands).filter((c) => c.dock === 1 && c.kind === 'off').length).toBeGreaterThan(
      2,
    );
  });
});

describe('clearing faults', () => {
  it('a serious fault stays until acknowledged after its cause is gone, then the dock charges again', () => {
    const rig = charging();
    rig.dock(1).protection = ['short-circuit'];
    rig.step();
    expect(rig.controller.acknowledge(1).accepted).toBe(false); // cause still there
    rig.run(3);
    rig.dock(1).protection = [];
    let r = rig.run(20);
    expect(view(r, 1)).toMatchObject({ state: 'fault', awaitingAck: true, doNotDispatch: true });
    expect(rig.dock(1).out.on).toBe(false);
    expect(rig.controller.acknowledge(1).accepted).toBe(true);
    r = rig.step();
    expect(r.events).toContainEqual(
      expect.objectContaining({
        type: 'dock-state',
        dock: 1,
        data: expect.objectContaining({ from: 'fault', to: 'idle' }),
      }),
    );
    r = rig.step();
    expect(view(r, 1).state).toBe('charging');
  });

  it('an acknowledgement given while the cause is present does not count later', () => {
    const rig = charging();
    rig.dock(1).extraV = 5;
    expect(view(rig.step(), 1).state).toBe('fault');
    expect(rig.controller.acknowledge(1)).toMatchObject({ accepted: false });
    rig.dock(1).extraV = 0;
    const r = rig.run(30);
    expect(view(r, 1).state).toBe('fault');
  });

  it('a mild fault (temperature) clears by itself once the battery is back inside the window with hysteresis', () => {
    const rig = charging();
    rig.dock(1).tempsC = [46];
    rig.step();
    rig.dock(1).tempsC = [44]; // inside the window, but not by the 2 °C hysteresis
    expect(view(rig.run(5), 1).state).toBe('fault');
    rig.dock(1).tempsC = [40];
    rig.run(2);
    // Cleared, but charging resumes only after the hold time (10 s) of good readings.
    const held = view(rig.run(2), 1);
    expect(held).toMatchObject({ state: 'idle', grantedA: 0 });
    expect(held.reason).toMatch(/^resuming after temperature: \d+ s of good readings to go$/);
    expect(rig.dock(1).out.on).toBe(false);
    expect(view(rig.run(100), 1).state).toBe('charging');
  });

  it('stuck relay: after the relay is fixed and acknowledged, the charge FET is closed before the charger starts', () => {
    const rig = charging({ stuckRelay: true });
    rig.controller.stopCharging(1);
    rig.run(20);
    rig.dock(1).stuckRelay = false;
    rig.step(); // the next off command now works
    rig.run(5);
    expect(rig.controller.acknowledge(1).accepted).toBe(true);
    rig.controller.resumeCharging(1);
    const r = rig.step();
    expect(r.commands).toContainEqual({ dock: 1, kind: 'bms-charge-fet', on: true });
    expect(r.commands.some((c) => c.dock === 1 && c.kind === 'on')).toBe(false);
    const later = rig.run(5);
    expect(view(later, 1).state).toBe('charging');
    expect(rig.dock(1).chargeFetOn).toBe(true);
  });

  it('a battery pulled out while charging: stale fault first, the dock empties once the BMS stays silent', () => {
    const rig = charging();
    rig.dock(1).bmsSilent = true;
    rig.run(16);
    expect(view(rig.log.at(-1) ?? rig.step(), 1).state).toBe('fault');
    const r = rig.run(110); // batteryGoneMs 10 s
    expect(view(r, 1).state).toBe('empty');
  });
});

describe('checkInterlocks (unit)', () => {
  const cfg = chargingConfig();
  const base = (over: Partial<InterlockInput> = {}): InterlockInput => ({
    now: T0,
    freshnessMs: 1500,
    series: 13,
    commandedOn: true,
    offAt: null,
    grantedA: 5,
    batteryLimitA: 7,
    bms: { at: T0, value: bmsReading({ currentA: 5 }) },
    charger: {
      at: T0,
      value: chargerReading({ at: T0, outputOn: true, setCurrentA: 5, currentA: 5, setVoltageV: 54.6, voltageV: 51 }),
    },
    ...over,
  });

  it('no violation for a sane charging dock', () => {
    expect(checkInterlocks(base(), newInterlockMemory(), cfg)).toEqual([]);
  });

  it('over-current against the battery limit, not only the set-point', () => {
    const x = base({
      charger: { at: T0, value: chargerReading({ outputOn: true, setCurrentA: 9, currentA: 8, voltageV: 51 }) },
    });
    expect(checkInterlocks(x, newInterlockMemory(), cfg).map((v) => v.code)).toEqual(['charger-over-current']);
  });

  it('a missing BMS reading while charging is stale', () => {
    expect(checkInterlocks(base({ bms: null }), newInterlockMemory(), cfg).map((v) => v.code)).toEqual(['stale-bms']);
  });

  it('our own FET lock flag is not a violation', () => {
    const x = base({
      bms: { at: T0, value: bmsReading({ protection: ['mosfet-software-lock'] }) },
      ownFlags: ['mosfet-software-lock'],
    });
    expect(checkInterlocks(x, newInterlockMemory(), cfg)).toEqual([]);
  });

  it('serious and mild protection flags; unknown flags count as serious', () => {
    expect(isSeriousProtection(['charge-over-temperature'])).toBe(false);
    expect(isSeriousProtection(['charge-over-temperature', 'short-circuit'])).toBe(true);
    expect(isSeriousProtection(['some-vendor-flag'])).toBe(true);
  });

  it('a charger fault is gone only once the charger shows itself off after the off command', () => {
    const off = base({ commandedOn: false, offAt: T0 - 1000 });
    expect(causeGone('charger-over-current', off, T0 - 1000, cfg)).toBe(false);
    const confirmed = {
      ...off,
      charger: { at: T0, value: chargerReading({ outputOn: false, currentA: 0 }) },
      bms: { at: T0, value: bmsReading() },
    };
    expect(causeGone('charger-over-current', confirmed, T0 - 1000, cfg)).toBe(true);
  });
});
