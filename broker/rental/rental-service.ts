// The rental desk composed: its store on the broker's own connection, the in-memory view the public feed reads,
// the desk's HTTP routes, the pack reservations sent to stations and the watch on what the stations report.

import type { Database } from 'better-sqlite3';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import type { CommandRelay } from '../commands/command-relay.ts';
import { PackReserver } from './pack-reserver.ts';
import { RentalDesk } from './rental-desk.ts';
import { RentalFacts } from './rental-facts.ts';
import { RentalRead } from './rental-read.ts';
import { rentalRoutes, type RentalRouteDeps } from './rental-routes.ts';
import { RentalStore } from './rental-store.ts';
import { RentalView, type RentalReadView } from './rental-view.ts';
import { StationWatch } from './station-watch.ts';
import { CHECKOUT_OUTCOMES, StationCheckouts } from './station-checkouts.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { ContactRetention, rentalConfigSchema, type RentalConfig } from './contact-retention.ts';

export interface RentalParts {
  /** Read by the public feed (GBFS): checked out, reserved, disabled; in memory. */
  readonly view: RentalReadView;
  readonly desk: RentalDesk;
  readonly watch: StationWatch;
  /** The check-outs stations confirm (`booking-pack-out`), recorded per pack. */
  readonly checkouts: StationCheckouts;
  /** Blanks booking contacts the retention period after the booking ended. */
  readonly contacts: ContactRetention;
  readonly reserver: PackReserver;
  readonly routes: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  stop(): Promise<void>;
}

/** The broker config's `rental` (contact retention), plus two periods tests shorten. */
export interface RentalOptions extends Partial<RentalConfig> {
  /** How often pending pack reservations are sent again (ms). Default 30 000. */
  reserveRetryMs?: number;
  /** How often the stations' reports are read for reservations and taken packs (ms). Default 2000. */
  watchIntervalMs?: number;
}

export function startRental(deps: {
  db: Database;
  clock: Clock;
  log: Logger;
  relay: Pick<CommandRelay, 'send'>;
  mechanic: Pick<RentalRouteDeps, 'who' | 'readJson'>;
  /** The stations online now. */
  onlineStations: () => string[];
  options?: RentalOptions;
  /** Counts station check-outs by outcome (`rikscha_rental_station_checkouts_total`). */
  metrics?: Metrics;
}): RentalParts {
  const view = new RentalView(deps.db);
  const facts = new RentalFacts(deps.db);
  const store = new RentalStore(deps.db, facts);
  const read = new RentalRead(deps.db, facts, view);
  const changed = (): void => view.reload();
  const reserver = new PackReserver({
    db: deps.db,
    store,
    relay: deps.relay,
    clock: deps.clock,
    log: deps.log,
    onlineStations: deps.onlineStations,
    changed,
    intervalMs: deps.options?.reserveRetryMs ?? 30_000,
  });
  const watch = new StationWatch({
    db: deps.db,
    clock: deps.clock,
    log: deps.log,
    intervalMs: deps.options?.watchIntervalMs ?? 2000,
    changed,
  });
  const metric = 'rikscha_rental_station_checkouts_total';
  deps.metrics?.counter(
    metric,
    'Check-outs stations confirmed (booking-pack-out), by outcome: recorded, or why it was refused',
    CHECKOUT_OUTCOMES.map((outcome) => ({ outcome })),
  );
  const checkouts = new StationCheckouts({
    db: deps.db,
    facts,
    clock: deps.clock,
    log: deps.log,
    intervalMs: deps.options?.watchIntervalMs ?? 2000,
    changed,
    count: (outcome) => deps.metrics?.inc(metric, { outcome }),
  });
  const now = (): number => deps.clock.now();
  const desk = new RentalDesk({ store, read, view, reserver, now, log: deps.log, onlineStations: deps.onlineStations });
  const routes = rentalRoutes({ desk, now, log: deps.log, who: deps.mechanic.who, readJson: deps.mechanic.readJson });
  const contacts = new ContactRetention(
    deps.db,
    deps.clock,
    deps.log,
    rentalConfigSchema.parse({
      contactRetentionDays: deps.options?.contactRetentionDays,
      contactPurgeIntervalMs: deps.options?.contactPurgeIntervalMs,
    }),
  );
  reserver.start();
  watch.start();
  checkouts.start();
  contacts.start();
  return {
    view,
    desk,
    watch,
    checkouts,
    contacts,
    reserver,
    routes,
    async stop() {
      watch.stop();
      checkouts.stop();
      contacts.stop();
      await reserver.stop();
    },
  };
}
