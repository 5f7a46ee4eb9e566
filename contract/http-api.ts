// The answers of the broker's HTTP API (`GET /api/...`) as zod schemas: the broker builds its answers as these
// types, the dashboard reads them through JSDoc types from here, and test fixtures are typed by them.

import { z } from 'zod';
import { batteryEstimatesSchema } from './battery-health.ts';
import { faultCodeEntrySchema } from './fault-codes.ts';
import { batterySchema, dockSchema, stationIdSchema } from './messages.ts';

const epochMs = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

/** Every error answer of the API (4xx, 5xx): one sentence a person can read. */
export const apiErrorSchema = z.object({ error: z.string() });
export type ApiErrorAnswer = z.infer<typeof apiErrorSchema>;

/** `GET /healthz`. */
export const healthzSchema = z.object({ ok: z.literal(true) });

// ---- stations ------------------------------------------------------------------------------------------------

/** The station's last retained status, as the central store received it. */
export const stationStatusViewSchema = z.object({
  online: z.boolean(),
  ts: epochMs.describe('when the station sent it'),
  receivedAt: epochMs.describe('when the central store received it'),
  version: z.string().optional(),
  startedAt: z.number().int().optional(),
});

/** One item of `GET /api/stations`, and the answer of `GET /api/stations/<id>`. */
export const stationViewSchema = z.object({
  stationId: stationIdSchema,
  /** Online by its last status and heard from within the broker's stale limit. */
  online: z.boolean(),
  lastSeen: epochMs.nullable().describe('central receive time of the last message of any kind; null if never'),
  lastSeq: count.nullable().describe('highest seq received (telemetry and events); null if none yet'),
  ackSeq: count.describe('every seq from the first up to this one is settled centrally (what the ack says)'),
  missingSeqs: count.describe('seqs below lastSeq the central store lacks'),
  rejectedSeqs: count.describe('seqs whose payload failed validation (settled, not stored as data)'),
  status: stationStatusViewSchema.nullable(),
  telemetryTs: epochMs.nullable().describe('ts of the latest telemetry; its docks follow'),
  docks: z.array(dockSchema),
});
export type StationView = z.infer<typeof stationViewSchema>;

/** `GET /api/stations`. */
export const stationListSchema = z.object({ items: z.array(stationViewSchema) });
export type StationList = z.infer<typeof stationListSchema>;

// ---- batteries -----------------------------------------------------------------------------------------------

export const ALERT_SEVERITIES = ['warning', 'fault'] as const;
export const batteryAlertSchema = z.object({
  /**
   * Stable key for code and translation: from the latest reading `cell-imbalance`, `over-temperature`,
   * `protection:<flag>`; `claimed-twice`; or a health alert's code (HEALTH_ALERT_CODES).
   */
  code: z.string(),
  /** Where it comes from: the latest reading, two stations reporting the pack, or an open health alert. */
  origin: z.enum(['reading', 'conflict', 'health']),
  severity: z.enum(ALERT_SEVERITIES),
  /** The figure it is about: mV (cell spread), °C (reading), or the health alert's own value; null where none. */
  value: z.number().nullable(),
  /** In plain English words, for scripts; the dashboard words it by origin, code and value. */
  message: z.string(),
});
export type BatteryAlert = z.infer<typeof batteryAlertSchema>;

export const batteryHealthSchema = z.object({
  stateOfHealthPct: z.number().nullable().describe('state of health %; null until estimated'),
  cycles: count,
  cellSpreadMv: z.number().nullable().describe('highest minus lowest cell of the latest reading, mV'),
  maxTempC: z.number().nullable().describe('highest sensor of the latest reading, °C'),
  maxTempEverC: z.number().nullable().describe('highest temperature stored for this battery, °C'),
  internalResistanceMOhm: z.number().nullable().describe('internal resistance, mΩ; null until estimated'),
  alerts: z.array(batteryAlertSchema),
});
export type BatteryHealth = z.infer<typeof batteryHealthSchema>;

