// The central side's rickshaw parts composed: the registry on the broker's own connection, its HTTP routes and the
// notices to stations. (The ingest side, RickshawWriter, runs inside the batch writer, in the write worker.)

import type { Database } from 'better-sqlite3';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import type { CommandRelay } from '../commands/command-relay.ts';
import type { RickshawConfig } from './rickshaw-config.ts';
import { RickshawNotifier } from './rickshaw-notifier.ts';
import { RickshawRegistry } from './rickshaw-registry.ts';
import { rickshawRoutes, type RickshawRouteDeps } from './rickshaw-routes.ts';

export interface RickshawParts {
  readonly registry: RickshawRegistry;
  readonly notifier: RickshawNotifier;
  readonly routes: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  stop(): Promise<void>;
}

export function startRickshaws(deps: {
  db: Database;
  config: RickshawConfig;
  clock: Clock;
  log: Logger;
  relay: Pick<CommandRelay, 'send'>;
  mechanic: Pick<RickshawRouteDeps, 'who' | 'readJson'>;
  online: (stationId: string) => boolean;
}): RickshawParts {
  const registry = new RickshawRegistry(deps.db, deps.config);
  const notifier = new RickshawNotifier({
    registry,
    relay: deps.relay,
    clock: deps.clock,
    log: deps.log,
    intervalMs: deps.config.noticeIntervalMs,
    online: deps.online,
  });
  notifier.start();
  const routes = rickshawRoutes({
    registry,
    now: () => deps.clock.now(),
    log: deps.log,
    who: deps.mechanic.who,
    readJson: deps.mechanic.readJson,
  });
  return { registry, notifier, routes, stop: () => notifier.stop() };
}
