// The public GBFS feed composed: the in-memory fleet (seeded from the central store, then fed by the ingester's
// messages), the rental desk's view, the rotating vehicle ids, the built files and their HTTP route.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../lib/clock.ts';
import type { RickshawSummary } from '../../contract/rickshaw-api.ts';
import type { StationView } from '../../contract/http-api.ts';
import { FleetState } from './fleet-state.ts';
import type { GbfsConfig } from './gbfs-config.ts';
import { GbfsFeed } from './gbfs-feed.ts';
import { gbfsRoutes } from './gbfs-routes.ts';
import { NOTHING_RENTED, type RentalStates } from './rental-view.ts';
import { VehicleIds } from './vehicle-ids.ts';

export interface GbfsParts {
  readonly fleet: FleetState;
  readonly feed: GbfsFeed;
  readonly routes: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  /** Stops the status files' build timer. */
  stop(): void;
}

export interface GbfsDeps {
  config: GbfsConfig;
  clock: Clock;
  staleAfterMs: number;
  /** The rental desk's view of each rickshaw; default: nothing rented. */
  rental?: RentalStates;
  /** What the central store knows at start (stations with their latest docks; the rickshaw registry). */
  seed?: { stations: StationView[]; rickshaws: RickshawSummary[] };
}

export function startGbfs(deps: GbfsDeps): GbfsParts {
  const fleet = new FleetState();
  for (const s of deps.seed?.stations ?? [])
    fleet.seedStation(s.stationId, s.status?.online ?? false, s.lastSeen, s.telemetryTs, s.docks);
  for (const r of deps.seed?.rickshaws ?? [])
    if (r.lastSeen)
      fleet.seedRickshaw({
        hwId: r.id,
        stationId: r.lastSeen.stationId,
        bay: r.lastSeen.bay,
        present: r.present,
        ts: r.lastSeen.ts,
        faultCode: r.fault?.code ?? 0,
      });
  const now = (): number => deps.clock.now();
  const feed = new GbfsFeed({
    config: deps.config,
    fleet,
    rental: deps.rental ?? NOTHING_RENTED,
    ids: new VehicleIds(),
    staleAfterMs: deps.staleAfterMs,
    now,
  });
  const routes = gbfsRoutes({ feed, now, baseUrl: deps.config.baseUrl ?? null });
  feed.start(deps.clock);
  return { fleet, feed, routes, stop: () => feed.stop() };
}
