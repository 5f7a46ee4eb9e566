// Passengers' ride requests on the HTTP API (staff only): the body of `POST /api/ride-requests` and the answers of
// `GET /api/ride-requests`. The least personal data that works: a first name or a pseudonym, where to pick up,
// when, and what the ride needs. Kept until a retention period after the ride, then only counts remain.

import { z } from 'zod';
import { stationIdSchema } from './messages.ts';

/** What a ride may need; the desk ticks these, so they are counted (never free text about a person's health). */
export const RIDE_NEEDS = ['wheelchair-ramp', 'companion', 'walking-aid', 'guide-dog', 'extra-time'] as const;
export const rideNeedSchema = z.enum(RIDE_NEEDS);
export type RideNeed = z.infer<typeof rideNeedSchema>;

const epochMs = z.number().int().nonnegative();

export const rideRequestBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(40).describe('a first name or a pseudonym: what the driver calls out'),
  pickup: z.string().trim().min(1).max(120).describe('where to pick up, as the driver finds it'),
  pickupAt: epochMs.describe('when, epoch ms'),
  needs: z.array(rideNeedSchema).max(RIDE_NEEDS.length).default([]),
  stationId: stationIdSchema.optional().describe('the station the ride starts from'),
});
export type RideRequestBody = z.infer<typeof rideRequestBodySchema>;

export const rideRequestSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string(),
  pickup: z.string(),
  pickupAt: epochMs,
  needs: z.array(rideNeedSchema),
  stationId: stationIdSchema.nullable(),
  createdAt: epochMs,
  createdBy: z.string().describe('the staff member who took the request'),
  /** When name and place are deleted: the ride's time plus the retention period. */
  forgetAt: epochMs,
});
export type RideRequest = z.infer<typeof rideRequestSchema>;

/** What remains of rides past their retention: how many per day, and how many needed what. No names, no places. */
export const rideTallySchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  rides: z.number().int().nonnegative(),
  needs: z.record(z.string(), z.number().int().nonnegative()),
});
export type RideTally = z.infer<typeof rideTallySchema>;

/** `GET /api/ride-requests`. */
export const rideRequestListSchema = z.object({
  items: z.array(rideRequestSchema),
  retentionDays: z.number().positive(),
  tally: z.array(rideTallySchema),
});
export type RideRequestList = z.infer<typeof rideRequestListSchema>;
