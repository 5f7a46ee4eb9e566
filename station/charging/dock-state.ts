// One dock's state machine: empty -> idle -> charging -> balancing -> full, plus fault and maintenance. Every
// transition comes back as an event; faults remember their causes, and serious ones wait for a person's acknowledgement.

import type { DockState } from '../../contract/messages.ts';
import type { ChargingEvent, Severity } from './charging-types.ts';

export type FaultKind = 'interlock' | 'quarantine';

export interface FaultCause {
  kind: FaultKind;
  code: string;
  reason: string;
  serious: boolean;
  /** The battery must not go out on a ride while this stands. */
  doNotDispatch: boolean;
  data?: Record<string, unknown>;
}

export interface DockFault {
  kind: FaultKind;
  /** Every cause raised since the fault began, first one first. */
  causes: FaultCause[];
  serious: boolean;
  doNotDispatch: boolean;
  since: number;
  /** Judged each tick by the controller: every cause has gone. */
  causeGone: boolean;
  acknowledged: boolean;
}

export interface AckResult {
  accepted: boolean;
  message: string;
}

/** Legal moves; anything else is a bug in the controller, so `go` throws. */
const NEXT: Record<DockState, readonly DockState[]> = {
  empty: ['idle', 'fault', 'maintenance'],
  idle: ['charging', 'full', 'empty', 'fault', 'maintenance'],
  charging: ['balancing', 'full', 'idle', 'fault', 'maintenance'],
  balancing: ['charging', 'full', 'idle', 'fault', 'maintenance'],
  full: ['charging', 'idle', 'empty', 'fault', 'maintenance'],
  fault: ['idle', 'empty', 'maintenance'],
  maintenance: ['idle', 'empty', 'fault'],
};

const severityOf = (to: DockState): Severity => (to === 'fault' ? 'fault' : to === 'maintenance' ? 'warning' : 'info');

export class DockMachine {
  state: DockState = 'empty';
  batteryId: string | null = null;
  fault: DockFault | null = null;
  maintenance = false;

  constructor(readonly dock: number) {}

  /** Charging-side states (the planner may grant current only here). */
  get inService(): boolean {
    return this.state === 'idle' || this.state === 'charging' || this.state === 'balancing' || this.state === 'full';
  }

  get doNotDispatch(): boolean {
    return this.fault?.doNotDispatch ?? false;
  }

  private go(to: DockState, now: number, reason?: string, data: Record<string, unknown> = {}): ChargingEvent {
    const from = this.state;
    if (!NEXT[from].includes(to)) throw new Error(`dock ${this.dock}: illegal transition ${from} -> ${to}`);
    this.state = to;
    return {
      type: 'dock-state',
      severity: severityOf(to),
      dock: this.dock,
      message: `dock ${this.dock}: ${from} -> ${to}${reason ? ` (${reason})` : ''}`,
      data: { from, to, batteryId: this.batteryId, at: now, ...(reason ? { reason } : {}), ...data },
    };
  }

  /** A battery appeared (or another one replaced it): the caller quarantine-checks it next. */
  insert(batteryId: string, now: number): ChargingEvent[] {
    const out: ChargingEvent[] = [];
    if (this.batteryId !== null && this.batteryId !== batteryId) out.push(...this.remove(now));
    this.batteryId = batteryId;
    if (this.state === 'empty') out.push(this.go('idle', now, `battery ${batteryId} inserted`));
    return out;
  }

  /** The battery left. A fault stays (its cause is judged separately); a quarantine leaves with its battery. */
  remove(now: number): ChargingEvent[] {
    const id = this.batteryId;
    this.batteryId = null;
    const out: ChargingEvent[] = [];
    if (this.fault?.kind === 'quarantine') {
      this.fault = null;
      if (this.state === 'fault') out.push(this.go('empty', now, `quarantined battery ${id ?? '?'} removed`));
      return out;
    }
    if (this.state === 'idle' || this.state === 'full') out.push(this.go('empty', now, `battery ${id ?? '?'} removed`));
    return out;
  }

