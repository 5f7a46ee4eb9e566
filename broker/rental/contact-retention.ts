// Forgets whom a booking was for: a job on the injected clock that, the retention period after a booking ended
// (returned, cancelled, or its return time passed without a pick-up), blanks its contact and note and the contact in
// `rental_concerns`. The rows stay, so counts per rickshaw, station and day stay; only the personal words go.

import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../lib/clock.ts';
import { repeatEvery, type Repeater } from '../../lib/repeat-every.ts';

export const rentalConfigSchema = z.object({
  contactRetentionDays: z
    .number()
    .min(0.01)
    .max(365)
    .default(30)
    .describe('days after a booking ended (returned, cancelled, not picked up) when its contact and note are blanked'),
  contactPurgeIntervalMs: z
    .number()
    .int()
    .min(1000)
    .max(86_400_000)
    .default(3_600_000)
    .describe('how often the job that blanks them runs, ms'),
});
export type RentalConfig = z.infer<typeof rentalConfigSchema>;

/** When a booking ended: its return, its cancellation, or (never picked up) its planned return. Out: not ended. */
const ENDED_AT = `CASE state WHEN 'returned' THEN back_at WHEN 'cancelled' THEN cancelled_at
  WHEN 'booked' THEN return_at END`;

export class ContactRetention {
  private repeater: Repeater | null = null;
  /** The last checkpoint could not empty the WAL: the next run tries again even with nothing new to blank. */
  private walLeft = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly config: RentalConfig,
  ) {}

  /** Runs once now (a broker that was down past a retention date catches up at start), then every interval. */
  start(): void {
    this.runOnce();
    this.repeater ??= repeatEvery(
      this.clock,
      this.config.contactPurgeIntervalMs,
      () => this.runOnce(),
      (err) => this.log.error({ err }, 'booking contact purge failed'),
    );
  }

  runOnce(): number {
    try {
      const n = this.purge(this.clock.now());
      if (n > 0) this.log.info({ forgotten: n }, 'booking contacts past their retention blanked; bookings kept');
      return n;
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'booking contact purge failed; retried next interval');
      return 0;
    }
  }

  /** Blanks contact and note of every booking that ended before the retention period; returns how many. */
  purge(now: number): number {
    const before = now - this.config.contactRetentionDays * 86_400_000;
    const ids = this.db
      .prepare(`SELECT id FROM rental_bookings WHERE (contact != '' OR note != '') AND ${ENDED_AT} <= ?`)
      .pluck()
      .all(before) as string[];
    if (ids.length === 0) {
      if (this.walLeft) this.checkpoint();
      return 0;
    }
    // Zeroes the old text where SQLite frees it inside a page (this connection, for this job only), and the WAL is
    // emptied afterwards: otherwise the name would live on in the file's free space or in old WAL frames.
    const was = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    try {
      const booking = this.db.prepare("UPDATE rental_bookings SET contact = '', note = '' WHERE id = ?");
      const concern = this.db.prepare("UPDATE rental_concerns SET contact = '' WHERE booking_id = ?");
      this.db
        .transaction(() => {
          for (const id of ids) {
            booking.run(id);
            concern.run(id);
          }
        })
        .immediate();
    } finally {
      this.db.pragma(`secure_delete = ${was}`);
    }
    this.checkpoint();
    return ids.length;
  }

  private checkpoint(): void {
    const [cp] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    this.walLeft = (cp?.busy ?? 0) !== 0;
    if (this.walLeft) this.log.warn('WAL not emptied after blanking booking contacts (a reader); retried next run');
  }

  stop(): void {
    void this.repeater?.stop();
    this.repeater = null;
  }
}
