// The station's local history of what it published: one transaction per telemetry period, off the charge loop's
// tick, and old samples pruned once an hour.

import type { DockTelemetry } from '../../contract/messages.ts';
import type { History } from '../store/history.ts';

const PRUNE_EVERY_MS = 3600_000;

export class HistoryRecorder {
  private lastPrune = 0;

  constructor(private readonly history: History) {}

  record(ts: number, docks: readonly DockTelemetry[]): void {
    this.history.record(ts, docks);
    this.history.flush();
    if (ts - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = ts;
      this.history.prune(ts);
    }
  }

  flush(): void {
    this.history.flush();
  }
}
