// Combines a pack's charge sessions (as the stations measured them) into the health figures the API serves:
// state of health and resistance as inverse-variance means of the recent measurements, cycles by coulomb counting,
// imbalance and its trend, time hot and cold. Each says "not enough data" rather than guess.

import type { BatteryEstimates, ChargeSession, Estimate, EstimateReasonCode } from '../../contract/battery-health.ts';

export interface EstimateOptions {
  /** Capacity measurements combined for state of health (the newest). Default 6. */
  sohMeasurements: number;
  /** Resistance measurements combined (the newest). Default 8. */
  resistanceMeasurements: number;
  /** Sessions with an imbalance reading needed for a trend, and the days they must span. */
  trendSessions: number;
  trendMinDays: number;
}

export const DEFAULT_ESTIMATE_OPTIONS: EstimateOptions = {
  sohMeasurements: 6,
  resistanceMeasurements: 8,
  trendSessions: 4,
  trendMinDays: 3,
};

const DAY_MS = 86_400_000;

interface Weighted {
  value: number;
  sigma: number;
  at: number;
}

/** Inverse-variance mean; its σ is the larger of the propagated one and the scatter's standard error. */
export function weightedMean(xs: readonly Weighted[]): { mean: number; sigma: number } | null {
  if (xs.length === 0) return null;
  let sw = 0;
  let swx = 0;
  for (const x of xs) {
    const w = 1 / Math.max(x.sigma, 1e-9) ** 2;
    sw += w;
    swx += w * x.value;
  }
  const mean = swx / sw;
  let sigma = Math.sqrt(1 / sw);
  if (xs.length >= 3) {
    const ss = xs.reduce((a, x) => a + (x.value - mean) ** 2, 0);
    sigma = Math.max(sigma, Math.sqrt(ss / (xs.length - 1) / xs.length));
  }
  return { mean, sigma };
}

/** Not enough data: the reason in English for scripts, and as a code (with its figures) for the dashboard. */
function none(
  unit: string,
  method: string,
  reasonCode: EstimateReasonCode,
  reason: string,
  reasonParams?: Record<string, number>,
): Estimate {
  return {
    status: 'not-enough-data',
    value: null,
    uncertainty: null,
    unit,
    sessions: 0,
    method,
    reason,
    reasonCode,
    ...(reasonParams ? { reasonParams } : {}),
    updatedAt: null,
  };
}

function ok(value: number, sigma: number | null, unit: string, sessions: number, method: string, at: number): Estimate {
  return {
    status: 'ok',
    value: round(value, 3),
    uncertainty: sigma === null ? null : round(2 * sigma, 3),
    unit,
    sessions,
    method,
    updatedAt: Math.round(at),
  };
}

const SOH_METHOD =
  'capacity / rated: charge counted per cell between rested open-circuit voltages before and after a charge, weakest cell, mean of the newest sessions';
const R_METHOD = 'DC resistance from the voltage step when the charger current steps, normalised to 25 °C';

/** Health figures from a pack's sessions (any order); `nominalAh` is the rated capacity when sessions lack it. */
export function estimateHealth(
  sessions: readonly ChargeSession[],
  opts: EstimateOptions = DEFAULT_ESTIMATE_OPTIONS,
): BatteryEstimates {
  const sorted = [...sessions].sort((a, b) => a.endedAt - b.endedAt);
  const last = sorted[sorted.length - 1];
  return {
    stateOfHealth: stateOfHealth(sorted, opts),
    internalResistance: resistance(sorted, opts),
    equivalentCycles: {
      ...(last
        ? ok(
            sorted.reduce((a, s) => a + s.equivalentCycles, 0),
            null,
            'cycles',
            sorted.length,
            'charge counted into the pack / rated capacity, summed over the sessions seen',
            last.endedAt,
          )
        : none('cycles', 'coulomb counting', 'no-session', 'no charge session seen yet')),
      bmsCycles: last?.bmsCycles ?? null,
    },
    ...imbalance(sorted, opts),
    timeHot: timeAt(sorted, 'aboveHotS', 'above'),
    timeCold: timeAt(sorted, 'belowColdS', 'below'),
    sessions: sorted.length,
  };
}

function stateOfHealth(sorted: readonly ChargeSession[], opts: EstimateOptions): Estimate {
  const with_ = sorted.filter((s) => s.capacity !== null && s.nominalAh > 0).slice(-opts.sohMeasurements);
  if (with_.length === 0) {
    const why = sorted[sorted.length - 1]?.capacityWhyNot;
    return sorted.length === 0
      ? none('%', SOH_METHOD, 'no-session', 'no charge session seen yet')
      : none(
          '%',
          SOH_METHOD,
          'no-capacity-session',
          `no session yet measured the capacity${why ? ` (last one: ${why})` : ''}`,
        );
  }
  const m = weightedMean(
    with_.map((s) => ({
      value: (100 * (s.capacity?.ah ?? 0)) / s.nominalAh,
      sigma: (100 * (s.capacity?.sigmaAh ?? 0)) / s.nominalAh,
      at: s.endedAt,
    })),
  );
  const at = with_[with_.length - 1]?.endedAt ?? 0;
  return m
    ? ok(m.mean, m.sigma, '%', with_.length, SOH_METHOD, at)
    : none('%', SOH_METHOD, 'no-measurement', 'no measurement');
}

