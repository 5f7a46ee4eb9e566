// Checks that the pack behaves physically: charge counting, OCV + I·R, heating and cooling, ageing, cell spread,
// the fault hooks, and that a seed reproduces a pack exactly.
import { describe, it, expect } from 'vitest';
import { BatteryPack } from './battery-pack.ts';
import type { BatteryPackConfigInput } from './pack-config.ts';
import { BatteryModelError } from './battery-errors.ts';
import { cellOcvV } from './ocv-curve.ts';

/** Runs the pack at a constant current for `seconds`, in steps of `dtS`; returns the charge that flowed, Ah. */
function run(pack: BatteryPack, seconds: number, currentA: number, dtS = 10): number {
  let ah = 0;
  for (let t = 0; t < seconds; t += dtS)
    ah += (pack.step(Math.min(dtS, seconds - t), currentA) * Math.min(dtS, seconds - t)) / 3600;
  return ah;
}

function spreadMv(pack: BatteryPack): number {
  const v = pack.cellVoltagesV();
  return 1000 * (Math.max(...v) - Math.min(...v));
}

function indexOfMax(xs: readonly number[]): number {
  return xs.indexOf(Math.max(...xs));
}

const at25: BatteryPackConfigInput = { ambientC: 25, tempC: 25 };

describe('charge counting', () => {
  it('raises SoC by I·t / capacity when charged at constant current', () => {
    const pack = new BatteryPack({ socPct: 20, capacityAh: 14 });
    const soc0 = pack.socPct();
    const full0 = pack.fullChargeAh();
    const rem0 = pack.remainingAh();
    run(pack, 3600, 7);
    const expectedPct = ((7 * 1) / full0) * 100;
    expect(Math.abs(pack.socPct() - soc0 - expectedPct) / expectedPct).toBeLessThan(0.01);
    expect(Math.abs(pack.remainingAh() - rem0 - 7) / 7).toBeLessThan(0.01);
  });

  it('lowers remaining charge by the load current times time on a ride', () => {
    const pack = new BatteryPack({ socPct: 90 });
    const rem0 = pack.remainingAh();
    const flowed = -run(pack, 900, -20);
    pack.discharge(0, 0);
    expect(flowed).toBeCloseTo(5, 6);
    expect(Math.abs(rem0 - pack.remainingAh() - 5) / 5).toBeLessThan(0.01);
  });

  it('counts equivalent full cycles from charge throughput', () => {
    const pack = new BatteryPack({ socPct: 5, capacityAh: 10, ageCycles: 100 });
    run(pack, 3600, 8);
    expect(pack.cycles).toBeCloseTo(100.8, 3);
    run(pack, 3600, -8);
    expect(pack.cycles).toBeCloseTo(100.8, 3); // discharge does not count twice
  });

  it("stops the current at the end of an element's range instead of leaving it", () => {
    const pack = new BatteryPack({ socPct: 1 });
    run(pack, 3600, -20);
    expect(pack.discharge(10, 20)).toBe(0);
    expect(pack.socPct()).toBe(0);
    expect(Math.min(...pack.cellVoltagesV())).toBeGreaterThanOrEqual(2.0 - 1e-9);
  });
});

