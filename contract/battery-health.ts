// Battery health on the wire: the summary of one charge session that a station publishes as an event of type
// `charge-session` (its `data`), with the evidence the central side combines into state of health and resistance.

import { z } from 'zod';

/** The event `type` whose `data` is a chargeSessionSchema object. */
export const CHARGE_SESSION_EVENT = 'charge-session';

/**
 * Why a session ended: `full` (the current tapered below the cut-off), `stopped` (the charger was switched off
 * before that: target reached, budget, a mechanic's stop), `removed` (the battery left the dock), `fault`.
 */
export const SESSION_END_REASONS = ['full', 'stopped', 'removed', 'fault'] as const;
export const sessionEndReasonSchema = z.enum(SESSION_END_REASONS);
export type SessionEndReason = z.infer<typeof sessionEndReasonSchema>;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = finite.refine((x) => x >= 0, 'must be >= 0');
const cellIndex = z.number().int().min(1).max(32).describe('1-based cell (series element) number');

/**
 * Capacity measured in one session: charge counted per cell between two rested open-circuit anchors, divided by
 * that cell's state-of-charge change read off the OCV curve; the pack's capacity is its weakest cell's.
 */
export const capacityMeasurementSchema = z.object({
  ah: nonNegative.describe('measured capacity of the weakest cell, Ah'),
  sigmaAh: nonNegative.describe('one standard deviation of that measurement, Ah'),
  windowPct: nonNegative.describe('state-of-charge window the weakest cell covered between the anchors, %'),
  weakestCell: cellIndex,
  startRestS: nonNegative.describe('how long the pack had rested before the start anchor, s'),
  endRestS: nonNegative.describe('how long the pack had rested before the end anchor, s'),
});
export type CapacityMeasurement = z.infer<typeof capacityMeasurementSchema>;

/** DC resistance from one current step of the charger: ΔV/ΔI between two steady plateaus, normalised to 25 °C. */
export const resistanceMeasurementSchema = z.object({
  at: z.number().int().nonnegative().describe('epoch ms of the step'),
  fromA: finite,
  toA: finite,
  ohm: nonNegative.describe('pack DC resistance at the measured temperature, Ω'),
  tempC: finite.describe('pack temperature at the step, °C'),
  ohm25: nonNegative.describe('the same, normalised to 25 °C, Ω'),
  sigmaOhm25: nonNegative.describe('one standard deviation of ohm25, Ω'),
});
export type ResistanceMeasurement = z.infer<typeof resistanceMeasurementSchema>;

export const imbalanceSchema = z.object({
  restStartMv: nonNegative.nullable().describe('highest minus lowest cell at the rested start anchor, mV'),
  endOfChargeMv: nonNegative.nullable().describe('highest minus lowest cell on the last charging reading, mV'),
  highCell: cellIndex.nullable().describe('the highest cell at the end of charge'),
  lowCell: cellIndex.nullable().describe('the lowest cell at the end of charge'),
});
export type Imbalance = z.infer<typeof imbalanceSchema>;

export const sessionTemperatureSchema = z.object({
  observedS: nonNegative.describe('time covered by readings in this session, s'),
  aboveHotS: nonNegative.describe('time above the hot limit (45 °C by default), s'),
  belowColdS: nonNegative.describe('time below the cold limit (0 °C by default), s'),
  hotLimitC: finite,
  coldLimitC: finite,
  maxC: finite.nullable(),
  minC: finite.nullable(),
});

export const chargeSessionSchema = z.object({
  batteryId: z.string().min(1).max(64),
  dock: z.number().int().min(1).max(512),
  startedAt: z.number().int().nonnegative().describe('epoch ms the charge current began'),
  endedAt: z.number().int().nonnegative().describe('epoch ms the session was closed'),
  endReason: sessionEndReasonSchema,
  nominalAh: nonNegative.describe('rated capacity the BMS reports, Ah'),
  bmsCycles: z.number().int().nonnegative().describe("the BMS's own cycle counter at the end"),
  startSocPct: finite.describe("the BMS's state of charge at the start, %"),
  endSocPct: finite.describe("the BMS's state of charge at the end, %"),
  chargedAh: finite.describe('net charge counted into the pack (coulomb counting), Ah'),
  chargedWh: finite.describe('energy into the pack, Wh'),
  equivalentCycles: nonNegative.describe('chargedAh / nominalAh: this session’s share of equivalent full cycles'),
  capacity: capacityMeasurementSchema.nullable(),
  /** Why no capacity came out of this session, in plain words (null when there is one). */
  capacityWhyNot: z.string().max(200).nullable(),
  resistance: z.array(resistanceMeasurementSchema).max(16),
  imbalance: imbalanceSchema,
  temperature: sessionTemperatureSchema,
});
export type ChargeSession = z.infer<typeof chargeSessionSchema>;

/**
 * One health figure as the API serves it. `value` is null exactly when `status` is `not-enough-data` (never 0 for
 * unknown), and `reason` then says what is missing. `uncertainty` is ± two standard deviations, in `unit`.
 */
