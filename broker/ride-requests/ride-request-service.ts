// Ride requests composed: their own store file, the staff routes, and the job that forgets passengers after the
// retention period.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { rideRequestConfigSchema, type RideRequestConfigInput } from './ride-request-config.ts';
import { RideRequestPurge } from './ride-request-purge.ts';
import { rideRequestRoutes, type RideRequestRouteDeps } from './ride-request-routes.ts';
import { RideRequestStore } from './ride-request-store.ts';

export interface RideRequestParts {
  readonly store: RideRequestStore;
  readonly purge: RideRequestPurge;
  readonly routes: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  stop(): void;
}

export function startRideRequests(deps: {
  dataDir: string;
  config?: RideRequestConfigInput;
  clock: Clock;
  log: Logger;
  mechanic: Pick<RideRequestRouteDeps, 'who' | 'readJson'>;
}): RideRequestParts {
  const config = rideRequestConfigSchema.parse(deps.config ?? {});
  const store = new RideRequestStore(deps.dataDir, config.retentionDays);
  const purge = new RideRequestPurge(store, deps.clock, deps.log, config.purgeIntervalMs);
  purge.start();
  const routes = rideRequestRoutes({
    store,
    now: () => deps.clock.now(),
    log: deps.log,
    who: deps.mechanic.who,
    readJson: deps.mechanic.readJson,
  });
  return {
    store,
    purge,
    routes,
    stop() {
      purge.stop();
      store.close();
    },
  };
}
