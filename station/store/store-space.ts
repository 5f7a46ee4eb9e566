// What the station gives up when its database cannot grow (SQLITE_FULL: a full disk, or max_page_count): history
// first, then old telemetry is thinned, then the page reserve goes, so that events still fit. Failures are counted and
// logged once per period, never once per sample.

import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import type { MakeRoom } from './outbox.ts';
import { RESERVE_ROWS, RESERVE_ROW_BYTES } from './station-schema.ts';

/** SQLite could not get a page: the disk (or the file's max_page_count) is full. */
export function isStoreFull(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'SQLITE_FULL';
}

/** Thrown by the outbox when a message does not fit even after everything it may give up is gone. */
export class StoreFullError extends Error {
  readonly code = 'store-full';
  constructor(kind: string, cause: unknown) {
    super(`station database full: no room for a ${kind} message`, { cause });
    this.name = 'StoreFullError';
  }
}

export interface StoreCounters {
  /** History flushes that failed (their samples are dropped). */
  historyWritesFailed: number;
  /** History rows deleted to make room for the outbox. */
  historyRowsFreed: number;
  /** Telemetry messages that found no room (never stored, so no seq was given out). */
  telemetryDropped: number;
  /** Events kept in memory because even the reserve was gone; stored as soon as there is room. */
  eventsHeld: number;
  /** Reserve rows given up to events. */
  reserveReleased: number;
}

/** Telemetry messages thinned per attempt when an event needs room and history and reserve are gone. */
const THIN_MESSAGES = 100;

/** History stays off this long after the database was found full, ms. */
const HISTORY_PAUSE_MS = 60_000;

/** Rows of history freed per attempt: enough that the next few flushes find room, few enough to stay quick. */
const FREE_ROWS = 2000;

export class StoreSpace {
  readonly counters: StoreCounters = {
    historyWritesFailed: 0,
    historyRowsFreed: 0,
    telemetryDropped: 0,
    eventsHeld: 0,
    reserveReleased: 0,
  };
  /** Monotonic time the database was last found full; history stays off for a while after it. */
  private fullAt = -Infinity;
  private readonly lastLogged = new Map<string, { at: number; since: number }>();
  private readonly freeRaw: Database.Statement;
  private readonly freeMinutes: Database.Statement;
  private readonly dropReserve: Database.Statement;
  private readonly countReserve: Database.Statement;
  private readonly putReserve: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly opts: { clock: Clock; log: Logger; reportEveryMs?: number },
  ) {
    this.freeRaw = db.prepare('DELETE FROM readings WHERE rowid IN (SELECT rowid FROM readings ORDER BY ts LIMIT ?)');
    this.freeMinutes = db.prepare(
      'DELETE FROM readings_1m WHERE rowid IN (SELECT rowid FROM readings_1m ORDER BY minute LIMIT ?)',
    );
    this.dropReserve = db.prepare('DELETE FROM reserve WHERE id = (SELECT max(id) FROM reserve)');
    this.countReserve = db.prepare('SELECT count(*) FROM reserve').pluck();
    this.putReserve = db.prepare('INSERT OR IGNORE INTO reserve (id, pad) VALUES (?, zeroblob(?))');
  }

  /**
   * The outbox's answer to a full database: history goes first for any message; an event may then take the reserve
   * and, last, the readings of the oldest telemetry (thinned to placeholders that keep their seq).
   */
  readonly makeRoom: MakeRoom = (kind, outbox) => {
    this.fullAt = this.opts.clock.monotonic();
    if (this.freeHistory()) return true;
    if (kind === 'telemetry') return false;
    if (this.releaseReserve()) return true;
    try {
      return outbox.thinOldest(THIN_MESSAGES);
    } catch (err) {
      if (isStoreFull(err)) return false;
      throw err;
    }
  };

  /** Deletes the oldest history (raw samples before aggregates); false when there is none left to give. */
  freeHistory(): boolean {
    let freed = this.freeRaw.run(FREE_ROWS).changes;
    if (freed === 0) freed = this.freeMinutes.run(FREE_ROWS).changes;
    this.counters.historyRowsFreed += freed;
    if (freed > 0) this.report('history-freed', 'station database full: oldest history deleted to make room', freed);
    return freed > 0;
  }

  /** Gives one reserve row's pages to the next write; false when the reserve is used up. */
  releaseReserve(): boolean {
    const released = this.dropReserve.run().changes > 0;
    if (released) {
      this.counters.reserveReleased++;
      this.report('reserve', 'station database full: reserve given up for events', 1);
    }
    return released;
  }

  /** Puts the reserve back once there is room again (after the hourly prune); quietly waits while the disk is full. */
  refillReserve(): void {
    if ((this.countReserve.get() as number) >= RESERVE_ROWS) return;
    try {
      for (let id = 1; id <= RESERVE_ROWS; id++) this.putReserve.run(id, RESERVE_ROW_BYTES);
    } catch (err) {
      if (!isStoreFull(err)) throw err;
    }
  }

  /**
   * Whether history should not even be tried: for a minute after the outbox found the database full, so the pages
   * freed for it are not eaten by history again. Then history tries again and, if it fails, gives up another minute.
   */
  historyPaused(): boolean {
    return this.opts.clock.monotonic() - this.fullAt < HISTORY_PAUSE_MS;
  }

  /** A history flush failed on a full database: its samples are gone, and history pauses. */
  historyFailed(err: unknown): void {
    this.fullAt = this.opts.clock.monotonic();
    this.historyDropped(err);
  }

  /** A history flush dropped (failed, or not tried while paused). */
  historyDropped(err?: unknown): void {
    this.counters.historyWritesFailed++;
    this.report('history', 'station database full: history not written', 1, err);
  }

  telemetryDropped(err: unknown): void {
    this.counters.telemetryDropped++;
    this.report('telemetry', 'station database full: telemetry not stored', 1, err);
  }

  eventHeld(held: number, err: unknown): void {
    this.counters.eventsHeld++;
    this.report('event', 'station database full: event kept in memory until there is room', 1, err, { held });
  }

  /** One warning per kind and period, carrying how many happened since the last one. */
  private report(kind: string, msg: string, n: number, err?: unknown, extra: object = {}): void {
    const now = this.opts.clock.monotonic();
    const last = this.lastLogged.get(kind) ?? { at: -Infinity, since: 0 };
    last.since += n;
    if (now - last.at >= (this.opts.reportEveryMs ?? 60_000)) {
      const cause = err instanceof Error ? err.message : undefined;
      this.opts.log.warn(
        { store: kind, count: last.since, ...this.counters, ...extra, ...(cause ? { cause } : {}) },
        msg,
      );
      last.at = now;
      last.since = 0;
    }
    this.lastLogged.set(kind, last);
  }
}