/** One item of `GET /api/batteries`, and the answer of `GET /api/batteries/<id>`. */
export const batteryViewSchema = z.object({
  batteryId: z.string(),
  /** Where it was last seen. */
  stationId: stationIdSchema,
  dock: z.number().int().min(1),
  ts: epochMs.describe('ts of the telemetry `latest` comes from'),
  /** The last reading as the station sent it: SoC, voltage, current, cells, temperatures. */
  latest: batterySchema,
  health: batteryHealthSchema,
  /** `GET /api/batteries/<id>` only: each health figure with its method, uncertainty and evidence (battery-health.ts). */
  estimates: batteryEstimatesSchema.optional(),
});
export type BatteryView = z.infer<typeof batteryViewSchema>;

/** `GET /api/batteries`. */
export const batteryListSchema = z.object({ items: z.array(batteryViewSchema) });
export type BatteryList = z.infer<typeof batteryListSchema>;

// ---- history -------------------------------------------------------------------------------------------------

export const HISTORY_RESOLUTIONS = ['5s', '1m', '15m', '1h', '1d'] as const;
export const historyResolutionSchema = z.enum(HISTORY_RESOLUTIONS);
export type HistoryResolution = z.infer<typeof historyResolutionSchema>;

/** A 5-second sample, or a bucket's means (with its sample count and extremes) at coarser resolutions. */
export const batteryPointSchema = z.object({
  ts: epochMs.describe('sample time, or the bucket start'),
  stationId: z.string(),
  dock: z.number().int(),
  socPct: z.number(),
  voltageV: z.number(),
  currentA: z.number(),
  cellMinV: z.number().nullable(),
  cellMaxV: z.number().nullable(),
  tempMaxC: z.number().nullable(),
  cycles: z.number(),
  n: count.optional().describe('down-sampled points only: samples in the bucket'),
  socMinPct: z.number().optional(),
  socMaxPct: z.number().optional(),
  currentMinA: z.number().optional(),
  currentMaxA: z.number().optional(),
});
export type BatteryPoint = z.infer<typeof batteryPointSchema>;

/** `GET /api/batteries/<id>/history?from&to&limit&resolution`: points oldest first. */
export const batteryHistorySchema = z.object({
  batteryId: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  resolution: historyResolutionSchema,
  points: z.array(batteryPointSchema),
});
export type BatteryHistory = z.infer<typeof batteryHistorySchema>;

// ---- session and commands ------------------------------------------------------------------------------------

/** The roles a person logs in with (stations and the ingester log in over MQTT only). */
export const SESSION_ROLES = ['viewer', 'mechanic'] as const;
export const sessionRoleSchema = z.enum(SESSION_ROLES);

/** `POST /api/login`'s answer: who is logged in now. */
export const loginAnswerSchema = z.object({ username: z.string(), role: sessionRoleSchema });
export type LoginAnswer = z.infer<typeof loginAnswerSchema>;

/** `GET /api/session`: the logged-in user, or both null for nobody (a normal answer, not a 401). */
export const sessionSchema = z.union([loginAnswerSchema, z.object({ username: z.null(), role: z.null() })]);
export type SessionAnswer = z.infer<typeof sessionSchema>;

/** `POST /api/stations/<id>/commands/<name>`'s answer when the station carried it out. */
export const commandAnswerSchema = z.object({ ok: z.literal(true), result: z.unknown() });
export type CommandAnswer = z.infer<typeof commandAnswerSchema>;

// ---- fault codes ---------------------------------------------------------------------------------------------

/**
 * `GET /api/fault-codes`: the table of contract/fault-codes.ts (title, next action and explanation in German and
 * English per code), so the dashboard names a dock's fault by its `code` in the reader's language.
 */
export const faultCodeTableSchema = z.object({ items: z.array(faultCodeEntrySchema) });
export type FaultCodeTable = z.infer<typeof faultCodeTableSchema>;

// ---- audit trail ---------------------------------------------------------------------------------------------

export const AUDIT_KINDS = ['login', 'command'] as const;
/** How it came in: the dashboard's login form, HTTP Basic (scripts), an MQTT CONNECT (TCP or WebSocket), a POST. */
export const AUDIT_VIAS = ['http-form', 'http-basic', 'mqtt', 'mqtt-ws', 'http'] as const;
/**
 * Logins: ok, refused (wrong password, wrong role, client id not theirs), throttled, busy (too many at once).
 * Commands: ok, refused (by the station), invalid (the broker refused its arguments), offline, timeout, closed
 * (shut-down). not_recorded: a summary row for attempts dropped while more arrived than the trail takes at once.
 */
