// Shares the station's power budget among the docks that may charge: bookings first, then the soonest departure,
// then the lowest SoC; each within its battery's and charger's limits. Projects the SoC each deadline will see.
// O(n log n) per tick: one sort of the docks (plus one per booking, and bookings are few).

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import { deratedCRate, type BudgetConfig, type ChargingConfig } from './charging-config.ts';
import type { BatteryHealth, Booking, BudgetOverride, DockChargeConfig } from './charging-types.ts';

export interface PlanCandidate {
  dock: number;
  batteryId: string;
  socPct: number;
  nominalAh: number;
  /** Charger voltage set-point (series x CV per cell), V: the grid power a grant costs is V x A / efficiency. */
  voltageV: number;
  /** Current limit after derating, health, taper and the charger's maximum, A. */
  maxA: number;
  /** May take current now; a dock that may not (too cold, stopped) still counts for bookings and projections. */
  chargeable: boolean;
  /** Sitting at "full": it starts again only `resumeBelowTargetPct` under its target. */
  full: boolean;
  /** The CV phase has ended (current below the cut-off at the CV voltage): done, whatever the SoC says. */
  cvDone: boolean;
  departureAt: number | null;
}

export interface PlanEntry {
  grantA: number;
  targetSocPct: number;
  /** Earliest of departure and booking, epoch ms; null when none. */
  deadline: number | null;
  bookingId: string | null;
  /** Projected SoC at the deadline under this budget; null without a deadline. */
  expectedSocPct: number | null;
  /** The deadline's target will not be reached. */
  atRisk: boolean;
  needsCharge: boolean;
}

export interface BookingStatus {
  booking: Booking;
  docks: number[];
  expectedSocPct: number[];
  /** Packs the booking asked for that no dock could supply. */
  missing: number;
  atRisk: boolean;
}

export interface Plan {
  entries: Map<number, PlanEntry>;
  bookings: BookingStatus[];
  budgetW: number;
  usedW: number;
}

const HOUR_MS = 3_600_000;
const floor2 = (x: number) => Math.floor(x * 100 + 1e-9) / 100;

function minutesOfDay(now: number, utcOffsetMin: number): number {
  const m = Math.floor((now + utcOffsetMin * 60_000) / 60_000) % 1440;
  return m < 0 ? m + 1440 : m;
}

const hhmmToMin = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** Grid-side budget in force at `now`, W: the tightest of the base limits, the live override and a schedule window. */
export function budgetWatts(now: number, cfg: BudgetConfig, override?: BudgetOverride): number {
  let w = Infinity;
  const take = (maxW: number | undefined, maxA: number | undefined) => {
    if (maxW !== undefined) w = Math.min(w, maxW);
    if (maxA !== undefined) w = Math.min(w, maxA * cfg.gridV);
  };
  take(cfg.maxW, cfg.maxA);
  if (override) take(override.maxW, override.maxA);
  if (cfg.schedule.length > 0) {
    const m = minutesOfDay(now, cfg.utcOffsetMin);
    for (const win of cfg.schedule) {
      const from = hhmmToMin(win.from);
      const to = hhmmToMin(win.to);
      const inside = from <= to ? m >= from && m < to : m >= from || m < to;
      if (inside) take(win.maxW, win.maxA);
    }
  }
  return Number.isFinite(w) ? Math.max(0, w) : 0;
}

export interface CurrentLimit {
  /** What the planner may grant at most now, A. */
  limitA: number;
  /** The battery's own charge limit before derating (for the over-current interlock), A. */
  batteryLimitA: number;
  /** Why the limit is 0, if it is. */
  why?: string;
}

/** A battery's current limit now: C-rate and BMS cap, temperature bands, pre-charge, health, taper, charger maximum. */
export function currentLimit(
  b: BmsReading,
  dock: DockChargeConfig,
  health: BatteryHealth | undefined,
  cfg: ChargingConfig,
): CurrentLimit {
  if (!(b.nominalAh > 0)) return { limitA: 0, batteryLimitA: 0, why: 'battery reports no capacity' };
  // A retired pack is not charged at all (the quarantine check then blocks it once the charger is off).
  if (health?.retire === true) return { limitA: 0, batteryLimitA: 0, why: 'battery is retired' };
  const batteryLimitA = Math.min(cfg.chargeCRate * b.nominalAh, dock.batteryMaxA ?? Infinity);
  let cRate = b.tempsC.length === 0 ? 0 : Infinity;
  for (const t of b.tempsC) cRate = Math.min(cRate, deratedCRate(t, cfg));
  if (cRate <= 0) return { limitA: 0, batteryLimitA, why: 'battery temperature outside the charge window' };
  let lowCell = Infinity;
  for (const v of b.cellsV) lowCell = Math.min(lowCell, v);
  if (lowCell < cfg.cells.prechargeBelowCellV) cRate = Math.min(cRate, cfg.cells.prechargeCRate);
  let a = Math.min(batteryLimitA, cRate * b.nominalAh, dock.chargerMaxA);
  if (health?.sohPct !== undefined && health.sohPct < cfg.lowHealth.sohPct) a *= cfg.lowHealth.factor;
  const t = cfg.taper;
  if (b.socPct > t.startSocPct) {
    const f = 1 - ((b.socPct - t.startSocPct) / (100 - t.startSocPct)) * (1 - t.minFraction);
    a *= Math.max(t.minFraction, f);
  }
  return { limitA: Math.max(0, a), batteryLimitA };
}