/** Why an estimate has not enough data, as a code the dashboard words in the page's language. */
export const ESTIMATE_REASON_CODES = [
  'no-session',
  'no-capacity-session',
  'no-measurement',
  'no-current-step',
  'trend-short',
  'no-rest-reading',
  'no-full-charge',
  'no-temperature',
] as const;
export type EstimateReasonCode = (typeof ESTIMATE_REASON_CODES)[number];

export const estimateSchema = z.object({
  status: z.enum(['ok', 'not-enough-data']),
  value: finite.nullable(),
  uncertainty: nonNegative.nullable(),
  unit: z.string().max(16),
  /** Sessions (or measurements) the value rests on. */
  sessions: z.number().int().nonnegative(),
  method: z.string().max(300),
  reason: z.string().max(300).optional(),
  /** `reason` as a code, with its figures (trend-short: need, days, has, span), set with it. */
  reasonCode: z.enum(ESTIMATE_REASON_CODES).optional(),
  reasonParams: z.record(z.string(), finite).optional(),
  /** epoch ms of the newest evidence used. */
  updatedAt: z.number().int().nonnegative().nullable(),
});
export type Estimate = z.infer<typeof estimateSchema>;

export const batteryEstimatesSchema = z.object({
  stateOfHealth: estimateSchema,
  internalResistance: estimateSchema.extend({
    /** The pack's first resistance estimate, mΩ at 25 °C: the baseline of "resistance up 50 %". */
    first: finite.nullable(),
  }),
  equivalentCycles: estimateSchema.extend({ bmsCycles: z.number().int().nonnegative().nullable() }),
  cellImbalanceRest: estimateSchema,
  cellImbalanceEndOfCharge: estimateSchema.extend({ highCell: cellIndex.nullable() }),
  imbalanceTrend: estimateSchema,
  timeHot: estimateSchema,
  timeCold: estimateSchema,
  sessions: z.number().int().nonnegative(),
});
export type BatteryEstimates = z.infer<typeof batteryEstimatesSchema>;

// ---- alerts, work records, passport (HTTP answers) ------------------------------------------------------------

export const healthAlertSchema = z.object({
  id: z.number().int(),
  subjectKind: z.enum(['battery', 'station']),
  subjectId: z.string(),
  /** soh-replace, soh-retire, resistance-rise, cell-drift, over-temperature, missing, no-data. */
  code: z.string(),
  severity: z.enum(['warning', 'fault']),
  raisedAt: z.number().int(),
  clearedAt: z.number().int().nullable(),
  message: z.string().describe('why, in plain words'),
  action: z.string().describe('what to do'),
  recovery: z.string().nullable().describe('set when cleared: what changed'),
  value: z.number().nullable(),
});
export type HealthAlert = z.infer<typeof healthAlertSchema>;

/** `GET /api/alerts`: the open alerts, newest first. */
export const alertListSchema = z.object({ items: z.array(healthAlertSchema) });

export const WORK_KINDS = [
  'cell-rebalanced',
  'connector-replaced',
  'bms-reset',
  'inspected',
  'cell-replaced',
  'retired',
  'other',
] as const;
export const workKindSchema = z.enum(WORK_KINDS);

/** `POST /api/batteries/<id>/work-records` body (a logged-in mechanic). */
export const workRecordBodySchema = z.strictObject({
  kind: workKindSchema,
  note: z.string().max(1000).optional(),
});

export const workRecordSchema = z.object({
  id: z.number().int(),
  batteryId: z.string(),
  at: z.number().int(),
  by: z.string(),
  kind: workKindSchema,
  note: z.string().nullable(),
});
export type WorkRecord = z.infer<typeof workRecordSchema>;

/** Where the pack was: one row per stay at a station's dock (from the 15-minute history). */
export const stationStaySchema = z.object({
  stationId: z.string(),
  dock: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
});

export const estimatePointSchema = z.object({
  ts: z.number().int(),
  sohPct: z.number().nullable(),
  sohUncertainty: z.number().nullable(),
  resistanceMOhm: z.number().nullable(),
  resistanceUncertainty: z.number().nullable(),
  cycles: z.number().nullable(),
});

/** `GET /api/batteries/<id>/passport`: the pack's life in one answer. */
export const passportSchema = z.object({
  batteryId: z.string(),
  retired: z.boolean(),
  firstSeen: z.number().int().nullable(),
  lastSeen: z.number().int().nullable(),
  nominalAh: z.number().nullable(),
  stays: z.array(stationStaySchema),
  sessions: z.array(chargeSessionSchema.extend({ stationId: z.string() })),
  alerts: z.array(healthAlertSchema),
  estimates: batteryEstimatesSchema,
  trend: z.array(estimatePointSchema),
  workRecords: z.array(workRecordSchema),
});
export type Passport = z.infer<typeof passportSchema>;