describe('terminal voltage', () => {
  it('is the sum of OCV(SoC) + I·R over the elements', () => {
    const pack = new BatteryPack({ ...at25, socPct: 50 });
    for (const current of [10, -25]) {
      pack.step(1, current);
      const t = pack.truth();
      const ocv = t.cellSocPct.reduce((a, s) => a + cellOcvV(s / 100), 0);
      expect(pack.terminalVoltageV()).toBeCloseTo(ocv + current * t.resistanceOhm, 3);
      const cells = pack.cellVoltagesV();
      t.cellSocPct.forEach((s, i) => {
        expect(cells[i]).toBeCloseTo(cellOcvV(s / 100) + (current * (t.cellResistanceMilliOhm[i] ?? 0)) / 1000, 6);
      });
    }
  });

  it('jumps by ΔI·R on a current step, so R0 = ΔV/ΔI recovers the true resistance', () => {
    const pack = new BatteryPack({ ...at25, socPct: 60 });
    pack.step(1, 0);
    const v0 = pack.terminalVoltageV();
    pack.step(0.1, 10);
    const r0 = (pack.terminalVoltageV() - v0) / 10;
    expect(Math.abs(r0 - pack.truth().resistanceOhm) / pack.truth().resistanceOhm).toBeLessThan(0.005);
    // 13 elements of 10 mΩ each, within the 5 % spread.
    expect(pack.truth().resistanceOhm).toBeGreaterThan(0.13 * 0.95);
    expect(pack.truth().resistanceOhm).toBeLessThan(0.13 * 1.05);
  });

  it('sags below OCV under load and rises above it while charging', () => {
    const pack = new BatteryPack({ socPct: 50 });
    pack.step(1, -20);
    expect(pack.terminalVoltageV()).toBeLessThan(pack.openCircuitVoltageV() - 2);
    pack.step(1, 7);
    expect(pack.terminalVoltageV()).toBeGreaterThan(pack.openCircuitVoltageV() + 0.5);
  });

  it('uses more resistance in the cold', () => {
    const warm = new BatteryPack({ seed: 5, ambientC: 25, tempC: 25 });
    const cold = new BatteryPack({ seed: 5, ambientC: 0, tempC: 0 });
    const ratio = cold.truth().resistanceOhm / warm.truth().resistanceOhm;
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.5);
    expect(cold.truth().resistance25COhm).toBeCloseTo(warm.truth().resistance25COhm, 9);
  });
});

describe('temperature', () => {
  const thermal: BatteryPackConfigInput = {
    ...at25,
    socPct: 50,
    capacityAh: 20,
    thermalMassJPerK: 3500,
    thermalResistanceKPerW: 0.8,
  };
  const tau = 3500 * 0.8;

  it('rises under load to ambient + I²R·R_th, then relaxes exponentially towards ambient', () => {
    const pack = new BatteryPack(thermal);
    // Alternate ±20 A each minute: the same I²R heat, but the SoC stays near 50 %.
    for (let t = 0; t < 6 * tau; t += 60) pack.step(60, t % 120 === 0 ? 20 : -20);
    const hot = pack.truth();
    const expected = 25 + 20 * 20 * hot.resistanceOhm * 0.8;
    expect(hot.temperatureC).toBeGreaterThan(25 + 20);
    expect(Math.abs(hot.temperatureC - expected) / (expected - 25)).toBeLessThan(0.02);

    const excess0 = hot.temperatureC - 25;
    run(pack, tau, 0, 20);
    const excess1 = pack.truth().temperatureC - 25;
    expect(excess1 / excess0).toBeCloseTo(Math.exp(-1), 2);
    run(pack, 4 * tau, 0, 60);
    expect(pack.truth().temperatureC - 25).toBeLessThan(0.02 * excess0);
  });

  it('reports two NTC readings near the core temperature that differ slightly', () => {
    const pack = new BatteryPack(thermal);
    for (let t = 0; t < tau; t += 60) pack.step(60, t % 120 === 0 ? 20 : -20);
    const core = pack.truth().temperatureC;
    const [a, b] = pack.temperaturesC();
    expect(Math.abs(a - core)).toBeLessThan(1.5);
    expect(Math.abs(b - core)).toBeLessThan(3);
    expect(a).not.toBe(b);
  });

  it('follows a new ambient temperature', () => {
    const pack = new BatteryPack(thermal);
    pack.setAmbient(40);
    run(pack, tau, 0, 60);
    expect(pack.truth().temperatureC).toBeCloseTo(25 + 15 * (1 - Math.exp(-1)), 1);
    run(pack, 6 * tau, 0, 60);
    expect(pack.truth().temperatureC).toBeCloseTo(40, 1);
  });

  it('holds a forced temperature and relaxes from it when released', () => {
    const pack = new BatteryPack(thermal);
    pack.forceTemperature(70);
    run(pack, 600, 5);
    for (const t of pack.temperaturesC()) expect(t).toBeGreaterThan(60);
    expect(pack.truth().temperatureC).toBe(70);
    pack.forceTemperature(null);
    run(pack, 600, 0);
    const t = pack.truth().temperatureC;
    expect(t).toBeLessThan(70);
    expect(t).toBeCloseTo(25 + 45 * Math.exp(-600 / tau), 1);
  });
});