/** Priority: booked packs, then the soonest deadline, then the lowest SoC; dock number breaks ties (determinism). */
interface Work {
  c: PlanCandidate;
  target: number;
  deadline: number;
  bookingId: string | null;
  needs: boolean;
  /** Scratch: SoC reachable by the booking being placed. */
  score: number;
}

const byPriority = (a: Work, b: Work): number =>
  (a.bookingId === null ? 1 : 0) - (b.bookingId === null ? 1 : 0) ||
  a.deadline - b.deadline ||
  a.c.socPct - b.c.socPct ||
  a.c.dock - b.c.dock;

/** SoC a pack could reach by `at` charging at its own limit (budget ignored): how bookings pick their packs. */
function reachable(c: PlanCandidate, at: number, now: number): number {
  if (!c.chargeable || c.nominalAh <= 0) return c.socPct;
  return Math.min(100, c.socPct + ((c.maxA * Math.max(0, at - now)) / HOUR_MS / c.nominalAh) * 100);
}

export function planCharging(
  cands: readonly PlanCandidate[],
  bookings: readonly Booking[],
  budgetW: number,
  now: number,
  cfg: ChargingConfig,
): Plan {
  const work: Work[] = cands.map((c) => {
    let target = cfg.storageTargetSocPct;
    let deadline = Infinity;
    if (c.departureAt !== null && c.departureAt > now) {
      deadline = c.departureAt;
      if (c.departureAt - now <= cfg.departureHorizonMs) target = Math.max(target, cfg.departureTargetSocPct);
    }
    return { c, target, deadline, bookingId: null, needs: false, score: 0 };
  });

  // Bookings, earliest first, each reserve the packs that can best make it, never one pack twice.
  const statuses: BookingStatus[] = [];
  const active = bookings
    .filter((b) => b.at > now && b.packs > 0)
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  for (const bk of active) {
    const pool = work.filter((w) => w.bookingId === null);
    for (const w of pool) w.score = reachable(w.c, bk.at, now);
    pool.sort((a, b) => b.score - a.score || b.c.socPct - a.c.socPct || a.c.dock - b.c.dock);
    const chosen = pool.slice(0, bk.packs);
    for (const w of chosen) {
      w.bookingId = bk.id;
      w.deadline = Math.min(w.deadline, bk.at);
      w.target = Math.max(w.target, bk.minSocPct);
    }
    statuses.push({
      booking: bk,
      docks: chosen.map((w) => w.c.dock),
      expectedSocPct: [],
      missing: bk.packs - chosen.length,
      atRisk: false,
    });
  }

  for (const w of work) {
    const c = w.c;
    const margin = c.full ? cfg.resumeBelowTargetPct : 0;
    // At a 100 % target the end is the CV cut-off, not the SoC (a BMS often shows 100 % before the CV phase ends).
    const below = w.target >= 100 ? !c.cvDone && !(c.full && c.socPct >= 100 - margin) : c.socPct < w.target - margin;
    w.needs = c.chargeable && below && c.maxA >= cfg.minCurrentA;
  }
  work.sort(byPriority);

  // Greedy in priority order: each takes what its limit allows of what is left. Floors keep the sum under budget.
  const eff = cfg.budget.efficiency;
  const entries = new Map<number, PlanEntry>();
  let leftW = budgetW;
  // The projection treats the budget as energy over time: a deadline gets what its own rate allows, and what
  // the higher-priority deadlines before it have not used of budget x time.
  let usedWh = 0;
  for (const w of work) {
    const c = w.c;
    const wPerA = c.voltageV / eff;
    let grantA = 0;
    if (w.needs && wPerA > 0) {
      grantA = floor2(Math.min(c.maxA, leftW / wPerA));
      if (grantA < cfg.minCurrentA) grantA = 0;
      leftW = Math.max(0, leftW - grantA * wPerA);
    }
    let expected: number | null = null;
    let atRisk = false;
    if (Number.isFinite(w.deadline)) {
      const hours = (w.deadline - now) / HOUR_MS;
      const needAh = Math.max(0, ((w.target - c.socPct) / 100) * c.nominalAh);
      const ownAh = w.needs ? c.maxA * hours : 0;
      const poolAh = wPerA > 0 ? Math.max(0, budgetW * hours - usedWh) / wPerA : 0;
      const gotAh = Math.min(needAh, ownAh, poolAh);
      usedWh += gotAh * wPerA;
      expected =
        c.nominalAh > 0 ? Math.round(Math.min(100, c.socPct + (gotAh / c.nominalAh) * 100) * 10) / 10 : c.socPct;
      atRisk = expected < w.target - cfg.deadlineMarginPct && !(w.target >= 100 && c.cvDone);
    }
    entries.set(c.dock, {
      grantA,
      targetSocPct: w.target,
      deadline: Number.isFinite(w.deadline) ? w.deadline : null,
      bookingId: w.bookingId,
      expectedSocPct: expected,
      atRisk,
      needsCharge: w.needs,
    });
  }
  for (const s of statuses) {
    s.expectedSocPct = s.docks.map((d) => entries.get(d)?.expectedSocPct ?? 0);
    s.atRisk = s.missing > 0 || s.expectedSocPct.some((x) => x < s.booking.minSocPct - cfg.deadlineMarginPct);
  }
  return { entries, bookings: statuses, budgetW, usedW: budgetW - leftW };
}
