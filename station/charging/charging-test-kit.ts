// Test kit for the charging core: readings with sane defaults, and a tiny closed-loop rig whose chargers obey (or,
// with injected faults, disobey) the commands a tick returns. Crude physics on purpose: the core is under test.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import { ChargeController } from './charge-controller.ts';
import type { ChargingConfigInput } from './charging-config.ts';
import type { BatteryHealth, Booking, BudgetOverride, ChargeCommand, DockInput, TickResult } from './charging-types.ts';

export const T0 = Date.UTC(2026, 2, 2, 6, 0, 0);

export function bmsReading(over: Partial<BmsReading> = {}): BmsReading {
  const cellsV = over.cellsV ?? Array.from({ length: 13 }, () => 3.9);
  return {
    id: 'pack-1',
    voltageV: cellsV.reduce((a, b) => a + b, 0),
    currentA: 0,
    socPct: 50,
    remainingAh: 7,
    nominalAh: 14,
    cycles: 10,
    cellsV,
    tempsC: [25, 25],
    protection: [],
    chargeFetOn: true,
    dischargeFetOn: true,
    balancing: [],
    ...over,
  };
}

export function chargerReading(over: Partial<ChargerReading> = {}): ChargerReading {
  return {
    online: true,
    at: 0,
    outputOn: false,
    setVoltageV: 54.6,
    setCurrentA: 0,
    voltageV: 50.7,
    currentA: 0,
    protection: 'none',
    mode: 'cc',
    ...over,
  };
}

export interface SimDock {
  dock: number;
  series: 13 | 14;
  chargerMaxA: number;
  batteryId: string | null;
  soc: number;
  nominalAh: number;
  cellV: number | null;
  tempsC: number[];
  protection: string[];
  chargeFetOn: boolean;
  /** The station opened the charge FET: the BMS reports its software lock, as the JBD does. */
  fetLocked: boolean;
  health?: BatteryHealth;
  departureAt?: number;
  out: { on: boolean; setV: number; setI: number };
  /** Injected faults. */
  stuckRelay: boolean;
  /** The BMS refuses charge-FET writes (answers 0xE1 with an error): the FET stays as it is. */
  fetRefuses: boolean;
  ignoreSetpointsA: number | null;
  extraV: number;
  extraA: number;
  bmsSilent: boolean;
  chargerSilent: boolean;
  lastBmsAt: number;
  lastChargerAt: number;
}

export function simDock(dock: number, over: Partial<SimDock> = {}): SimDock {
  return {
    dock,
    series: 13,
    chargerMaxA: 10,
    batteryId: `pack-${dock}`,
    soc: 50,
    nominalAh: 14,
    cellV: null,
    tempsC: [25, 25],
    protection: [],
    chargeFetOn: true,
    fetLocked: false,
    out: { on: false, setV: 0, setI: 0 },
    stuckRelay: false,
    fetRefuses: false,
    ignoreSetpointsA: null,
    extraV: 0,
    extraA: 0,
    bmsSilent: false,
    chargerSilent: false,
    lastBmsAt: -Infinity,
    lastChargerAt: -Infinity,
    ...over,
  };
}

/** Current the simulated charger drives into the pack now, A. */
function flowing(d: SimDock): number {
  if (!d.out.on) return 0;
  const i = d.ignoreSetpointsA ?? d.out.setI;
  // A crude CV phase: current falls linearly over the last 2 % of charge.
  const cv = d.soc >= 98 ? Math.max(0, (100 - d.soc) / 2) : 1;
  return d.chargeFetOn ? i * cv + d.extraA : 0;
}

export class Rig {
  now = T0;
  readonly controller: ChargeController;
  readonly log: TickResult[] = [];
  /** Every charge-FET write the controller asked for, as it reached the simulated BMS. */
  readonly fetWrites: { dock: number; on: boolean; at: number }[] = [];
  budget: BudgetOverride | undefined;
  bookings: Booking[] = [];

  constructor(
    readonly docks: SimDock[],
    config: ChargingConfigInput = {},
  ) {
    this.controller = new ChargeController(config);
  }

