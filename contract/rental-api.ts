// The rental desk's HTTP API (`/api/bookings...`, `/api/rental/...`): bookings, check-out and return, bookable
// timeframes, restrictions and problem reports. The broker builds its answers as these types; the dashboard reads them.

import { z } from 'zod';
import { stationIdSchema } from './messages.ts';
import { rickshawHwIdSchema } from './rickshaws.ts';

const ts = z.number().int().nonnegative().describe('epoch ms');
const packId = z.string().min(1).max(64);
/** Free text from the desk: one line or a few, never personal data beyond a first name or pseudonym. */
const text = (max: number) => z.string().trim().min(1).max(max);

export const BOOKING_STATES = ['booked', 'out', 'returned', 'cancelled'] as const;
export const bookingStateSchema = z.enum(BOOKING_STATES);
export type BookingState = z.infer<typeof bookingStateSchema>;

/** How far the station's planner got with the booking's packs (the `add-booking` command). */
export const RESERVATION_STATES = ['pending', 'reserved', 'refused', 'removed'] as const;

/** Why the desk refused something: a stable code (tests and the dashboard's words) beside the readable text. */
export const REFUSAL_CODES = [
  'overlap',
  'in-past',
  'outside-timeframe',
  'restricted',
  'bad-times',
  'unknown-rickshaw',
  'unknown-station',
  'unknown-pack',
  'not-bookable-state',
  'not-checked-out',
  'pack-out',
  'dock-fault',
  'pack-elsewhere',
  'unknown-booking',
  'unknown-item',
] as const;
export const refusalCodeSchema = z.enum(REFUSAL_CODES);
export type RefusalCode = z.infer<typeof refusalCodeSchema>;
export const rentalRefusalSchema = z.object({ error: z.string(), code: refusalCodeSchema });
export type RentalRefusal = z.infer<typeof rentalRefusalSchema>;

// ---- bodies of the desk's POSTs ----

export const bookingBodySchema = z.object({
  rickshawId: rickshawHwIdSchema,
  stationId: stationIdSchema,
  pickupAt: ts,
  returnAt: ts,
  packs: z.number().int().min(0).max(8),
  /** Charge each pack should have at pick-up (%). */
  minSocPct: z.number().min(1).max(100).default(80),
  /** A first name or a pseudonym: whom to tell if the booking is cancelled. */
  contact: text(40),
  note: z.string().trim().max(200).default(''),
});
export type BookingBody = z.input<typeof bookingBodySchema>;

export const checkoutBodySchema = z.object({ packIds: z.array(packId).max(8) });
export type CheckoutBody = z.infer<typeof checkoutBodySchema>;

export const returnBodySchema = z.object({
  /** A damage or problem seen on return: becomes an open task for the mechanics. */
  problem: z.string().trim().max(1000).default(''),
});
export type ReturnBody = z.input<typeof returnBodySchema>;

export const cancelBodySchema = z.object({ reason: z.string().trim().max(200).default('') });

export const timeframeBodySchema = z.object({
  itemId: z.string().min(1).max(64),
  stationId: stationIdSchema,
  from: ts,
  /** null: open-ended. */
  to: ts.nullable(),
});
export type TimeframeBody = z.infer<typeof timeframeBodySchema>;

export const RESTRICTION_KINDS = ['notice', 'breakdown'] as const;
export const restrictionBodySchema = z.object({
  itemId: z.string().min(1).max(64),
  kind: z.enum(RESTRICTION_KINDS),
  from: ts,
  to: ts.nullable(),
  text: text(500),
});
export type RestrictionBody = z.infer<typeof restrictionBodySchema>;

export const closeProblemBodySchema = z.object({ note: z.string().trim().max(500).default('') });

// ---- answers ----

export const packOutSchema = z.object({
  packId,
  stationId: stationIdSchema.nullable(),
  dock: z.number().int().nullable(),
  /** From the pack's latest reading when it went out / came back; null when none was recent enough. */
  socOutPct: z.number().nullable(),
  socBackPct: z.number().nullable(),
  backAt: ts.nullable(),
});

/** A pack the station saw leave its dock while this booking was open (telemetry showed the dock empty). */
export const stationTakeSchema = z.object({ packId, stationId: stationIdSchema, dock: z.number().int(), at: ts });

