// The charging policy (one zod schema): loop timing, safety limits, quarantine limits, the station's power budget and
// how it is shared. Units, defaults and ranges live in the descriptions; the limits follow shared/protocols.md §5.

import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (00:00..23:59)');

const deratingBandSchema = z.object({
  minC: z.number().min(-40).max(100).describe('band start, °C (inclusive)'),
  maxC: z.number().min(-40).max(100).describe('band end, °C (exclusive, except at the top of the window)'),
  cRate: z.number().min(0).max(2).describe('largest charge current in this band, multiple of nominal capacity (1/h)'),
});

const budgetWindowSchema = z.object({
  from: hhmm.describe('start, station local time HH:MM'),
  to: hhmm.describe('end (exclusive), station local time HH:MM; earlier than from = wraps past midnight'),
  maxW: z.number().nonnegative().max(1_000_000).optional().describe('grid-side power limit in this window, W'),
  maxA: z.number().nonnegative().max(10_000).optional().describe('grid-side current limit in this window, A'),
});

export const budgetConfigSchema = z.object({
  maxW: z
    .number()
    .nonnegative()
    .max(1_000_000)
    .optional()
    .describe('grid connection power limit, W; the tighter of maxW and maxA x gridV applies'),
  maxA: z.number().nonnegative().max(10_000).optional().describe('grid connection current limit, A'),
  gridV: z.number().min(100).max(480).default(230).describe('grid voltage used to turn A limits into W, V'),
  efficiency: z
    .number()
    .min(0.5)
    .max(1)
    .default(0.9)
    .describe('charger efficiency (DC out / grid in): grid W = V x A / efficiency'),
  schedule: z
    .array(budgetWindowSchema)
    .default([])
    .describe('time-of-day limits; inside a window the tighter of it and the base limit applies'),
  utcOffsetMin: z
    .number()
    .int()
    .min(-720)
    .max(840)
    .default(0)
    .describe('station local time minus UTC, minutes (for the schedule)'),
});
export type BudgetConfig = z.infer<typeof budgetConfigSchema>;

