// Runs the alert rules over every pack and station the central store knows, through the hysteresis of the alert
// store, and logs each raise and recovery once. Called by the health service's timer and directly by tests.

import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AlertConfig } from './alert-config.ts';
import { batteryJudgements, missingJudgement, stationSilentJudgement } from './alert-rules.ts';
import { AlertStore, type Transition } from './alert-store.ts';
import type { HealthStore } from './health-store.ts';

export class AlertCheck {
  readonly store: AlertStore;
  private readonly batteries: Statement;
  private readonly stations: Statement;

  constructor(
    db: Database,
    private readonly health: HealthStore,
    private readonly cfg: AlertConfig,
    private readonly log: Logger,
    /** Packs a mechanic retired: no more alerts about them, and never "missing". */
    private readonly retired: (batteryId: string) => boolean = () => false,
  ) {
    this.store = new AlertStore(db);
    this.batteries = db.prepare(
      'SELECT battery_id AS batteryId, station_id AS stationId, dock, ts FROM batteries ORDER BY battery_id',
    );
    this.stations = db.prepare('SELECT station_id AS stationId, last_seen AS lastSeen FROM stations');
  }

  /** Checks everything once; returns the alerts raised and cleared now (usually none). */
  check(now: number): NonNullable<Transition>[] {
    const out: NonNullable<Transition>[] = [];
    const push = (t: Transition): void => {
      if (!t) return;
      out.push(t);
      const a = t.alert;
      this.log.info(
        { subject: a.subjectId, code: a.code, value: a.value },
        t.kind === 'raised' ? `alert: ${a.message}` : `recovered: ${a.recovery ?? ''}`,
      );
    };
    const rows = this.batteries.all() as { batteryId: string; stationId: string; dock: number; ts: number }[];
    for (const b of rows) {
      if (this.retired(b.batteryId)) continue;
      const where = `${b.stationId} dock ${b.dock}`;
      push(this.store.apply('battery', b.batteryId, 'missing', missingJudgement(b.ts, now, this.cfg, where), now));
      const sessions = this.health.sessions(b.batteryId).map((s) => s.session);
      const judged = batteryJudgements(this.health.estimates(b.batteryId), sessions, this.cfg, now);
      for (const [code, j] of Object.entries(judged)) push(this.store.apply('battery', b.batteryId, code, j, now));
    }
    for (const s of this.stations.all() as { stationId: string; lastSeen: number | null }[])
      push(this.store.apply('station', s.stationId, 'no-data', stationSilentJudgement(s.lastSeen, now, this.cfg), now));
    return out;
  }
}
