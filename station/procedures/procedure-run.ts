// One guided procedure in progress at the station: shows one step at a time, moves on when a person confirms it (long
// press) or when the station sees the step's condition, and records its start, each step and its end as events.
// Safety first: a dock procedure holds the dock in maintenance (charger off) and never switches a charger on; a fault
// or an alarm stops it, and then the dock stays in maintenance, so the charger stays off until a person ends it.

import { faultCodeEntry } from '../../contract/fault-codes.ts';
import type { ProcedureEndReason } from '../../contract/messages.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Condition, Procedure } from './procedure-config.ts';

export type ProcedureTarget = { kind: 'dock'; dock: number } | { kind: 'bay'; bay: number };

/** What the station sees now, as far as a procedure cares. */
export interface StationSight {
  docks: ReadonlyArray<{ dock: number; state: string; batteryId: string | null; faultCode?: string; alarm?: string }>;
  /** The dock's charger output is off (or it has none). */
  chargerOff(dock: number): boolean;
  /** A rickshaw's controller answers in this service bay. */
  rickshawIn(bay: number): boolean;
}

export interface RunDeps {
  clock: Clock;
  /** Records an event through the station's outbox. */
  record: (type: string, dock: number | undefined, message: string, data: Record<string, unknown>) => void;
  setMaintenance: (dock: number, on: boolean) => void;
}

export interface RunOptions {
  /** A condition must hold this long before the step counts as done, ms (a pack wiggled in and out is not in). */
  settleMs?: number;
  /** A step shown for less than this cannot be confirmed, ms: a second press meant for the step before is lost. */
  minStepMs?: number;
  /** A procedure nobody moves on for this long is stopped, ms. */
  idleTimeoutMs?: number;
}

export const RUN_DEFAULTS: Required<RunOptions> = { settleMs: 1000, minStepMs: 800, idleTimeoutMs: 30 * 60_000 };

/** Whether a condition holds for a target now. */
export function conditionHolds(c: Condition, target: ProcedureTarget, sight: StationSight): boolean {
  if (target.kind === 'bay') return c === 'rickshaw-in-bay' && sight.rickshawIn(target.bay);
  const d = sight.docks.find((x) => x.dock === target.dock);
  if (!d) return false;
  if (c === 'dock-empty') return d.batteryId === null;
  if (c === 'pack-inserted') return d.batteryId !== null;
  if (c === 'charger-off') return sight.chargerOff(target.dock);
  return false;
}

/** A fault of the table's `fault` kind on the dock (hints such as "not charging" are no reason to stop). */
function dockFault(d: StationSight['docks'][number] | undefined): string | null {
  if (!d) return null;
  if (d.faultCode !== undefined && faultCodeEntry(d.faultCode)?.kind === 'fault') return d.faultCode;
  return d.state === 'fault' ? 'fault' : null;
}

/** Why a procedure may not start on this target now, or null when it may. */
export function refuseStart(p: Procedure, target: ProcedureTarget, sight: StationSight): 'alarm' | 'fault' | null {
  if (sight.docks.some((d) => d.alarm !== undefined)) return 'alarm';
  if (target.kind !== 'dock') return null;
  const d = sight.docks.find((x) => x.dock === target.dock);
  const code = dockFault(d);
  if (code === null) return null;
  // A pack that must not be touched (too hot, a charger that does not switch off) is no place for a procedure.
  const e = faultCodeEntry(code);
  return e?.touchPack === true && p.target === 'dock' ? null : 'fault';
}

export class ProcedureRun {
  private step = 0;
  private stepShownAt: number;
  private lastMove: number;
  private heldSince: number | null = null;
  private faultsAtStart: Set<string>;
  private rickshawSeen = false;
  private maintenanceSeen = false;
  private setMaint = false;
  private readonly opts: Required<RunOptions>;
  readonly startedAt: number;
  ended: { outcome: 'done' | 'aborted'; reason: ProcedureEndReason } | null = null;

  constructor(
    readonly runId: string,
    readonly procedure: Procedure,
    readonly target: ProcedureTarget,
    readonly trainee: number | null,
    private readonly deps: RunDeps,
    sight: StationSight,
    opts: RunOptions = {},
  ) {
    this.opts = { ...RUN_DEFAULTS, ...opts };
    this.startedAt = deps.clock.now();
    this.stepShownAt = deps.clock.monotonic();
    this.lastMove = this.stepShownAt;
    const d = target.kind === 'dock' ? sight.docks.find((x) => x.dock === target.dock) : undefined;
    const f = dockFault(d);
    this.faultsAtStart = new Set(f ? [f] : []);
    if (target.kind === 'dock' && procedure.maintenance && d?.state !== 'maintenance') {
      deps.setMaintenance(target.dock, true);
      this.setMaint = true;
    }
    this.event('procedure-started', `${procedure.id} started`, { steps: procedure.steps.length });
  }