export const chargingConfigSchema = z.object({
  tickMs: z.number().int().min(10).max(10_000).default(100).describe('charge loop period, ms'),
  pollPeriodMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(500)
    .describe('device poll period, ms (the freshness limit counts in polls)'),
  freshnessPolls: z.number().min(1).max(20).default(3).describe('a reading older than this many poll periods is stale'),
  cells: z
    .object({
      cvCellV: z
        .number()
        .min(3.6)
        .max(4.4)
        .default(4.2)
        .describe('CV voltage per cell, V; charger voltage set-point = series x cvCellV'),
      limitCellV: z
        .number()
        .min(3.6)
        .max(4.5)
        .default(4.25)
        .describe('interlock: any cell above this trips the dock, V'),
      minCellV: z
        .number()
        .min(1.5)
        .max(3.5)
        .default(2.5)
        .describe('quarantine: any cell below this is deeply discharged, V'),
      prechargeBelowCellV: z
        .number()
        .min(2)
        .max(3.6)
        .default(3.0)
        .describe('below this cell voltage charge gently (pre-charge), V'),
      prechargeCRate: z
        .number()
        .min(0)
        .max(1)
        .default(0.1)
        .describe('pre-charge current, multiple of nominal capacity (1/h)'),
    })
    .prefault({}),
  temperature: z
    .object({
      minC: z
        .number()
        .min(-20)
        .max(20)
        .default(0)
        .describe('lowest battery temperature for charging, °C (lithium plating below)'),
      maxC: z.number().min(30).max(60).default(45).describe('highest battery temperature for charging, °C'),
      hysteresisC: z
        .number()
        .min(0)
        .max(10)
        .default(2)
        .describe('a temperature fault clears only this far inside the window, °C'),
      derating: z
        .array(deratingBandSchema)
        .default([
          { minC: 0, maxC: 5, cRate: 0.1 },
          { minC: 5, maxC: 15, cRate: 0.2 },
          { minC: 15, maxC: 42, cRate: 0.5 },
          { minC: 42, maxC: 45, cRate: 0.2 },
        ])
        .describe('JEITA-style bands; a temperature in no band gets 0 (no charge)'),
    })
    .prefault({}),
  chargeCRate: z
    .number()
    .min(0.05)
    .max(2)
    .default(0.5)
    .describe('standard charge current, multiple of nominal capacity (1/h)'),
  minCurrentA: z
    .number()
    .min(0)
    .max(5)
    .default(0.2)
    .describe('smallest current worth granting, A (below it the charger stays off)'),
  fullCutoffCRate: z
    .number()
    .min(0.005)
    .max(0.2)
    .default(0.05)
    .describe('CV done when current falls below this x nominal capacity (C/20)'),
  taper: z
    .object({
      startSocPct: z.number().min(50).max(100).default(90).describe('current limit starts to taper above this SoC, %'),
      minFraction: z.number().min(0.01).max(1).default(0.2).describe('fraction of the current limit left at 100 % SoC'),
    })
    .prefault({}),
  storageTargetSocPct: z
    .number()
    .min(20)
    .max(100)
    .default(80)
    .describe('stop here unless a departure or booking needs more, %'),
  departureTargetSocPct: z.number().min(20).max(100).default(100).describe('charge to this before a departure, %'),
  departureHorizonMs: z
    .number()
    .int()
    .min(0)
    .default(12 * 3_600_000)
    .describe('a departure further away than this keeps the storage target, ms'),
  deadlineMarginPct: z
    .number()
    .min(0)
    .max(20)
    .default(3)
    .describe(
      'a departure or booking projected within this of its target counts as met, % SoC (gauges read low near full)',
    ),
  resumeBelowTargetPct: z
    .number()
    .min(0)
    .max(20)
    .default(3)
    .describe('a full battery starts again only this far below its target, % SoC'),
  lowHealth: z
    .object({
      sohPct: z.number().min(0).max(100).default(80).describe('below this state of health charge gently, %'),
      factor: z.number().min(0.05).max(1).default(0.5).describe('current limit factor for low-health batteries'),
      retireBelowSohPct: z
        .number()
        .min(0)
        .max(100)
        .default(60)
        .describe('below this state of health a battery is quarantined as retire, %'),
    })
    .prefault({}),
  maxCellSpreadV: z
    .number()
    .min(0.005)
    .max(1)
    .default(0.1)
    .describe('quarantine: highest minus lowest cell above this, V'),
  charger: z
    .object({
      overVoltageTolV: z.number().min(0).max(5).default(0.5).describe('output V may exceed its set-point by this, V'),
      overCurrentTolA: z
        .number()
        .min(0)
        .max(10)
        .default(0.5)
        .describe('output A may exceed its set-point or the battery limit by this, A'),
      ignoreSetpointReadings: z
        .number()
        .int()
        .min(1)
        .max(50)
        .default(3)
        .describe('this many readings in a row above the grant (+tol) = ignores set-points'),
      offCurrentA: z.number().min(0).max(2).default(0.2).describe('at most this current counts as off, A'),
      offSettleMs: z
        .number()
        .int()
        .min(0)
        .max(10_000)
        .default(300)
        .describe('readings taken this soon after an off command may still show on, ms'),
      offConfirmMs: z
        .number()
        .int()
        .min(100)
        .max(60_000)
        .default(1500)
        .describe('a charger not confirmed off this long after the command has a stuck relay, ms'),
    })
    .prefault({}),
  recovery: z
    .object({
      holdMs: z
        .number()
        .int()
        .min(0)
        .max(600_000)
        .default(10_000)
        .describe(
          'a fault that clears by itself (stale data, temperature) lets charging resume only after this long with good readings, ms',
        ),
      fetRetryMs: z
        .number()
        .int()
        .min(200)
        .max(60_000)
        .default(2000)
        .describe('a BMS charge-FET write not confirmed by the readings is sent again this often, ms (safety lane)'),
      cycleWarnCount: z
        .number()
        .int()
        .min(2)
        .max(1000)
        .default(6)
        .describe('this many charger switch-ons of one dock within cycleWarnWindowMs raise a warning'),
      cycleWarnWindowMs: z
        .number()
        .int()
        .min(60_000)
        .max(86_400_000)
        .default(3_600_000)
        .describe('window for cycleWarnCount, ms (default one hour)'),
    })
    .prefault({})
    .describe('how the station recovers from faults, confirms its safety actions and watches relay wear'),
  batteryGoneMs: z
    .number()
    .int()
    .min(0)
    .default(10_000)
    .describe('a charging dock whose BMS stays silent this long (charger off) counts as empty, ms'),
  leaseTicks: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('a granted set-point is valid this many ticks unless renewed'),
  budget: budgetConfigSchema.prefault({ maxW: 3000 }).describe('station power budget (default 3 kW)'),
});

export type ChargingConfig = z.infer<typeof chargingConfigSchema>;
export type ChargingConfigInput = z.input<typeof chargingConfigSchema>;

/** Parses a policy (throws a ZodError listing every problem); `{}` gives the defaults. */
export function chargingConfig(input: ChargingConfigInput = {}): ChargingConfig {
  return chargingConfigSchema.parse(input);
}

/** Age beyond which a reading no longer counts, ms. */
export function freshnessLimitMs(cfg: ChargingConfig): number {
  return cfg.freshnessPolls * cfg.pollPeriodMs;
}

/** Charge rate allowed at a temperature (the bands), 0 outside the window. */
export function deratedCRate(tempC: number, cfg: ChargingConfig): number {
  const t = cfg.temperature;
  if (!(tempC >= t.minC && tempC <= t.maxC)) return 0;
  for (const b of t.derating) {
    if (tempC >= b.minC && (tempC < b.maxC || (tempC === b.maxC && b.maxC === t.maxC)))
      return Math.min(b.cRate, cfg.chargeCRate);
  }
  return 0;
}
