// Checks the CC/CV charger against the pack: constant current up to the voltage limit, then a taper below C/20 with
// the voltage held, no current when off or when the pack sits above the limit, and honest Ah/Wh counters.
import { describe, it, expect } from 'vitest';
import { BatteryPack } from './battery-pack.ts';
import { ChargerModel, chargerStep } from './charger-model.ts';
import type { ChargerReading } from './charger-model.ts';
import { BatteryModelError } from './battery-errors.ts';

describe('chargerStep', () => {
  const pack = { openCircuitVoltageV: () => 50, resistanceOhm: () => 0.1 };

  it('gives the set current while OCV + I·R stays below the set voltage', () => {
    expect(chargerStep(pack, { setVoltageV: 54.6, setCurrentA: 7, outputOn: true })).toEqual({
      currentA: 7,
      mode: 'cc',
    });
  });

  it('gives the current that puts the terminal at the set voltage once that is lower', () => {
    const r = chargerStep(pack, { setVoltageV: 50.5, setCurrentA: 7, outputOn: true });
    expect(r.mode).toBe('cv');
    expect(r.currentA).toBeCloseTo(5, 9);
  });

  it('never sinks current from a pack above the set voltage, and gives none when off', () => {
    expect(chargerStep(pack, { setVoltageV: 49, setCurrentA: 7, outputOn: true }).currentA).toBe(0);
    expect(chargerStep(pack, { setVoltageV: 54.6, setCurrentA: 7, outputOn: false })).toEqual({
      currentA: 0,
      mode: 'off',
    });
  });
});

describe('ChargerModel on a pack', () => {
  for (const series of [13, 14] as const) {
    it(`charges a ${series}S pack CC then CV, tapering below C/20 with the voltage held`, () => {
      const capacityAh = 14;
      const setV = series * 4.2;
      const pack = new BatteryPack({ series, capacityAh, socPct: 20, seed: 17 });
      const charger = new ChargerModel();
      charger.setVoltage(setV);
      charger.setCurrent(7);
      charger.setOutput(true);

      const readings: ChargerReading[] = [];
      for (let t = 0; t < 4 * 3600; t += 10) {
        readings.push(charger.step(pack, 10));
        if (readings.at(-1)?.mode === 'cv' && (readings.at(-1)?.currentA ?? 1) < capacityAh / 50) break;
      }
      const firstCv = readings.findIndex((r) => r.mode === 'cv');
      expect(firstCv).toBeGreaterThan(0);
      const cc = readings.slice(0, firstCv);
      const cv = readings.slice(firstCv + 1);

      // CC: the set current exactly, below the voltage limit, for most of the charge.
      for (const r of cc) {
        expect(r.currentA).toBeCloseTo(7, 9);
        expect(r.voltageV).toBeLessThanOrEqual(setV + 1e-9);
      }
      expect(cc.length * 10).toBeGreaterThan(0.6 * ((0.8 * capacityAh) / 7) * 3600);
      expect(cc.at(-1)?.voltageV).toBeGreaterThan(setV - 0.05);

      // CV: voltage held at the limit, current falling to below C/20.
      expect(cv.length).toBeGreaterThan(10);
      let previous = 7;
      for (const r of cv) {
        expect(Math.abs(r.voltageV - setV)).toBeLessThan(0.01);
        expect(r.currentA).toBeLessThanOrEqual(previous + 1e-6);
        previous = r.currentA;
      }
      expect(cv.at(-1)?.currentA).toBeLessThan(capacityAh / 20);
      expect(pack.socPct()).toBeGreaterThan(97);
    });
  }

  it('drives no current with the output off', () => {
    const pack = new BatteryPack({ socPct: 30 });
    const charger = new ChargerModel();
    charger.setVoltage(54.6);
    charger.setCurrent(7);
    const soc0 = pack.truth().cellSocPct;
    const r = charger.step(pack, 600);
    expect(r).toMatchObject({ outputOn: false, mode: 'off', currentA: 0, ampHours: 0 });
    // Only self-discharge acts: about a thousandth of a percentage point in ten minutes.
    pack.truth().cellSocPct.forEach((s, i) => expect(s).toBeCloseTo(soc0[i] ?? 0, 2));
  });

  it('drives no current into a pack already above the set voltage', () => {
    const pack = new BatteryPack({ socPct: 90 });
    const charger = new ChargerModel();
    charger.setVoltage(50);
    charger.setCurrent(7);
    charger.setOutput(true);
    expect(charger.step(pack, 60).currentA).toBe(0);
  });

  it('counts Ah and Wh that match what the pack stored and turned into heat', () => {
    const pack = new BatteryPack({ socPct: 10, seed: 4 });
    const charger = new ChargerModel();
    charger.setVoltage(54.6);
    charger.setCurrent(5);
    charger.setOutput(true);
    const before = pack.truth();
    for (let t = 0; t < 3 * 3600; t += 30) charger.step(pack, 30);
    const after = pack.truth();
    const r = charger.reading();
    expect(Math.abs(after.remainingAh - before.remainingAh - r.ampHours) / r.ampHours).toBeLessThan(0.01);
    const accounted =
      after.storedEnergyWh -
      before.storedEnergyWh +
      (after.heatWh - before.heatWh) +
      (after.fadeLossWh - before.fadeLossWh);
    expect(Math.abs(r.wattHours - accounted) / r.wattHours).toBeLessThan(0.002);
    charger.resetCounters();
    expect(charger.reading()).toMatchObject({ ampHours: 0, wattHours: 0 });
  });

  it('clamps set-points to what the supply can do and refuses non-numbers', () => {
    const charger = new ChargerModel({ maxVoltageV: 60, maxCurrentA: 18 });
    charger.setCurrent(100);
    charger.setVoltage(-5);
    expect(charger.getSetpoints()).toEqual({ setVoltageV: 0, setCurrentA: 18, outputOn: false });
    expect(() => charger.setCurrent(Number.NaN)).toThrow(BatteryModelError);
  });
});
