// The MQTT payloads every part of rikscha agrees on: station, broker and dashboard import these zod schemas
// and infer their types from them, so a field changes in one place only.

import { z } from 'zod';
import { faultCodeSchema } from './fault-codes.ts';

export const STATION_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const stationIdSchema = z
  .string()
  .regex(STATION_ID, 'station id: lower-case letters, digits and dashes, up to 63');

export const DOCK_STATES = ['empty', 'idle', 'charging', 'balancing', 'full', 'fault', 'maintenance'] as const;
export const dockStateSchema = z.enum(DOCK_STATES);
export type DockState = z.infer<typeof dockStateSchema>;

const envelope = {
  stationId: stationIdSchema,
  ts: z.number().int().nonnegative().describe('epoch ms when the station produced the message'),
  seq: z
    .number()
    .int()
    .nonnegative()
    .describe('per-station sequence over telemetry and events; persisted across restarts'),
};

export const batterySchema = z.object({
  id: z.string().min(1).max(64),
  socPct: z.number().min(0).max(100),
  voltageV: z.number(),
  currentA: z.number(),
  cellsV: z.array(z.number()).max(32),
  tempsC: z.array(z.number()).max(8),
  cycles: z.number().int().nonnegative(),
  protection: z.array(z.string()),
  remainingAh: z.number().optional(),
  nominalAh: z.number().optional(),
  chargeFetOn: z.boolean().optional(),
});
export type BatteryTelemetry = z.infer<typeof batterySchema>;

export const chargerSchema = z.object({
  online: z.boolean(),
  outputOn: z.boolean(),
  voltageV: z.number(),
  currentA: z.number(),
  setCurrentA: z.number(),
  setVoltageV: z.number().optional(),
});
export type ChargerTelemetry = z.infer<typeof chargerSchema>;

export const dockSchema = z.object({
  dock: z.number().int().min(1).max(512),
  state: dockStateSchema,
  battery: batterySchema.nullable(),
  charger: chargerSchema,
  /** Why the dock is in fault or held in quarantine; absent otherwise. */
  reason: z.string().optional(),
  /** The fault or hint code of `reason` (contract/fault-codes.ts, e.g. E12): the same on LED, screen and dashboard. */
  code: faultCodeSchema.optional(),
  /** Set when the battery must not be taken out for a ride. */
  doNotDispatch: z.boolean().optional(),
  /** Set while a mechanic's stop-charging holds the dock off (until resume-charging). */
  stopped: z.boolean().optional(),
  /** A serious fault whose cause is gone: it waits for a person to press the acknowledge button. */
  awaitingAck: z.boolean().optional(),
  /** A safety action the station could not confirm on the wire: `charge-fet-stuck` (the BMS charge switch stays closed). */
  alarm: z.string().max(64).optional(),
  /** Times the station switched this dock's charger on since it started: a flapping line shows here. */
  chargerCycles: z.number().int().nonnegative().optional(),
});
export type DockTelemetry = z.infer<typeof dockSchema>;

export const telemetrySchema = z.object({
  ...envelope,
  docks: z.array(dockSchema).max(512),
  /** Set on a placeholder whose readings the station's full outbox dropped: the seq arrives, the data is gone. */
  thinned: z.boolean().optional(),
});
export type Telemetry = z.infer<typeof telemetrySchema>;

const count = z.number().int().nonnegative();

/** Per-device line health, as the station's drivers count it. */
export const deviceCountersSchema = z.object({
  requests: count,
  responses: count,
  timeouts: count,
  crcErrors: count,
  frameErrors: count,
  resyncs: count,
  garbageBytes: count,
  deviceErrors: count,
  reconnects: count,
  unmatchedFrames: count,
  /** Exchanges that failed because the reply had a bad checksum, or a wrong or short length (not counted in timeouts). */
  badChecksumReplies: count.optional(),
  badLengthReplies: count.optional(),
  /** Failed exchanges asked again within the same poll period. */
  retries: count.optional(),
  lastAnswerAt: z.number().int().nullable(),
});

/** The station's own health, sent with its status every minute (and on connect). */
export const stationMetricsSchema = z.object({
  devices: z.array(deviceCountersSchema.extend({ device: z.string().max(64) })).max(2048),
  loop: z.object({
    ticks: count,
    overruns: count,
    skipped: count,
    errors: count,
    kicks: count,
    durationP99Ms: z.number(),
    latenessP99Ms: z.number(),
  }),
  outbox: z.object({ queued: count, thinned: count }),
});
export type StationMetrics = z.infer<typeof stationMetricsSchema>;