  /** Index of the step shown (0-based). */
  get stepIndex(): number {
    return this.step;
  }

  get current() {
    return this.procedure.steps[this.step];
  }

  /** The step waits for a condition the station has not seen yet. */
  get waiting(): boolean {
    return this.current?.waitFor !== undefined;
  }

  /** Once per station tick: stops on a fault or an alarm, and moves on when the step's condition has held a while. */
  observe(sight: StationSight): void {
    if (this.ended) return;
    const now = this.deps.clock.monotonic();
    if (sight.docks.some((d) => d.alarm !== undefined)) return this.end('aborted', 'alarm');
    if (this.target.kind === 'dock') {
      const dock = this.target.dock;
      const d = sight.docks.find((x) => x.dock === dock);
      const f = dockFault(d);
      if (f !== null && !this.faultsAtStart.has(f)) return this.end('aborted', 'fault');
      // Someone ended the dock's maintenance (the dashboard): the charger may come on, so the procedure stops.
      if (this.procedure.maintenance) {
        if (d?.state === 'maintenance') this.maintenanceSeen = true;
        else if (this.maintenanceSeen && d?.state !== 'fault') return this.end('aborted', 'maintenance-off');
      }
    } else {
      const present = sight.rickshawIn(this.target.bay);
      if (present) this.rickshawSeen = true;
      else if (this.rickshawSeen) return this.end('aborted', 'rickshaw-left');
    }
    if (now - this.lastMove > this.opts.idleTimeoutMs) return this.end('aborted', 'timeout');
    const c = this.current?.waitFor;
    if (c === undefined) return;
    if (!conditionHolds(c, this.target, sight)) {
      this.heldSince = null;
      return;
    }
    this.heldSince ??= now;
    if (now - this.heldSince >= this.opts.settleMs) this.advance('condition');
  }

  /** A long press: confirms a step that waits for nobody else; false when the press did nothing. */
  confirm(): boolean {
    if (this.ended || this.waiting) return false;
    if (this.deps.clock.monotonic() - this.stepShownAt < this.opts.minStepMs) return false;
    this.advance('button');
    return true;
  }

  /** The trainee stops the procedure. */
  stop(): void {
    if (!this.ended) this.end('aborted', 'stopped');
  }

  /** The charger is kept off after the end: the dock stays in maintenance until a person ends it. */
  get chargerHeldOff(): boolean {
    return this.setMaint && this.ended?.outcome === 'aborted';
  }

  private advance(by: 'button' | 'condition'): void {
    const s = this.current;
    this.event('procedure-step', `${this.procedure.id} step ${this.step + 1} done`, {
      step: this.step + 1,
      stepId: s?.id ?? String(this.step + 1),
      by,
    });
    this.step += 1;
    this.heldSince = null;
    this.stepShownAt = this.deps.clock.monotonic();
    this.lastMove = this.stepShownAt;
    if (this.step >= this.procedure.steps.length) this.end('done', 'done');
  }

  private end(outcome: 'done' | 'aborted', reason: ProcedureEndReason): void {
    this.ended = { outcome, reason };
    // Done: the dock goes back into service. Aborted: maintenance stays on, so the charger stays off.
    if (this.setMaint && outcome === 'done' && this.target.kind === 'dock')
      this.deps.setMaintenance(this.target.dock, false);
    this.event('procedure-ended', `${this.procedure.id} ${outcome === 'done' ? 'done' : `aborted (${reason})`}`, {
      outcome,
      reason,
      stepsDone: this.step,
      steps: this.procedure.steps.length,
      startedAt: this.startedAt,
      durationMs: this.deps.clock.now() - this.startedAt,
      chargerHeldOff: this.chargerHeldOff,
    });
  }

  private event(type: string, message: string, data: Record<string, unknown>): void {
    const where = this.target.kind === 'dock' ? { dock: this.target.dock } : { bay: this.target.bay };
    this.deps.record(type, this.target.kind === 'dock' ? this.target.dock : undefined, message, {
      runId: this.runId,
      procedureId: this.procedure.id,
      title: this.procedure.title.de,
      trainee: this.trainee,
      ...where,
      ...data,
    });
  }
}
