// Quarantine on insertion: each check alone, then through the controller (stays off, reason, do not dispatch).

import { describe, expect, it } from 'vitest';
import { chargingConfig } from './charging-config.ts';
import { bmsReading, Rig, simDock, view } from './charging-test-kit.ts';
import { quarantineCheck } from './quarantine.ts';

const cfg = chargingConfig();
const dock = { series: 13 as const, chargerMaxA: 10 };
const on = { temperature: true };
const cells = (n: number, v = 3.9) => Array.from({ length: n }, () => v);

describe('quarantineCheck', () => {
  it('passes a healthy 13S pack', () => {
    expect(quarantineCheck(bmsReading(), dock, undefined, cfg, on)).toBeNull();
  });
  it.each([
    ['voltage-class', bmsReading({ cellsV: cells(14), voltageV: 54.6 }), undefined],
    ['voltage-class', bmsReading({ cellsV: [], voltageV: 58 }), undefined],
    ['temperature', bmsReading({ tempsC: [20, -3] }), undefined],
    ['temperature', bmsReading({ tempsC: [] }), undefined],
    ['cell-spread', bmsReading({ cellsV: [...cells(12), 3.75] }), undefined],
    ['cell-under-voltage', bmsReading({ cellsV: [...cells(12, 2.55), 2.4] }), undefined],
    ['cell-over-voltage', bmsReading({ cellsV: [...cells(12, 4.2), 4.28] }), undefined],
    ['bms-protection', bmsReading({ protection: ['cell-over-voltage'] }), undefined],
    ['retire', bmsReading(), { retire: true }],
    ['retire', bmsReading(), { sohPct: 55 }],
  ] as const)('fails %s', (code, b, health) => {
    expect(quarantineCheck(b, dock, health, cfg, on)?.code).toBe(code);
  });
  it('a charger that cannot reach the CV voltage of the class', () => {
    expect(quarantineCheck(bmsReading(), { ...dock, chargerMaxV: 50 }, undefined, cfg, on)?.code).toBe('charger-class');
  });
  it('ignores temperature for a resting battery and our own FET lock', () => {
    expect(quarantineCheck(bmsReading({ tempsC: [50] }), dock, undefined, cfg, { temperature: false })).toBeNull();
    expect(
      quarantineCheck(bmsReading({ protection: ['mosfet-software-lock'] }), dock, undefined, cfg, {
        temperature: true,
        ownFlags: ['mosfet-software-lock'],
      }),
    ).toBeNull();
  });
});

describe('quarantine in the controller', () => {
  it('a 14S pack in a 13S dock never gets its charger on, shows the reason and do-not-dispatch', () => {
    // The rig builds its cells from the dock's series, so the 14-cell pack is put in by hand.
    const rig2 = new Rig([simDock(1)]);
    const input = rig2.input(rig2.dock(1));
    const b = input.bms?.value;
    if (!b) throw new Error('no bms');
    const res = rig2.controller.tick({
      now: rig2.now,
      docks: [{ ...input, bms: { at: rig2.now, value: { ...b, cellsV: cells(14), voltageV: 54.6 } } }],
    });
    expect(res.commands).toEqual([]);
    expect(view(res, 1)).toMatchObject({
      state: 'fault',
      quarantined: true,
      doNotDispatch: true,
      code: 'voltage-class',
      grantedA: 0,
    });
    expect(view(res, 1).reason).toMatch(/^quarantine: battery has 14 cells/);
  });

  it('a cold battery waits in quarantine, then charges once warm', () => {
    const rig = new Rig([simDock(1, { tempsC: [-4] })]);
    let r = rig.run(5);
    expect(view(r, 1)).toMatchObject({ state: 'fault', quarantined: true });
    expect(rig.dock(1).out.on).toBe(false);
    rig.dock(1).tempsC = [12];
    r = rig.run(2);
    expect(view(r, 1)).toMatchObject({ state: 'idle', reason: expect.stringContaining('resuming after temperature') });
    r = rig.run(100); // the resume hold: 10 s of good readings
    expect(view(r, 1).state).toBe('charging');
    expect(view(r, 1).grantedA).toBeCloseTo(2.8); // 5–15 °C band: 0.2C
  });

  it('a battery flagged retire stays off; removing it empties the dock', () => {
    const rig = new Rig([simDock(1, { health: { retire: true } })]);
    expect(view(rig.run(3), 1)).toMatchObject({ state: 'fault', code: 'retire', doNotDispatch: true });
    rig.dock(1).batteryId = null;
    expect(view(rig.run(20), 1)).toMatchObject({ state: 'empty', doNotDispatch: false });
  });
});