describe('ageing', () => {
  it('gives an aged pack less capacity and more resistance', () => {
    const fresh = new BatteryPack({ ...at25, seed: 3, ageCycles: 0 });
    const aged = new BatteryPack({ ...at25, seed: 3, ageCycles: 800 });
    expect(fresh.truth().sohPct).toBeGreaterThan(96);
    expect(aged.truth().sohPct).toBeGreaterThan(77);
    expect(aged.truth().sohPct).toBeLessThan(83);
    expect(aged.fullChargeAh()).toBeLessThan(0.85 * fresh.fullChargeAh());
    expect(aged.truth().resistanceOhm / fresh.truth().resistanceOhm).toBeCloseTo(1.96, 6);
  });

  it('ages while it is used', () => {
    const pack = new BatteryPack({ ...at25, socPct: 50, capacityAh: 10 });
    const before = pack.truth();
    // 10 equivalent cycles of charge throughput, swinging ±2.5 Ah around 50 %.
    for (let k = 0; k < 20; k++) {
      run(pack, 1800, 10, 30);
      run(pack, 1800, -10, 30);
    }
    const after = pack.truth();
    expect(after.cycles - before.cycles).toBeCloseTo(10, 6);
    expect(after.sohPct).toBeLessThan(before.sohPct - 0.5);
    expect(after.resistance25COhm).toBeGreaterThan(before.resistance25COhm * 1.01);
  });
});

describe('cell spread and seed', () => {
  it('repeats the same trajectory for the same seed', () => {
    const a = new BatteryPack({ seed: 1234, socPct: 40 });
    const b = new BatteryPack({ seed: 1234, socPct: 40 });
    const currents = [7, 7, -20, 0, -5, 12, 0];
    for (const i of currents) {
      a.step(300, i);
      b.step(300, i);
      expect(a.cellVoltagesV()).toEqual(b.cellVoltagesV());
      expect(a.temperaturesC()).toEqual(b.temperaturesC());
    }
    expect(a.truth()).toEqual(b.truth());
  });

  it('draws a different spread for a different seed', () => {
    const a = new BatteryPack({ seed: 1, socPct: 40 });
    const b = new BatteryPack({ seed: 2, socPct: 40 });
    expect(a.cellVoltagesV()).not.toEqual(b.cellVoltagesV());
    expect(a.truth().cellSohPct).not.toEqual(b.truth().cellSohPct);
  });

  it('spreads cell voltages by a few mV at rest', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const mv = spreadMv(new BatteryPack({ seed, socPct: 50 }));
      expect(mv).toBeGreaterThan(0.5);
      expect(mv).toBeLessThan(30);
    }
  });

  it('lets a weak element drift high on charge, low on discharge and at rest', () => {
    const pack = new BatteryPack({ seed: 9, socPct: 50, series: 14, weakCell: { index: 5, capacityPct: 80 } });
    run(pack, 3600, 6);
    expect(indexOfMax(pack.cellVoltagesV())).toBe(5);
    run(pack, 3 * 3600, -5);
    const v = pack.cellVoltagesV();
    expect(v.indexOf(Math.min(...v))).toBe(5);

    const resting = new BatteryPack({
      seed: 9,
      socPct: 50,
      weakCell: { index: 2, capacityPct: 100, selfDischargePctPerMonth: 10 },
    });
    const soc0 = resting.truth().cellSocPct;
    run(resting, 30 * 86_400, 0, 3600);
    const drop = resting.truth().cellSocPct.map((s, i) => (soc0[i] ?? 0) - s);
    expect(drop[2]).toBeCloseTo(10, 0);
    expect(Math.max(...drop.filter((_, i) => i !== 2))).toBeLessThan(4);
  });
});