export const statusSchema = z.object({
  ...envelope,
  online: z.boolean(),
  version: z.string().optional(),
  startedAt: z.number().int().optional(),
  metrics: stationMetricsSchema.optional(),
});
export type Status = z.infer<typeof statusSchema>;

export const SEVERITIES = ['info', 'warning', 'fault'] as const;
export const eventSchema = z.object({
  ...envelope,
  type: z.string().min(1).max(64),
  severity: z.enum(SEVERITIES),
  dock: z.number().int().min(1).max(512).optional(),
  message: z.string().max(1000),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type StationEvent = z.infer<typeof eventSchema>;

export const ackSchema = z.object({
  stationId: stationIdSchema,
  ts: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative().describe('every message of the station with seq <= this is stored centrally'),
});
export type Ack = z.infer<typeof ackSchema>;

export const commandSchema = z.object({
  id: z.string().min(1).max(64).describe('request id, echoed in the result'),
  dock: z.number().int().min(1).max(512).optional(),
  args: z.record(z.string(), z.unknown()).optional(),
});
export type Command = z.infer<typeof commandSchema>;

export const commandResultSchema = z.object({
  stationId: stationIdSchema,
  ts: z.number().int().nonnegative(),
  id: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  result: z.unknown().optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

/** Largest payload the broker accepts on any topic; larger ones are rejected and counted. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * Guided procedures at the station (station/procedures): `procedure-started`, one `procedure-step` per step done,
 * `procedure-ended`. `trainee` is the number a trainee picked at the station (a pseudonym), never a name: names live
 * only in the central store's pseudonym table, which only logged-in staff can read.
 */
export const PROCEDURE_EVENT_TYPES = ['procedure-started', 'procedure-step', 'procedure-ended'] as const;
export type ProcedureEventType = (typeof PROCEDURE_EVENT_TYPES)[number];
export const PROCEDURE_END_REASONS = [
  'done',
  'stopped',
  'fault',
  'alarm',
  'rickshaw-left',
  'maintenance-off',
  'timeout',
] as const;
export type ProcedureEndReason = (typeof PROCEDURE_END_REASONS)[number];
export const traineeIdSchema = z.number().int().min(1).max(999).describe('pseudonymous trainee number');
export const procedureIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'procedure id');

const procedureBase = {
  runId: z.string().min(1).max(64).describe('one run of one procedure at one station'),
  procedureId: procedureIdSchema,
  /** The procedure's German title, for the logbook and the certificate page. */
  title: z.string().max(40).optional(),
  trainee: traineeIdSchema.nullable(),
  dock: z.number().int().min(1).max(512).optional(),
  bay: z.number().int().min(1).max(64).optional(),
};
export const procedureEventDataSchemas = {
  'procedure-started': z.object({ ...procedureBase, steps: z.number().int().min(1).max(64) }),
  'procedure-step': z.object({
    ...procedureBase,
    step: z.number().int().min(1).max(64),
    stepId: z.string().max(40),
    by: z.enum(['button', 'condition']),
  }),
  'procedure-ended': z.object({
    ...procedureBase,
    outcome: z.enum(['done', 'aborted']),
    reason: z.enum(PROCEDURE_END_REASONS),
    stepsDone: z.number().int().min(0).max(64),
    steps: z.number().int().min(1).max(64),
    startedAt: z.number().int().nonnegative(),
    durationMs: z.number().int().nonnegative(),
    chargerHeldOff: z.boolean(),
  }),
} as const;
export type ProcedureEventData<T extends ProcedureEventType> = z.infer<(typeof procedureEventDataSchemas)[T]>;
export type ProcedureEvent = {
  [T in ProcedureEventType]: { type: T; stationId: string; ts: number; data: ProcedureEventData<T> };
}[ProcedureEventType];

/** A stored event as a procedure event, or null when it is another kind or its data does not fit the contract. */
export function readProcedureEvent(
  ev: Pick<StationEvent, 'type' | 'stationId' | 'ts' | 'data'>,
): ProcedureEvent | null {
  if (!(PROCEDURE_EVENT_TYPES as readonly string[]).includes(ev.type)) return null;
  const type = ev.type as ProcedureEventType;
  const r = procedureEventDataSchemas[type].safeParse(ev.data ?? {});
  return r.success ? ({ type, stationId: ev.stationId, ts: ev.ts, data: r.data } as ProcedureEvent) : null;
}
