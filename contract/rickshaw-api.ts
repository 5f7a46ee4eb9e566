// Answers of `GET /api/rickshaws` and `GET /api/rickshaws/<id>`, and the bodies of the mechanics' rickshaw POSTs:
// the broker builds its answers as these types, the dashboard reads them through JSDoc types from here.

import { z } from 'zod';
import { bayNumberSchema, rickshawFirmwareSchema, rickshawHwIdSchema, rickshawReadingSchema } from './rickshaws.ts';
import { stationIdSchema } from './messages.ts';

export const SERVICE_STATES = ['ok', 'due', 'overdue'] as const;
export const serviceStateSchema = z.enum(SERVICE_STATES);
export type ServiceState = z.infer<typeof serviceStateSchema>;

/** A service task id from the broker config, e.g. `brakes`. */
export const serviceTaskIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'task id: a-z, 0-9 and dashes');

/** One service interval of one rickshaw: how far and how long since it was last done, and when it is due. */
export const serviceIntervalSchema = z.object({
  task: serviceTaskIdSchema,
  /** What to do, in plain words for the dashboard and the station screen. */
  label: z.object({ de: z.string(), en: z.string() }),
  everyKm: z.number().positive().nullable(),
  everyDays: z.number().positive().nullable(),
  /** Last time a mechanic recorded it; null: never (counted from when the rickshaw was first seen). */
  lastDoneAt: z.number().int().nullable(),
  lastDoneBy: z.string().nullable(),
  kmSince: z.number().nullable(),
  daysSince: z.number(),
  /** Odometer reading at which it falls due, and the time; null where the interval has no such part. */
  dueAtKm: z.number().nullable(),
  dueAt: z.number().int().nullable(),
  state: serviceStateSchema,
});
export type ServiceInterval = z.infer<typeof serviceIntervalSchema>;

export const rickshawPlaceSchema = z.object({ stationId: stationIdSchema, bay: bayNumberSchema, ts: z.number().int() });

export const activeFaultSchema = z.object({ code: z.number().int(), name: z.string(), ts: z.number().int() });

export const rickshawSummarySchema = z.object({
  id: rickshawHwIdSchema,
  /** The name from the central registry; null for a rickshaw nobody has named yet (shown as new). */
  name: z.string().nullable(),
  isNew: z.boolean(),
  odometerKm: z.number().nullable(),
  /** In a bay now (its controller answers). */
  present: z.boolean(),
  /** Where it was last seen (the bay it is in while present). */
  lastSeen: rickshawPlaceSchema.nullable(),
  /** The controller's fault in its latest reading; null when none. */
  fault: activeFaultSchema.nullable(),
  /** The worst state of its service intervals. */
  serviceState: serviceStateSchema,
  services: z.array(serviceIntervalSchema),
});
export type RickshawSummary = z.infer<typeof rickshawSummarySchema>;

export const rickshawListSchema = z.object({ items: z.array(rickshawSummarySchema) });
export type RickshawList = z.infer<typeof rickshawListSchema>;

export const rickshawDetailSchema = rickshawSummarySchema.extend({
  firstSeen: z.number().int(),
  firmware: rickshawFirmwareSchema.nullable(),
  lastReading: rickshawReadingSchema.extend({ ts: z.number().int() }).nullable(),
  /** Newest first. */
  faults: z.array(
    z.object({
      ts: z.number().int(),
      stationId: z.string(),
      bay: z.number().int(),
      code: z.number().int(),
      name: z.string(),
    }),
  ),
  /** Newest first. */
  serviceRecords: z.array(
    z.object({
      task: z.string(),
      at: z.number().int(),
      by: z.string(),
      odometerKm: z.number().nullable(),
      note: z.string(),
    }),
  ),
  /** Odometer readings flagged and not taken as truth (backwards, or a jump past a day's ride), newest first. */
  anomalies: z.array(
    z.object({ ts: z.number().int(), stationId: z.string(), kind: z.enum(['backwards', 'jump']), detail: z.string() }),
  ),
});
export type RickshawDetail = z.infer<typeof rickshawDetailSchema>;

/** `POST /api/rickshaws/<id>/services` (mechanic): one or more tasks done now. */
export const serviceRecordBodySchema = z.object({
  tasks: z.array(serviceTaskIdSchema).min(1).max(16),
  note: z.string().max(500).default(''),
});

/** `POST /api/rickshaws/<id>/name` (mechanic): the name in the registry. */
export const rickshawNameBodySchema = z.object({ name: z.string().trim().min(1).max(40) });
