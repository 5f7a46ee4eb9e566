// Follows one dock's battery from reading to reading and cuts its charge sessions: the rested reading before the
// charge (start anchor), the coulomb count and balancer bleed, current steps, temperatures, the end of charge and
// the rested reading after it (end anchor). A closed session becomes one ChargeSession with its evidence.

import type { ChargeSession, SessionEndReason } from '../../contract/battery-health.ts';
import { measureCapacity, type Anchor } from './capacity-measure.ts';
import type { HealthConfig } from './health-config.ts';
import type { HealthSample } from './health-sample.ts';
import { StepDetector } from './resistance-steps.ts';

/** A session that never rests long enough after its charge is closed after this long anyway, ms. */
const MAX_SESSION_MS = 48 * 3_600_000;

interface TempAccumulator {
  observedS: number;
  aboveHotS: number;
  belowColdS: number;
  maxC: number | null;
  minC: number | null;
}

interface OpenSession {
  batteryId: string;
  startedAt: number;
  start: Anchor | null;
  startSocPct: number;
  ah: number;
  wh: number;
  bleedAh: number[];
  /** Why the coulomb count is incomplete (a gap in the readings), or null. */
  broken: string | null;
  lastCharging: HealthSample;
  faultSeen: boolean;
}

const newTemps = (): TempAccumulator => ({ observedS: 0, aboveHotS: 0, belowColdS: 0, maxC: null, minC: null });

export class SessionTracker {
  private prev: HealthSample | null = null;
  private restSince: number | null = null;
  private session: OpenSession | null = null;
  private temps = newTemps();
  private readonly steps: StepDetector;

  constructor(
    readonly dock: number,
    private readonly cfg: HealthConfig,
  ) {
    this.steps = new StepDetector(cfg);
  }

  /** Feeds one reading; returns the sessions it closed (a new battery closes the old one's). */
  add(s: HealthSample): ChargeSession[] {
    const closed: ChargeSession[] = [];
    const prev = this.prev;
    if (prev && prev.bms.id !== s.bms.id) {
      const c = this.absent(prev.at);
      if (c) closed.push(c);
    }
    const cfg = this.cfg;
    const p = this.prev;
    const dtS = p ? (s.at - p.at) / 1000 : 0;
    const i = s.bms.currentA;
    const resting = Math.abs(i) <= cfg.restCurrentA;
    // A long gap matters only when current may have flowed in it: between two resting readings nothing moved.
    const gap = p !== null && dtS > cfg.maxGapS && !(resting && Math.abs(p.bms.currentA) <= cfg.restCurrentA);
    if (gap) {
      this.steps.reset();
      this.restSince = null;
      if (this.session && !this.session.broken) this.session.broken = `no readings for ${Math.round(dtS)} s`;
    }
    if (!this.session && i >= cfg.chargeStartA) this.open(s, gap ? null : p);
    if (p && !gap && dtS > 0) this.integrate(p, s, dtS);
    this.steps.add(s);
    if (resting) this.restSince ??= s.at;
    else this.restSince = null;
    this.prev = s;
    const open = this.session;
    if (!open) {
      // Between sessions only the recent temperatures matter (the rest before the next charge).
      if (this.temps.observedS > 6 * 3600) this.temps = newTemps();
      return closed;
    }
    if (s.fault) open.faultSeen = true;
    if (i >= cfg.chargeStartA) open.lastCharging = s;
    const restS = this.restS(s);
    if (resting && restS >= cfg.minRestS && open.lastCharging.at < s.at) {
      closed.push(this.close(s, { at: s.at, cellsV: s.bms.cellsV, restS }));
    } else if (s.at - open.startedAt > MAX_SESSION_MS) {
      closed.push(this.close(s, null));
    }
    return closed;
  }

  /** The dock is empty (or the battery stopped answering): closes an open session as removed. */
  absent(at: number): ChargeSession | null {
    const last = this.prev;
    const open = this.session;
    this.prev = null;
    this.restSince = null;
    this.steps.reset();
    if (!open || !last) {
      this.temps = newTemps();
      return null;
    }
    const closed = this.close({ ...last, at: Math.max(last.at, at) }, null, 'removed');
    this.temps = newTemps();
    return closed;
  }

  private restS(s: HealthSample): number {
    return this.restSince === null ? 0 : (s.at - this.restSince) / 1000;
  }

