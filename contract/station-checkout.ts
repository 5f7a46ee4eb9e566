// Check-out confirmed at the station: the events a station sends when a pack left a dock reserved for a booking
// (`booking-pack-out`, what the central store records as that pack's check-out) or a dock it should not have left.

import { z } from 'zod';
import type { StationEvent } from './messages.ts';

export const PACK_OUT_EVENT = 'booking-pack-out';
export const PACK_TAKEN_UNBOOKED_EVENT = 'pack-taken-unbooked';

const dock = z.number().int().min(1).max(512);
const packId = z.string().min(1).max(64);
const bookingId = z.string().min(1).max(64);
const socPct = z.number().min(0).max(100).nullable().describe('the last reading with the pack in the dock, %');

/**
 * A pack left a dock reserved for `bookingId`, seen by the station's readings (the dock's BMS no longer answers with
 * that pack) and confirmed: by a long press of the trainee (`button`) or, when nobody pressed within the prompt's
 * time, by the readings alone (`reading`: the pack stayed out).
 */
export const packOutDataSchema = z.object({
  bookingId,
  dock,
  packId,
  socPct,
  takenAt: z.number().int().nonnegative().describe('epoch ms: the first tick whose reading showed the dock empty'),
  confirmedBy: z.enum(['button', 'reading']),
});
export type PackOutData = z.infer<typeof packOutDataSchema>;

/**
 * A pack left a dock that is not reserved while a ride's packs were waiting, or a dock reserved for another booking
 * than the one being served (`reservedFor`). Shown on the screen; a warning for the central log, not a check-out.
 */
export const packTakenUnbookedDataSchema = z.object({
  dock,
  packId,
  socPct,
  reservedFor: bookingId.nullable(),
  /** The booking the trainee was taking packs for (its last pack taken recently), when there was one. */
  serving: bookingId.nullable(),
});
export type PackTakenUnbookedData = z.infer<typeof packTakenUnbookedDataSchema>;

/** A stored event as a station check-out: the data, or why it does not fit the contract; null for another type. */
export function readPackOutEvent(
  ev: Pick<StationEvent, 'type' | 'data'>,
): { ok: true; data: PackOutData } | { ok: false; error: string } | null {
  if (ev.type !== PACK_OUT_EVENT) return null;
  const r = packOutDataSchema.safeParse(ev.data ?? {});
  if (r.success) return { ok: true, data: r.data };
  return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
