// The trainee logbook's HTTP answers: which procedures were done where and when, by pseudonymous trainee number;
// per trainee the tasks over the weeks (for the certificate). Names are only in the pseudonym table, which only
// logged-in staff may read or change (`/api/trainee-names`).

import { z } from 'zod';
import { procedureIdSchema, stationIdSchema, traineeIdSchema, PROCEDURE_END_REASONS } from './messages.ts';

const epochMs = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

/** One run of a procedure at a station, as the central store put it together from its events. */
export const logbookEntrySchema = z.object({
  stationId: stationIdSchema,
  runId: z.string(),
  procedureId: procedureIdSchema,
  /** The procedure's German title as the station named it. */
  title: z.string().nullable(),
  trainee: traineeIdSchema.nullable().describe('picked at the station, or assigned later by staff; null: nobody yet'),
  /** The staff login that assigned the trainee on the dashboard; null when the trainee picked it at the station. */
  assignedBy: z.string().nullable(),
  dock: z.number().int().nullable(),
  bay: z.number().int().nullable(),
  startedAt: epochMs,
  endedAt: epochMs.nullable(),
  /** `open`: started, its end not (yet) received. */
  outcome: z.enum(['open', 'done', 'aborted']),
  reason: z.enum(PROCEDURE_END_REASONS).nullable(),
  stepsDone: count,
  steps: count,
});
export type LogbookEntry = z.infer<typeof logbookEntrySchema>;

/** `GET /api/logbook` (newest first; `?trainee=N`, `?unassigned=1`, `?from=&to=` epoch ms). */
export const logbookListSchema = z.object({ items: z.array(logbookEntrySchema) });

/** One procedure in a trainee's record. */
export const traineeTaskSchema = z.object({
  procedureId: procedureIdSchema,
  done: count,
  aborted: count,
  firstDoneAt: epochMs.nullable(),
  lastDoneAt: epochMs.nullable(),
});

/** ISO week (`2026-W49`, UTC) with the procedures done in it. */
export const traineeWeekSchema = z.object({ week: z.string().regex(/^\d{4}-W\d{2}$/), done: count });

/** One item of `GET /api/trainees`. */
export const traineeSummarySchema = z.object({
  trainee: traineeIdSchema,
  done: count,
  aborted: count,
  firstAt: epochMs,
  lastAt: epochMs,
  /** Distinct ISO weeks with at least one procedure done. */
  weeksActive: count,
});
export const traineeListSchema = z.object({ items: z.array(traineeSummarySchema) });

/** `GET /api/trainees/<n>`: the record toward the certificate. */
export const traineeRecordSchema = traineeSummarySchema.extend({
  tasks: z.array(traineeTaskSchema),
  weeks: z.array(traineeWeekSchema),
  entries: z.array(logbookEntrySchema),
});
export type TraineeRecord = z.infer<typeof traineeRecordSchema>;

/** `GET /api/trainee-names` (staff login): the only place a trainee's name is kept. */
export const traineeNameSchema = z.object({
  trainee: traineeIdSchema,
  name: z.string().min(1).max(120),
  updatedAt: epochMs,
  updatedBy: z.string(),
});
export const traineeNameListSchema = z.object({ items: z.array(traineeNameSchema) });

/** `PUT /api/trainee-names/<n>` body. */
export const traineeNameBodySchema = z.object({ name: z.string().trim().min(1).max(120) });

/** `POST /api/logbook/<stationId>/<runId>/trainee` body: a mechanic assigns (or clears) the record's trainee. */
export const assignTraineeBodySchema = z.object({ trainee: traineeIdSchema.nullable() });
