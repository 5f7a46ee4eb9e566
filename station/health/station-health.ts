// The station's battery-health estimators, one session tracker per dock: fed with every BMS reading, told when a
// dock is empty, and each closed charge session is published as a `charge-session` event through the outbox.

import type { Logger } from 'pino';
import { CHARGE_SESSION_EVENT, type ChargeSession } from '../../contract/battery-health.ts';
import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { HealthConfig } from './health-config.ts';
import { SessionTracker } from './session-tracker.ts';

export interface HealthEvent {
  type: typeof CHARGE_SESSION_EVENT;
  severity: 'info';
  dock: number;
  message: string;
  data: ChargeSession;
}

export class StationHealth {
  private readonly trackers = new Map<number, SessionTracker>();

  constructor(
    private readonly cfg: HealthConfig,
    private readonly publish: (event: HealthEvent) => void,
    private readonly log: Logger,
  ) {}

  /** A BMS reading of `dock` at epoch ms `at`; `fault`: the dock is in fault now. */
  reading(dock: number, at: number, bms: BmsReading, fault = false): void {
    for (const s of this.tracker(dock).add({ at, bms, fault })) this.emit(s);
  }

  /** The dock has no battery (or its BMS stopped answering): an open session ends as removed. */
  absent(dock: number, at: number): void {
    const s = this.trackers.get(dock)?.absent(at);
    if (s) this.emit(s);
  }

  private tracker(dock: number): SessionTracker {
    let t = this.trackers.get(dock);
    if (!t) {
      t = new SessionTracker(dock, this.cfg);
      this.trackers.set(dock, t);
    }
    return t;
  }

  private emit(s: ChargeSession): void {
    const cap = s.capacity ? `capacity ${s.capacity.ah.toFixed(2)} Ah` : `no capacity (${s.capacityWhyNot ?? '?'})`;
    const message = `charge session of ${s.batteryId}: ${s.chargedAh.toFixed(2)} Ah, ${s.startSocPct}→${s.endSocPct} %, ended ${s.endReason}; ${cap}; ${s.resistance.length} resistance step(s)`;
    this.log.info({ batteryId: s.batteryId, dock: s.dock, endReason: s.endReason }, 'charge session closed');
    this.publish({
      type: CHARGE_SESSION_EVENT,
      severity: 'info',
      dock: s.dock,
      message: message.slice(0, 1000),
      data: s,
    });
  }
}
