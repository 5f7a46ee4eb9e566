// The ride requests' settings (the broker config's `rideRequests`): how long after a ride its passenger's name and
// pick-up place are kept, and how often the job that deletes them runs.

import { z } from 'zod';

export const rideRequestConfigSchema = z.object({
  retentionDays: z
    .number()
    .min(0.01)
    .max(365)
    .default(7)
    .describe("days after the ride when the passenger's name and pick-up place are deleted (only counts remain)"),
  purgeIntervalMs: z
    .number()
    .int()
    .min(1000)
    .max(86_400_000)
    .default(3_600_000)
    .describe('how often the deletion job runs, ms'),
});
export type RideRequestConfig = z.infer<typeof rideRequestConfigSchema>;
export type RideRequestConfigInput = z.input<typeof rideRequestConfigSchema>;