  dock(n: number): SimDock {
    const d = this.docks.find((x) => x.dock === n);
    if (!d) throw new Error(`no dock ${n}`);
    return d;
  }

  input(d: SimDock): DockInput {
    const cellV = d.cellV ?? 3.6 + (0.6 * d.soc) / 100;
    const cells = Array.from({ length: d.series }, () => cellV);
    const packV = cellV * d.series;
    const i = flowing(d);
    if (!d.bmsSilent && d.batteryId !== null) d.lastBmsAt = this.now;
    if (!d.chargerSilent) d.lastChargerAt = this.now;
    const bms =
      d.batteryId === null || !Number.isFinite(d.lastBmsAt)
        ? null
        : {
            at: d.lastBmsAt,
            value: bmsReading({
              id: d.batteryId,
              cellsV: cells,
              voltageV: packV,
              currentA: i,
              socPct: Math.floor(d.soc),
              nominalAh: d.nominalAh,
              tempsC: d.tempsC,
              protection: d.fetLocked ? [...d.protection, 'mosfet-software-lock'] : d.protection,
              chargeFetOn: d.chargeFetOn,
              remainingAh: (d.soc / 100) * d.nominalAh,
            }),
          };
    const charger = !Number.isFinite(d.lastChargerAt)
      ? null
      : {
          at: d.lastChargerAt,
          value: chargerReading({
            at: d.lastChargerAt,
            outputOn: d.out.on,
            setVoltageV: d.out.setV,
            setCurrentA: d.ignoreSetpointsA ?? d.out.setI,
            voltageV: (d.out.on ? Math.min(packV + 0.3, d.out.setV || packV) : packV) + d.extraV,
            currentA: d.out.on ? i : 0,
          }),
        };
    return {
      dock: d.dock,
      config: { series: d.series, chargerMaxA: d.chargerMaxA },
      bms,
      charger,
      ...(d.departureAt !== undefined ? { departureAt: d.departureAt } : {}),
      ...(d.health ? { health: d.health } : {}),
    };
  }

  /** One tick: readings in, commands applied to the simulated chargers, time moves on by `ms`. */
  step(ms = 100, only?: (d: SimDock) => boolean): TickResult {
    const inputs = this.docks.filter((d) => !only || only(d)).map((d) => this.input(d));
    const r = this.controller.tick({
      now: this.now,
      docks: inputs,
      ...(this.budget ? { budget: this.budget } : {}),
      bookings: this.bookings,
    });
    for (const c of r.commands) this.apply(c);
    for (const d of this.docks) {
      if (d.batteryId === null) continue;
      d.soc = Math.min(100, d.soc + ((flowing(d) * ms) / 3_600_000 / d.nominalAh) * 100);
    }
    this.now += ms;
    this.log.push(r);
    return r;
  }

  run(ticks: number, ms = 100): TickResult {
    let r: TickResult | undefined;
    for (let i = 0; i < ticks; i++) r = this.step(ms);
    if (!r) throw new Error('no ticks');
    return r;
  }

  private apply(c: ChargeCommand): void {
    const d = this.docks.find((x) => x.dock === c.dock);
    if (!d) return;
    if (c.kind === 'off' && !d.stuckRelay) d.out.on = false;
    if (c.kind === 'on') d.out.on = true;
    if (c.kind === 'set') {
      d.out.setV = c.voltageV;
      d.out.setI = c.currentA;
    }
    if (c.kind === 'bms-charge-fet') {
      this.fetWrites.push({ dock: c.dock, on: c.on, at: this.now });
      if (d.fetRefuses) {
        this.controller.commandFailed(c, 'dock-1/bms: write 0xE1: jbd: status 0x80 for reg 0xe1');
        return;
      }
      d.chargeFetOn = c.on;
      d.fetLocked = !c.on;
    }
  }
}

export const view = (r: TickResult, dock: number) => {
  const v = r.docks.find((x) => x.dock === dock);
  if (!v) throw new Error(`no view of dock ${dock}`);
  return v;
};