export const AUDIT_OUTCOMES = [
  'ok',
  'refused',
  'throttled',
  'busy',
  'invalid',
  'offline',
  'timeout',
  'closed',
  'not_recorded',
] as const;

/** One item of `GET /api/audit`. Passwords are never part of it (nor stored anywhere). */
export const auditEntrySchema = z.object({
  id: z.number().int().positive(),
  ts: epochMs,
  kind: z.enum(AUDIT_KINDS),
  user: z.string().describe('the user name as given (first 64 characters); empty for an anonymous MQTT client'),
  address: z.string().nullable().describe('the client address'),
  via: z.enum(AUDIT_VIAS),
  outcome: z.enum(AUDIT_OUTCOMES),
  reason: z.string().nullable().describe("why it was refused (a code such as bad_credentials), or the station's error"),
  stationId: z.string().nullable(),
  dock: z.number().int().nullable(),
  command: z.string().nullable(),
  args: z.record(z.string(), z.unknown()).nullable(),
  answer: z.unknown().describe("the station's result, for a command it carried out"),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `GET /api/audit?kind=&from=&to=&before=&limit=`, newest first (mechanics only). */
export const auditListSchema = z.object({
  items: z.array(auditEntrySchema),
  next: z.number().int().nullable().describe('pass as `before` for the next, older page; null at the end'),
});
export type AuditList = z.infer<typeof auditListSchema>;

/** The query of `GET /api/audit`; from/to are epoch ms (inclusive), `before` an id from `next`. */
export const auditQuerySchema = z.object({
  kind: z.enum(AUDIT_KINDS).optional(),
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

// ---- attention (the fleet overview) ---------------------------------------------------------------------------

/**
 * What can need a person, in the order of `kind` used to rank items of the same severity: a dock in fault, an
 * unconfirmed safety action, a BMS protection flag, a hot pack, a cell spread, a fault that waits for the
 * acknowledge button, a station whose data is stale, a pack reported by two stations, a battery-health alert.
 */
export const ATTENTION_KINDS = [
  'dock-fault',
  'alarm',
  'protection',
  'hot',
  'cell-spread',
  'awaiting-ack',
  'stale',
  'claimed-twice',
  'health-alert',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** The codes of broker/health's alerts (`code` of a `health-alert` item); the dashboard has words for each. */
export const HEALTH_ALERT_CODES = [
  'soh-replace',
  'soh-retire',
  'resistance-rise',
  'cell-drift',
  'over-temperature',
  'missing',
  'no-data',
] as const;

export const attentionItemSchema = z.object({
  /** Stable across polls while the condition lasts: the dashboard keys its list rows by it. */
  key: z.string(),
  kind: z.enum(ATTENTION_KINDS),
  severity: z.enum(ALERT_SEVERITIES),
  stationId: stationIdSchema.nullable(),
  dock: z.number().int().min(1).nullable(),
  batteryId: z.string().nullable(),
  /** The dock's fault code (E12), the protection flag, the alarm, or the health alert's code. */
  code: z.string().nullable(),
  /** The figure it is about, in the kind's unit: °C (hot), mV (cell spread), s (stale), the alert's own value. */
  value: z.number().nullable(),
  since: epochMs.nullable().describe('when it began, where known (an alert raised, a station last heard)'),
  /** The dock's reason as the station sent it (dock-fault), kept for searching and as a fallback text. */
  reason: z.string().nullable(),
  message: z.string().describe('in plain English words, for scripts; the dashboard words it by kind and code'),
});
export type AttentionItem = z.infer<typeof attentionItemSchema>;

/** `GET /api/attention`: everything that needs a person, worst first (severity, then kind, then the figure). */
export const attentionListSchema = z.object({ items: z.array(attentionItemSchema) });
export type AttentionList = z.infer<typeof attentionListSchema>;
