// Rickshaw messages: what a station publishes about the rickshaw in a service bay (its motor controller read while
// docked). They travel as events (`rikscha/v1/<id>/event`, the same outbox, seq and acks) whose `type` and `data`
// these schemas fix, so station, broker and dashboard agree on them.

import { z } from 'zod';
import { eventSchema, type StationEvent } from './messages.ts';

/** The controller's hardware id: the STM32 unique id from the firmware-version answer, 24 lowercase hex digits. */
export const RICKSHAW_HW_ID = /^[0-9a-f]{24}$/;
export const rickshawHwIdSchema = z.string().regex(RICKSHAW_HW_ID, 'hardware id: 24 lowercase hex digits');

export const bayNumberSchema = z.number().int().min(1).max(64).describe('service bay number as printed at the station');

const finite = z.number().finite();

/** One read of the motor controller, in SI units. */
export const rickshawReadingSchema = z.object({
  /** Distance since the controller booted, from tachometer_abs and the bay's wheel geometry; null without one. */
  tachoKm: z.number().nonnegative().finite().nullable(),
  /** The firmware's own persistent odometer, where it has one; null otherwise. */
  controllerOdometerKm: z.number().nonnegative().finite().nullable(),
  tachometerAbs: z.number().int().nonnegative(),
  tempMotorC: finite,
  tempFetC: finite,
  inputV: finite,
  ampHours: finite,
  ampHoursCharged: finite,
  wattHours: finite,
  wattHoursCharged: finite,
  fault: z.object({ code: z.number().int().min(0).max(255), name: z.string().min(1).max(64) }),
});
export type RickshawReading = z.infer<typeof rickshawReadingSchema>;

export const rickshawFirmwareSchema = z.object({
  major: z.number().int().min(0).max(255),
  minor: z.number().int().min(0).max(255),
  hwName: z.string().max(64),
});

/** Why a visit ended: the controller stopped answering, the bay's line went away, or another controller answered. */
export const RICKSHAW_LEFT_REASONS = ['no-answer', 'line-lost', 'id-changed', 'station-stopped'] as const;

export const RICKSHAW_EVENT_TYPES = [
  'rickshaw-arrived',
  'rickshaw-reading',
  'rickshaw-fault',
  'rickshaw-left',
] as const;
export type RickshawEventType = (typeof RICKSHAW_EVENT_TYPES)[number];

const visit = { bay: bayNumberSchema, hwId: rickshawHwIdSchema };

export const rickshawEventDataSchemas = {
  'rickshaw-arrived': z.object({ ...visit, firmware: rickshawFirmwareSchema, reading: rickshawReadingSchema }),
  'rickshaw-reading': z.object({ ...visit, reading: rickshawReadingSchema }),
  'rickshaw-fault': z.object({ ...visit, reading: rickshawReadingSchema }),
  'rickshaw-left': z.object({
    ...visit,
    reason: z.enum(RICKSHAW_LEFT_REASONS),
    /** The last reading of the visit; null when none arrived. */
    reading: rickshawReadingSchema.nullable(),
  }),
} as const;

export const rickshawEventSchema = z.discriminatedUnion('type', [
  eventSchema.extend({ type: z.literal('rickshaw-arrived'), data: rickshawEventDataSchemas['rickshaw-arrived'] }),
  eventSchema.extend({ type: z.literal('rickshaw-reading'), data: rickshawEventDataSchemas['rickshaw-reading'] }),
  eventSchema.extend({ type: z.literal('rickshaw-fault'), data: rickshawEventDataSchemas['rickshaw-fault'] }),
  eventSchema.extend({ type: z.literal('rickshaw-left'), data: rickshawEventDataSchemas['rickshaw-left'] }),
]);
export type RickshawEvent = z.infer<typeof rickshawEventSchema>;

export const isRickshawEventType = (type: string): type is RickshawEventType =>
  (RICKSHAW_EVENT_TYPES as readonly string[]).includes(type);

/**
 * A station event read as a rickshaw event: null for other event types, an error for a rickshaw event whose data
 * does not fit (the broker counts those; the event itself is still stored as an ordinary event).
 */
export function readRickshawEvent(
  ev: StationEvent,
): { ok: true; event: RickshawEvent } | { ok: false; error: string } | null {
  if (!isRickshawEventType(ev.type)) return null;
  const r = rickshawEventSchema.safeParse(ev);
  if (r.success) return { ok: true, event: r.data };
  return {
    ok: false,
    error: r.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; '),
  };
}
