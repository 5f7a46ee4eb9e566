// Battery health on the central side, composed: the alert check on a timer, the retired-pack notices to stations,
// and the API routes (alerts, passport, work records). startCentral mounts it beside the other parts.

import type { Database } from 'better-sqlite3';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { repeatEvery } from '../../lib/repeat-every.ts';
import type { CommandRelay } from '../commands/command-relay.ts';
import type { ExtraRoutes } from '../http/http-server.ts';
import type { UserRole } from '../store/schema.ts';
import { AlertCheck } from './alert-check.ts';
import type { AlertConfig } from './alert-config.ts';
import { healthRoutes } from './health-routes.ts';
import { HealthStore } from './health-store.ts';
import { Passports } from './passport.ts';
import { RetireNotifier } from './retire-notifier.ts';
import { WorkRecords } from './work-records.ts';

export interface BatteryHealthParts {
  routes: ExtraRoutes;
  check: AlertCheck;
  work: WorkRecords;
  notifier: RetireNotifier;
  /** Runs the alert check and the retired-list notices now (the timer does this every checkEveryMs). */
  runNow(): Promise<void>;
  stop(): void;
}

export function startBatteryHealth(deps: {
  db: Database;
  clock: Clock;
  log: Logger;
  config: AlertConfig;
  relay: Pick<CommandRelay, 'send'>;
  /** Stations to tell about retired packs (those online now). */
  stations: () => string[];
  mechanic: {
    who: (req: IncomingMessage) => Promise<{ username: string; role: UserRole } | null>;
    readJson: (req: IncomingMessage) => Promise<unknown>;
  };
}): BatteryHealthParts {
  const { db, clock, log, config } = deps;
  const health = new HealthStore(db);
  const work = new WorkRecords(db);
  let retired = work.retired();
  const check = new AlertCheck(db, health, config, log, (id) => retired.has(id));
  const notifier = new RetireNotifier(deps.relay, deps.stations, log);
  notifier.set(retired);
  const passports = new Passports(db, health, check.store, work);

  const runNow = async (): Promise<void> => {
    try {
      check.check(clock.now());
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'alert check failed');
    }
    await notifier.run();
  };
  const repeater = repeatEvery(clock, config.checkEveryMs, runNow, (err) =>
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'retired-list notices failed'),
  );

  const routes = healthRoutes({
    alerts: check.store,
    passports,
    work,
    now: () => clock.now(),
    log,
    who: deps.mechanic.who,
    readJson: deps.mechanic.readJson,
    onRecord: (r) => {
      if (r.kind !== 'retired') return;
      retired = work.retired();
      notifier.set(retired);
      void notifier.run();
    },
  });
  return {
    routes,
    check,
    work,
    notifier,
    runNow,
    stop() {
      void repeater.stop();
    },
  };
}