describe('fault hooks', () => {
  it("driftCell raises one element's rest voltage by the given mV; clearDrift undoes it", () => {
    const pack = new BatteryPack({ socPct: 50 });
    const before = pack.cellVoltagesV();
    pack.driftCell(2, 40);
    const after = pack.cellVoltagesV();
    expect(((after[2] ?? 0) - (before[2] ?? 0)) * 1000).toBeCloseTo(40, 3);
    after.forEach((v, i) => {
      if (i !== 2) expect(v).toBe(before[i]);
    });
    pack.clearDrift();
    expect(pack.cellVoltagesV()[2]).toBeCloseTo(before[2] ?? 0, 9);
  });

  it('driftCell can push a full element into overcharge, where a BMS would trip', () => {
    const pack = new BatteryPack({ socPct: 100 });
    pack.driftCell(0, 100);
    expect(pack.cellVoltagesV()[0]).toBeGreaterThan(4.25);
  });

  it('balancing bleeds charge from the chosen element only', () => {
    const pack = new BatteryPack({ socPct: 80, capacityAh: 10, balanceCurrentA: 0.1 });
    const soc0 = pack.truth().cellSocPct;
    pack.setBalancing([3]);
    expect(pack.balancingCells()).toEqual([3]);
    run(pack, 3600, 0, 60);
    const drop = pack.truth().cellSocPct.map((s, i) => (soc0[i] ?? 0) - s);
    // 0.1 A for 1 h from 10 Ah is 1 % of SoC more than its neighbours lose to self-discharge.
    expect((drop[3] ?? 0) - (drop[4] ?? 0)).toBeCloseTo(1, 1);
    expect(drop[4]).toBeLessThan(0.01);
  });

  it('rejects bad arguments with codes', () => {
    const pack = new BatteryPack({ series: 13 });
    const code = (f: () => void): string | undefined => {
      try {
        f();
      } catch (err) {
        return err instanceof BatteryModelError ? err.code : 'other';
      }
      return undefined;
    };
    expect(code(() => pack.driftCell(13, 10))).toBe('BATTERY_NO_SUCH_CELL');
    expect(code(() => pack.setBalancing([-1]))).toBe('BATTERY_NO_SUCH_CELL');
    expect(code(() => pack.step(-1, 0))).toBe('BATTERY_INVALID_STEP');
    expect(code(() => pack.step(1, Number.NaN))).toBe('BATTERY_INVALID_STEP');
    expect(code(() => pack.setAmbient(Number.POSITIVE_INFINITY))).toBe('BATTERY_INVALID_ARGUMENT');
  });
});

describe('config', () => {
  it('fills defaults', () => {
    const pack = new BatteryPack();
    expect(pack.config).toMatchObject({ series: 13, capacityAh: 14, socPct: 50, seed: 1, ambientC: 20 });
    expect(pack.config.cellSpread.capacityPct).toBe(1);
    expect(pack.cellVoltagesV()).toHaveLength(13);
    expect(new BatteryPack({ series: 14 }).cellVoltagesV()).toHaveLength(14);
  });

  it('reports every problem with its path', () => {
    let err: unknown;
    try {
      new BatteryPack({
        series: 12,
        capacityAh: -1,
        cellSpread: { capacityPct: 50 },
      } as unknown as BatteryPackConfigInput);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BatteryModelError);
    const e = err as BatteryModelError;
    expect(e.code).toBe('BATTERY_INVALID_CONFIG');
    expect(e.message).toContain('series:');
    expect(e.message).toContain('capacityAh:');
    expect(e.message).toContain('cellSpread.capacityPct:');
  });

  it('refuses a weak cell outside the pack', () => {
    expect(() => new BatteryPack({ series: 13, weakCell: { index: 13 } })).toThrow(/weakCell\.index/);
  });
});
