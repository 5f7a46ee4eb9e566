// The station's local history of what it published: one transaction per telemetry period, off the charge loop's
// tick, and old samples pruned once an hour.

import type { DockTelemetry } from '../../contract/messages.ts';
import type { History } from '../store/history.ts';
import { isStoreFull, type StoreSpace } from '../store/store-space.ts';

const PRUNE_EVERY_MS = 3600_000;

export class HistoryRecorder {
  private lastPrune = 0;

  constructor(
    private readonly history: History,
    private readonly space?: StoreSpace,
  ) {}

  record(ts: number, docks: readonly DockTelemetry[]): void {
    this.history.record(ts, docks);
    this.flush();
    if (ts - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = ts;
      this.history.prune(ts);
      // Pruning frees pages: the reserve for events on a full disk is put back first.
      this.space?.refillReserve();
    }
  }

  /**
   * History is the first thing a full disk costs: while the database is full its samples are dropped (counted) and
   * not even tried, and a flush that fails drops them too; the loop goes on either way.
   */
  flush(): void {
    if (this.space?.historyPaused()) {
      if (this.history.discard() > 0) this.space.historyDropped();
      return;
    }
    try {
      this.history.flush();
    } catch (err) {
      if (!isStoreFull(err) || !this.space) throw err;
      this.space.historyFailed(err);
    }
  }
}