function resistance(sorted: readonly ChargeSession[], opts: EstimateOptions): BatteryEstimates['internalResistance'] {
  const all = sorted.flatMap((s) => s.resistance.map((r) => ({ r, session: s })));
  if (all.length === 0)
    return {
      ...(sorted.length === 0
        ? none('mΩ', R_METHOD, 'no-session', 'no charge session seen yet')
        : none('mΩ', R_METHOD, 'no-current-step', 'no current step measured yet')),
      first: null,
    };
  const pick = (xs: typeof all): Weighted[] =>
    xs.map(({ r }) => ({ value: 1000 * r.ohm25, sigma: 1000 * r.sigmaOhm25, at: r.at }));
  const recent = all.slice(-opts.resistanceMeasurements);
  const firstSession = all[0]?.session;
  const first = weightedMean(pick(all.filter((x) => x.session === firstSession)));
  const m = weightedMean(pick(recent));
  const sessions = new Set(recent.map((x) => x.session)).size;
  const at = recent[recent.length - 1]?.r.at ?? 0;
  return {
    ...(m
      ? ok(m.mean, m.sigma, 'mΩ', sessions, R_METHOD, at)
      : none('mΩ', R_METHOD, 'no-measurement', 'no measurement')),
    first: first ? round(first.mean, 3) : null,
  };
}

function imbalance(
  sorted: readonly ChargeSession[],
  opts: EstimateOptions,
): Pick<BatteryEstimates, 'cellImbalanceRest' | 'cellImbalanceEndOfCharge' | 'imbalanceTrend'> {
  const rest = sorted.filter((s) => s.imbalance.restStartMv !== null);
  const eoc = sorted.filter((s) => s.imbalance.endOfChargeMv !== null && s.endReason === 'full');
  const lastRest = rest[rest.length - 1];
  const lastEoc = eoc[eoc.length - 1];
  const restMethod = 'highest minus lowest cell voltage at rest before the latest charge';
  const eocMethod = 'highest minus lowest cell voltage at the end of the latest full charge';
  const trendMethod = 'least-squares slope of the end-of-charge spread over the recent full charges';
  const recent = eoc.slice(-Math.max(opts.trendSessions, 8));
  const spanDays = recent.length ? ((recent[recent.length - 1]?.endedAt ?? 0) - (recent[0]?.endedAt ?? 0)) / DAY_MS : 0;
  let trend: Estimate;
  if (recent.length < opts.trendSessions || spanDays < opts.trendMinDays) {
    trend = none(
      'mV/week',
      trendMethod,
      'trend-short',
      `needs ${opts.trendSessions} full charges over ${opts.trendMinDays} days, has ${recent.length} over ${spanDays.toFixed(1)}`,
      { need: opts.trendSessions, days: opts.trendMinDays, has: recent.length, span: Number(spanDays.toFixed(1)) },
    );
  } else {
    const fit = slope(recent.map((s) => ({ x: s.endedAt / (7 * DAY_MS), y: s.imbalance.endOfChargeMv ?? 0 })));
    trend = ok(fit.slope, fit.sigma, 'mV/week', recent.length, trendMethod, recent[recent.length - 1]?.endedAt ?? 0);
  }
  return {
    cellImbalanceRest: lastRest
      ? ok(lastRest.imbalance.restStartMv ?? 0, null, 'mV', 1, restMethod, lastRest.startedAt)
      : none('mV', restMethod, 'no-rest-reading', 'no rested reading before a charge yet'),
    cellImbalanceEndOfCharge: {
      ...(lastEoc
        ? ok(lastEoc.imbalance.endOfChargeMv ?? 0, null, 'mV', 1, eocMethod, lastEoc.endedAt)
        : none('mV', eocMethod, 'no-full-charge', 'no full charge seen yet')),
      highCell: lastEoc?.imbalance.highCell ?? null,
    },
    imbalanceTrend: trend,
  };
}

function timeAt(sorted: readonly ChargeSession[], key: 'aboveHotS' | 'belowColdS', word: string): Estimate {
  const limit = key === 'aboveHotS' ? 'hotLimitC' : 'coldLimitC';
  const method = `time the warmest sensor read ${word} the limit while docked, summed over the sessions`;
  const observed = sorted.reduce((a, s) => a + s.temperature.observedS, 0);
  const last = sorted[sorted.length - 1];
  if (!last || observed === 0) return none('h', method, 'no-temperature', 'no temperature readings in a session yet');
  const hours = sorted.reduce((a, s) => a + s.temperature[key], 0) / 3600;
  return ok(hours, null, 'h', sorted.length, `${method} (${last.temperature[limit]} °C)`, last.endedAt);
}

function slope(points: readonly { x: number; y: number }[]): { slope: number; sigma: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  const resid = points.reduce((a, p) => a + (p.y - my - b * (p.x - mx)) ** 2, 0);
  const sigma = n > 2 && sxx > 0 ? Math.sqrt(resid / (n - 2) / sxx) : 0;
  return { slope: b, sigma };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