  private open(s: HealthSample, prev: HealthSample | null): void {
    const rested = prev !== null && Math.abs(prev.bms.currentA) <= this.cfg.restCurrentA;
    this.session = {
      batteryId: s.bms.id,
      startedAt: s.at,
      start: rested ? { at: prev.at, cellsV: prev.bms.cellsV, restS: this.restS(prev) } : null,
      startSocPct: (rested ? prev : s).bms.socPct,
      ah: 0,
      wh: 0,
      bleedAh: s.bms.cellsV.map(() => 0),
      broken: null,
      lastCharging: s,
      faultSeen: s.fault === true,
    };
    this.steps.take(); // steps measured before this charge belong to no session
  }

  private integrate(p: HealthSample, s: HealthSample, dtS: number): void {
    const t = this.temps;
    const temp = s.bms.tempsC.length ? Math.max(...s.bms.tempsC) : null;
    if (temp !== null) {
      t.observedS += dtS;
      if (temp > this.cfg.hotC) t.aboveHotS += dtS;
      if (temp < this.cfg.coldC) t.belowColdS += dtS;
      t.maxC = t.maxC === null ? temp : Math.max(t.maxC, temp);
      t.minC = t.minC === null ? temp : Math.min(t.minC, temp);
    }
    const open = this.session;
    if (!open) return;
    const hours = dtS / 3600;
    open.ah += ((p.bms.currentA + s.bms.currentA) / 2) * hours;
    open.wh += ((p.bms.currentA * p.bms.voltageV + s.bms.currentA * s.bms.voltageV) / 2) * hours;
    for (const cell of p.bms.balancing) {
      const k = cell - 1;
      if (k >= 0 && k < open.bleedAh.length)
        open.bleedAh[k] = (open.bleedAh[k] ?? 0) + this.cfg.balanceCurrentA * hours;
    }
  }

  private close(last: HealthSample, end: Anchor | null, reason?: SessionEndReason): ChargeSession {
    const open = this.session;
    if (!open) throw new Error('no open session to close');
    this.session = null;
    const cfg = this.cfg;
    const nominalAh = last.bms.nominalAh;
    const lc = open.lastCharging;
    const full = lc.bms.currentA <= cfg.fullCutoffC * nominalAh;
    const endReason: SessionEndReason = open.faultSeen ? 'fault' : (reason ?? (full ? 'full' : 'stopped'));
    const cap = open.broken
      ? ({ ok: false, why: `coulomb count incomplete: ${open.broken}` } as const)
      : measureCapacity(open.start, end, open.ah, open.bleedAh, cfg);
    const t = this.temps;
    this.temps = newTemps();
    const spread = (cells: readonly number[]): number | null =>
      cells.length ? Math.round((Math.max(...cells) - Math.min(...cells)) * 1000 * 10) / 10 : null;
    const eoc = lc.bms.cellsV;
    return {
      batteryId: open.batteryId,
      dock: this.dock,
      startedAt: Math.round(open.startedAt),
      endedAt: Math.round(last.at),
      endReason,
      nominalAh,
      bmsCycles: last.bms.cycles,
      startSocPct: open.startSocPct,
      endSocPct: last.bms.socPct,
      chargedAh: round(open.ah, 4),
      chargedWh: round(open.wh, 2),
      equivalentCycles: nominalAh > 0 ? round(Math.max(0, open.ah) / nominalAh, 4) : 0,
      capacity: cap.ok ? cap.value : null,
      capacityWhyNot: cap.ok ? null : cap.why,
      resistance: this.steps.take().slice(0, 16),
      imbalance: {
        restStartMv: open.start ? spread(open.start.cellsV) : null,
        endOfChargeMv: spread(eoc),
        highCell: eoc.length ? eoc.indexOf(Math.max(...eoc)) + 1 : null,
        lowCell: eoc.length ? eoc.indexOf(Math.min(...eoc)) + 1 : null,
      },
      temperature: {
        observedS: Math.round(t.observedS),
        aboveHotS: Math.round(t.aboveHotS),
        belowColdS: Math.round(t.belowColdS),
        hotLimitC: cfg.hotC,
        coldLimitC: cfg.coldC,
        maxC: t.maxC,
        minC: t.minC,
      },
    };
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
