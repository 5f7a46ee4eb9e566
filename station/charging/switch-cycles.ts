// Counts a dock's charger switch-ons, so relay wear is visible: the total is published with the dock, and too many
// within the configured window raise one warning per window (a flapping line, a pack at the edge of a limit).

import type { ChargingConfig } from './charging-config.ts';
import type { ChargingEvent } from './charging-types.ts';

export class SwitchCycles {
  /** Switch-ons since the station started. */
  total = 0;
  private recent: number[] = [];
  private quietUntil = -Infinity;

  /** Counts one switch-on at `now`; a warning event when the window holds cycleWarnCount of them. */
  on(dock: number, now: number, cfg: ChargingConfig): ChargingEvent | null {
    const { cycleWarnCount, cycleWarnWindowMs } = cfg.recovery;
    this.total++;
    this.recent.push(now);
    this.recent = this.recent.filter((t) => t > now - cycleWarnWindowMs);
    if (this.recent.length < cycleWarnCount || now < this.quietUntil) return null;
    this.quietUntil = now + cycleWarnWindowMs;
    const minutes = Math.round(cycleWarnWindowMs / 60_000);
    return {
      type: 'charger-cycling',
      severity: 'warning',
      dock,
      message: `dock ${dock}: the charger was switched on ${this.recent.length} times in ${minutes} min (${this.total} since start). Relays wear out: check the BMS and charger lines and the battery.`,
      data: { cycles: this.recent.length, windowMs: cycleWarnWindowMs, total: this.total },
    };
  }
}