  /** Enters fault, or adds a cause to the standing fault (an event only for a cause not yet known). */
  raise(cause: FaultCause, now: number): ChargingEvent[] {
    const f = this.fault;
    if (f !== null && f.kind === cause.kind) {
      if (f.causes.some((c) => c.code === cause.code)) return [];
      f.causes.push(cause);
      f.serious ||= cause.serious;
      f.doNotDispatch ||= cause.doNotDispatch;
      f.causeGone = false;
      f.acknowledged = false;
      return [
        {
          type: 'dock-fault',
          severity: 'fault',
          dock: this.dock,
          message: `dock ${this.dock}: also ${cause.reason}`,
          data: { code: cause.code, serious: cause.serious, batteryId: this.batteryId, ...(cause.data ?? {}) },
        },
      ];
    }
    // An interlock replaces a quarantine (it is the stronger statement); a quarantine never replaces an interlock.
    if (f !== null && f.kind === 'interlock' && cause.kind === 'quarantine') return [];
    this.fault = {
      kind: cause.kind,
      causes: [cause],
      serious: cause.serious,
      doNotDispatch: cause.doNotDispatch,
      since: now,
      causeGone: false,
      acknowledged: false,
    };
    const data = {
      code: cause.code,
      kind: cause.kind,
      serious: cause.serious,
      doNotDispatch: cause.doNotDispatch,
      ...(cause.data ?? {}),
    };
    if (this.state === 'fault' || this.state === 'maintenance') {
      return [
        {
          type: 'dock-fault',
          severity: 'fault',
          dock: this.dock,
          message: `dock ${this.dock}: ${cause.reason}`,
          data: { batteryId: this.batteryId, ...data },
        },
      ];
    }
    return [this.go('fault', now, cause.reason, data)];
  }

  get reason(): string | undefined {
    const c = this.fault?.causes[0];
    if (!c) return undefined;
    return this.fault?.kind === 'quarantine' ? `quarantine: ${c.reason}` : c.reason;
  }

  get code(): string | undefined {
    return this.fault?.causes[0]?.code;
  }

  get awaitingAck(): boolean {
    const f = this.fault;
    return f !== null && f.serious && f.causeGone && !f.acknowledged;
  }

  setCauseGone(gone: boolean): void {
    if (this.fault) this.fault.causeGone = gone;
  }

  /** A person confirms a serious fault; accepted only once its cause is gone (so the button cannot pre-empt a repair). */
  acknowledge(): AckResult {
    const f = this.fault;
    if (f === null) return { accepted: false, message: `dock ${this.dock}: no fault to acknowledge` };
    if (!f.serious)
      return { accepted: true, message: `dock ${this.dock}: fault clears by itself once its cause is gone` };
    if (!f.causeGone)
      return {
        accepted: false,
        message: `dock ${this.dock}: cause still present (${f.causes.map((c) => c.code).join(', ')})`,
      };
    f.acknowledged = true;
    return { accepted: true, message: `dock ${this.dock}: acknowledged, the fault clears at the next tick` };
  }

  /** Leaves fault when every cause is gone and, for a serious fault, a person has acknowledged it. */
  resolve(now: number, batteryPresent: boolean): ChargingEvent[] {
    const f = this.fault;
    if (f === null || !f.causeGone || (f.serious && !f.acknowledged)) return [];
    this.fault = null;
    if (this.state !== 'fault') return [];
    const why = f.serious ? 'acknowledged, cause gone' : 'cause gone';
    return [
      this.go(batteryPresent && this.batteryId !== null ? 'idle' : 'empty', now, why, {
        cleared: f.causes.map((c) => c.code),
      }),
    ];
  }

  setMaintenance(on: boolean, now: number): ChargingEvent[] {
    if (on === this.maintenance) return [];
    this.maintenance = on;
    if (on) return [this.go('maintenance', now, 'maintenance on')];
    const to: DockState = this.fault !== null ? 'fault' : this.batteryId !== null ? 'idle' : 'empty';
    return [this.go(to, now, 'maintenance off')];
  }

  /** Moves among the charging-side states; a no-op when already there or not in service. */
  charge(to: 'idle' | 'charging' | 'balancing' | 'full', now: number, reason?: string): ChargingEvent[] {
    if (!this.inService || this.state === to) return [];
    return [this.go(to, now, reason)];
  }
}