/** A pack the station confirmed leaving a dock reserved for this booking (`booking-pack-out`): its check-out. */
export const stationCheckoutSchema = z.object({
  packId,
  stationId: stationIdSchema,
  dock: z.number().int(),
  /** The pack's last SoC in the dock, %. */
  socOutPct: z.number().nullable(),
  /** When the station's reading first showed the dock empty. */
  takenAt: ts,
  confirmedAt: ts,
  /** A trainee's long press at the station, or the readings alone (nobody pressed; the pack stayed out). */
  confirmedBy: z.enum(['button', 'reading']),
});

export const bookingViewSchema = z.object({
  id: z.string(),
  rickshawId: rickshawHwIdSchema,
  rickshawName: z.string().nullable(),
  stationId: stationIdSchema,
  pickupAt: ts,
  returnAt: ts,
  packs: z.number().int(),
  minSocPct: z.number(),
  /** Empty once the retention period after the booking ended has passed (broker config `rental`); so is the note. */
  contact: z.string(),
  note: z.string(),
  deskUser: z.string(),
  state: bookingStateSchema,
  createdAt: ts,
  cancelled: z.object({ at: ts, reason: z.string() }).nullable(),
  reservation: z.object({
    state: z.enum(RESERVATION_STATES),
    error: z.string().nullable(),
    /** The docks the station's planner picked (from its `booking-reserved` event), when known. */
    docks: z.array(z.number().int()),
  }),
  checkout: z
    .object({
      at: ts,
      by: z.string(),
      odometerKm: z.number().nullable(),
      packs: z.array(packOutSchema),
    })
    .nullable(),
  return: z
    .object({ at: ts, by: z.string(), odometerKm: z.number().nullable(), problemId: z.number().int().nullable() })
    .nullable(),
  stationTakes: z.array(stationTakeSchema),
  stationCheckouts: z.array(stationCheckoutSchema),
  /** Texts of notice restrictions on the rickshaw that overlap the booking. */
  notices: z.array(z.string()),
});
export type BookingView = z.infer<typeof bookingViewSchema>;
export const bookingListSchema = z.object({ items: z.array(bookingViewSchema) });
export type BookingList = z.infer<typeof bookingListSchema>;

export const timeframeSchema = z.object({
  id: z.number().int(),
  itemId: z.string(),
  stationId: stationIdSchema,
  from: ts,
  to: ts.nullable(),
  by: z.string(),
});
export type Timeframe = z.infer<typeof timeframeSchema>;

export const restrictionSchema = z.object({
  id: z.number().int(),
  itemId: z.string(),
  kind: z.enum(RESTRICTION_KINDS),
  from: ts,
  to: ts.nullable(),
  text: z.string(),
  by: z.string(),
  createdAt: ts,
  liftedAt: ts.nullable(),
  /** Bookings a breakdown cancelled, and whom each concerns (the contact and the desk user who booked). */
  concerns: z.array(z.object({ bookingId: z.string(), contact: z.string(), deskUser: z.string() })),
});
export type Restriction = z.infer<typeof restrictionSchema>;

export const problemSchema = z.object({
  id: z.number().int(),
  bookingId: z.string().nullable(),
  itemId: z.string(),
  text: z.string(),
  reportedBy: z.string(),
  reportedAt: ts,
  closedAt: ts.nullable(),
  closedBy: z.string().nullable(),
  closeNote: z.string(),
});
export type Problem = z.infer<typeof problemSchema>;

export const rentalItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['rickshaw', 'pack']),
  name: z.string().nullable(),
  /** Where it is (rickshaw: last seen; pack: its dock's station), if known. */
  stationId: z.string().nullable(),
  /** A pack's dock there (its last reading's), null for a rickshaw. */
  dock: z.number().int().nullable(),
  odometerKm: z.number().nullable(),
  socPct: z.number().nullable(),
  checkedOut: z.boolean(),
  disabled: z.boolean(),
});
export type RentalItem = z.infer<typeof rentalItemSchema>;

/** `GET /api/rental`: everything the desk's forms pick from. */
export const rentalOverviewSchema = z.object({
  items: z.array(rentalItemSchema),
  locations: z.array(z.object({ stationId: stationIdSchema, online: z.boolean() })),
  timeframes: z.array(timeframeSchema),
  restrictions: z.array(restrictionSchema),
});
export type RentalOverview = z.infer<typeof rentalOverviewSchema>;

export const problemListSchema = z.object({ items: z.array(problemSchema) });
export type ProblemList = z.infer<typeof problemListSchema>;
export const restrictionAnswerSchema = restrictionSchema;
