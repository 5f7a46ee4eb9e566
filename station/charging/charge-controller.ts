// The pure core of the charge-scheduling loop: one tick takes the freshest readings and returns the commands to
// write (off first), the events and a view per dock. Phases: interlocks, state machines, planner, set-points, expired
// leases, views. No I/O and no clock: time comes only from `inputs.now`, so a tick is deterministic.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import { Announcer } from './announcements.ts';
import { newFetWatch, watchChargeFet } from './charge-fet-watch.ts';
import {
  budgetWatts,
  currentLimit,
  planCharging,
  type Plan,
  type PlanCandidate,
  type PlanEntry,
} from './charge-planner.ts';
import {
  chargingConfigSchema,
  freshnessLimitMs,
  type ChargingConfig,
  type ChargingConfigInput,
} from './charging-config.ts';
import type { Booking, ChargeCommand, DockInput, DockView, TickInputs, TickResult } from './charging-types.ts';
import { checkRestingBattery, resolveFault } from './dock-faults.ts';
import {
  dockView,
  newDockRuntime,
  stuckRelayEvent,
  type DockRuntime,
  type DockTick,
  type TickOutput,
} from './dock-runtime.ts';
import type { AckResult } from './dock-state.ts';
import {
  checkInterlocks,
  fresh,
  newInterlockMemory,
  type InterlockCode,
  type InterlockInput,
  type Violation,
} from './interlocks.ts';
import { SetpointLeases } from './setpoint-lease.ts';

/** Interlock faults that also say something about the battery itself: it must not go out on a ride. */
const BATTERY_CODES: ReadonlySet<InterlockCode> = new Set(['bms-protection', 'cell-over-voltage', 'temperature']);
const FET_LOCK: readonly string[] = ['mosfet-software-lock'];
const NO_FLAGS: readonly string[] = [];

const ownFlags = (runtime: DockRuntime): readonly string[] => (runtime.chargeFet === 'closed' ? NO_FLAGS : FET_LOCK);

/** A dock in service, as the planner sees it, with the tick it came from. */
interface PlannedDock {
  candidate: PlanCandidate;
  dock: DockTick;
}

export class ChargeController {
  readonly config: ChargingConfig;
  private readonly runtimes = new Map<number, DockRuntime>();
  private readonly leases: SetpointLeases;
  private readonly bookings = new Map<string, Booking>();
  /** Packs of a booking seen leaving their docks at the station: the planner reserves only the rest. */
  private readonly packsTaken = new Map<string, number>();
  private readonly dockDepartures = new Map<number, number>();
  private readonly batteryDepartures = new Map<string, number>();
  private readonly maintenance = new Map<number, boolean>();
  private readonly announcer = new Announcer();

  constructor(config: ChargingConfig | ChargingConfigInput = {}) {
    this.config = chargingConfigSchema.parse(config);
    this.leases = new SetpointLeases(this.config.leaseTicks * this.config.tickMs);
  }

  tick(inputs: TickInputs): TickResult {
    const { now } = inputs;
    const out: TickOutput = { offCommands: [], commands: [], events: [] };
    const docks = inputs.docks.map((input) => this.applyInterlocks(input, now, out));
    for (const dock of docks) this.advanceStateMachine(dock, now, out);
    const planned = this.planCandidates(docks, now);
    const budgetW = budgetWatts(now, this.config.budget, inputs.budget);
    const plan = planCharging(
      planned.map((p) => p.candidate),
      this.bookingsFor(inputs),
      budgetW,
      now,
      this.config,
    );
    for (const { candidate, dock } of planned) {
      const entry = plan.entries.get(candidate.dock);
      if (entry) this.applyPlanEntry(dock, candidate, entry, now, out);
    }
    this.announceBookings(plan, out);
    this.expireLeases(now, out);
    const views = docks.map(({ input, runtime }) => {
      const lease = runtime.commandedOn ? this.leases.get(input.dock) : undefined;
      runtime.view = dockView(runtime, input.dock, plan.entries.get(input.dock), lease);
      return runtime.view;
    });
    const commands = out.offCommands.length > 0 ? out.offCommands.concat(out.commands) : out.commands;
    return { commands, events: out.events, docks: views, budgetW, usedW: plan.usedW };
  }

  // ---- Phase 1: interlocks, before anything else, for every dock.

  private applyInterlocks(input: DockInput, now: number, out: TickOutput): DockTick {
    const runtime = this.runtime(input.dock, now);
    runtime.input = input;
    const freshnessMs = freshnessLimitMs(this.config);
    const bms = fresh(input.bms, now, freshnessMs);
    const charger = fresh(input.charger, now, freshnessMs);
    this.refreshLimit(runtime, input, bms);
    const seenOn =
      charger !== null &&
      input.charger !== null &&
      (charger.outputOn || charger.currentA > this.config.charger.offCurrentA);
    if (runtime.isNew) {
      // A dock seen for the first time counts as told off now: a charger found on is switched off and must
      // confirm it like any other (a restarted station leaves nothing running on a stale plan).
      runtime.isNew = false;
      runtime.offAt = now;
      if (seenOn && input.charger !== null) {
        runtime.offRepeatedFor = input.charger.at;
        out.offCommands.push({ dock: input.dock, kind: 'off', reason: 'charger found on at start' });
      }
    }
    // The resume hold counts good readings only: a stale one starts it again.
    if (runtime.resumeHold !== null && (bms === null || charger === null)) runtime.resumeHold.since = now;
    const interlock = this.interlockInput(runtime, input, now, freshnessMs);
    const violations = checkInterlocks(interlock, runtime.interlockMemory, this.config);
    if (bms && runtime.commandedOn && !bms.chargeFetOn && runtime.chargeFet === 'closed') {
      violations.push({
        code: 'bms-protection',
        serious: false,
        message: 'BMS opened its charge FET',
        data: { chargeFetOn: false },
      });
    }
    if (violations.length > 0 && runtime.commandedOn) {
      this.switchOff(runtime, input.dock, violations[0]?.message ?? 'interlock', now, out);
    } else if (!runtime.commandedOn && seenOn) {
      this.repeatOff(runtime, input, violations[0]?.message, out);
    }
    for (const violation of violations) this.raiseViolation(runtime, input.dock, violation, now, out);
    return { input, runtime, bms, charger, interlock };
  }

  /** Recomputed only when a new reading (or health, or config) arrives: polls are slower than ticks. */
  private refreshLimit(runtime: DockRuntime, input: DockInput, bms: BmsReading | null): void {
    const { limitFor } = runtime;
    if (limitFor.bms !== input.bms || limitFor.health !== input.health || limitFor.config !== input.config) {
      runtime.limit = bms ? currentLimit(bms, input.config, input.health, this.config) : null;
      runtime.limitFor = { bms: input.bms, health: input.health, config: input.config };
    }
    if (bms === null) runtime.limit = null;
  }

  /** Told off, still seen on: say it again, once per new reading (off travels on the safety lane). */
  private repeatOff(runtime: DockRuntime, input: DockInput, reason: string | undefined, out: TickOutput): void {
    const reading = input.charger;
    if (reading === null || reading.at === runtime.offRepeatedFor) return;
    if (reading.at < (runtime.offAt ?? 0) + this.config.charger.offSettleMs) return;
    runtime.offRepeatedFor = reading.at;
    out.offCommands.push({ dock: input.dock, kind: 'off', reason: reason ?? 'charger seen on while it should be off' });
  }

  private raiseViolation(runtime: DockRuntime, dock: number, violation: Violation, now: number, out: TickOutput): void {
    const fault = {
      kind: 'interlock' as const,
      code: violation.code,
      reason: violation.message,
      serious: violation.serious,
      doNotDispatch: BATTERY_CODES.has(violation.code),
      data: violation.data,
    };
    out.events.push(...runtime.machine.raise(fault, now));
    if (violation.code === 'charger-not-off' && runtime.chargeFet !== 'open') {
      // The charger will not switch off: open the battery's own charge switch, the last line of defence.
      out.offCommands.push({ dock, kind: 'bms-charge-fet', on: false });
      runtime.chargeFet = 'open';
      runtime.fetWatch = newFetWatch('open', now);
      out.events.push(stuckRelayEvent(dock, runtime.machine.batteryId, violation));
    }
  }

  // ---- Phase 2: state machines: maintenance, battery in/out, fault causes, quarantine.

  private advanceStateMachine(dock: DockTick, now: number, out: TickOutput): void {
    const { input, runtime, bms, interlock } = dock;
    interlock.commandedOn = runtime.commandedOn;
    interlock.offAt = runtime.offAt;
    this.applyMaintenance(runtime, input.dock, now, out);
    const inserted = this.trackBattery(runtime, bms, now, out);
    this.watchChargeFet(runtime, input, now, out);
    interlock.ownFlags = ownFlags(runtime);
    resolveFault(dock, this.config, now, out);
    checkRestingBattery(dock, inserted, this.config, now, out);
  }

  /** Confirms the station's last charge-FET write by the readings; sends it again (safety lane) until they agree. */
  private watchChargeFet(runtime: DockRuntime, input: DockInput, now: number, out: TickOutput): void {
    const watch = runtime.fetWatch;
    if (watch === null) return;
    const r = watchChargeFet(watch, input.dock, runtime.machine.batteryId, input.bms, now, this.config);
    out.events.push(...r.events);
    if (r.resend) out.offCommands.push({ dock: input.dock, kind: 'bms-charge-fet', on: watch.want === 'closed' });
    if (watch.want === 'closed' && watch.confirmed) {
      runtime.chargeFet = 'closed';
      runtime.fetWatch = null;
    }
  }

  private applyMaintenance(runtime: DockRuntime, dock: number, now: number, out: TickOutput): void {
    const wanted = this.maintenance.get(dock);
    if (wanted === undefined) return;
    this.maintenance.delete(dock);
    if (wanted && runtime.commandedOn) this.switchOff(runtime, dock, 'maintenance', now, out);
    out.events.push(...runtime.machine.setMaintenance(wanted, now));
  }

  /** Battery in or out; true when a (different) battery was just inserted. */
  private trackBattery(runtime: DockRuntime, bms: BmsReading | null, now: number, out: TickOutput): boolean {
    const { machine } = runtime;
    if (bms !== null) {
      if (machine.batteryId === bms.id) return false;
      out.events.push(...machine.insert(bms.id, now));
      return true;
    }
    if (machine.batteryId !== null && !runtime.commandedOn) out.events.push(...machine.remove(now));
    return false;
  }

  // ---- Phase 3: the planner's view of the docks in service.

  private planCandidates(docks: readonly DockTick[], now: number): PlannedDock[] {
    const planned: PlannedDock[] = [];
    for (const dock of docks) {
      const candidate = this.candidate(dock, now);
      if (candidate) planned.push({ candidate, dock });
    }
    return planned;
  }

  private candidate(dock: DockTick, now: number): PlanCandidate | null {
    const { input, runtime, bms, charger } = dock;
    const batteryId = runtime.machine.batteryId;
    if (!runtime.machine.inService || bms === null || batteryId === null) return null;
    const cfg = this.config;
    const limitA = runtime.limit?.limitA ?? 0;
    runtime.holdReason = this.holdReason(runtime, bms, charger !== null, now);
    const chargeV = input.config.series * cfg.cells.cvCellV;
    const cutoffA = cfg.fullCutoffCRate * bms.nominalAh;
    const heldA = runtime.commandedOn ? (this.leases.get(input.dock)?.currentA ?? 0) : 0;
    const atCv = charger?.mode === 'cv' || bms.voltageV >= chargeV - 0.02 * input.config.series;
    const settled = input.charger !== null && input.charger.at >= runtime.onAt + cfg.charger.offConfirmMs;
    return {
      dock: input.dock,
      batteryId,
      socPct: bms.socPct,
      nominalAh: bms.nominalAh,
      voltageV: chargeV,
      maxA: limitA,
      chargeable: runtime.holdReason === undefined && limitA > 0,
      full: runtime.machine.state === 'full',
      cvDone: runtime.commandedOn && settled && atCv && bms.currentA < cutoffA && heldA >= 2 * cutoffA,
      departureAt:
        this.batteryDepartures.get(batteryId) ?? this.dockDepartures.get(input.dock) ?? input.departureAt ?? null,
    };
  }

  /** Why a dock in service may not charge now; undefined when nothing holds it. */
  private holdReason(runtime: DockRuntime, bms: BmsReading, chargerAnswers: boolean, now: number): string | undefined {
    if (runtime.stopped) return 'stopped by command';
    if (!chargerAnswers) return 'charger not answering';
    const hold = runtime.resumeHold;
    if (hold !== null) {
      const leftMs = hold.since + this.config.recovery.holdMs - now;
      if (leftMs > 0) return `resuming after ${hold.after}: ${Math.ceil(leftMs / 1000)} s of good readings to go`;
      runtime.resumeHold = null;
    }
    if (runtime.chargeFet !== 'closed') return 'waiting for the BMS charge FET';
    if (!bms.chargeFetOn) return 'BMS charge FET open';
    return runtime.limit?.why;
  }

  private bookingsFor(inputs: TickInputs): Booking[] {
    let list: Booking[] = [...this.bookings.values()];
    if (inputs.bookings && inputs.bookings.length > 0) {
      const merged = new Map(this.bookings);
      for (const booking of inputs.bookings) merged.set(booking.id, booking);
      list = [...merged.values()];
    }
    if (this.packsTaken.size === 0) return list;
    return list.flatMap((b) => {
      const packs = b.packs - (this.packsTaken.get(b.id) ?? 0);
      return packs > 0 ? [{ ...b, packs }] : [];
    });
  }

  // ---- Phase 4: set-points: write only what changed; start and stop chargers; settle charging-side states.

  private applyPlanEntry(dock: DockTick, candidate: PlanCandidate, entry: PlanEntry, now: number, out: TickOutput) {
    const { runtime, bms } = dock;
    if (bms === null) return;
    if (entry.grantA > 0) this.grant(runtime, bms, candidate, entry.grantA, now, out);
    else this.holdOff(runtime, bms, candidate, entry, now, out);
    if (entry.deadline !== null && candidate.departureAt !== null && candidate.departureAt === entry.deadline) {
      const announcement = this.announcer.departure(candidate.dock, candidate.batteryId, candidate.departureAt, entry);
      if (announcement) out.events.push(announcement);
    }
  }

  private grant(
    runtime: DockRuntime,
    bms: BmsReading,
    candidate: PlanCandidate,
    grantA: number,
    now: number,
    out: TickOutput,
  ): void {
    const { dock, voltageV } = candidate;
    if (this.leases.grant(dock, voltageV, grantA, now) !== 'same') {
      out.commands.push({ dock, kind: 'set', voltageV, currentA: this.leases.get(dock)?.currentA ?? 0 });
    }
    if (!runtime.commandedOn) {
      out.commands.push({ dock, kind: 'on' });
      const warning = runtime.cycles.on(dock, now, this.config);
      if (warning) out.events.push(warning);
      runtime.commandedOn = true;
      runtime.onAt = now;
      runtime.offAt = null;
      runtime.interlockMemory = newInterlockMemory();
    }
    const state = bms.balancing.length > 0 ? 'balancing' : 'charging';
    if (runtime.machine.state !== state) out.events.push(...runtime.machine.charge(state, now));
  }

  private holdOff(
    runtime: DockRuntime,
    bms: BmsReading,
    candidate: PlanCandidate,
    entry: PlanEntry,
    now: number,
    out: TickOutput,
  ): void {
    const reached =
      entry.targetSocPct >= 100
        ? candidate.cvDone || (candidate.full && !entry.needsCharge)
        : bms.socPct >= entry.targetSocPct - (candidate.full ? this.config.resumeBelowTargetPct : 0);
    const reason = reached
      ? `target ${entry.targetSocPct} % reached`
      : (runtime.holdReason ?? (entry.needsCharge ? 'no budget left' : 'not eligible'));
    if (runtime.commandedOn) this.switchOff(runtime, candidate.dock, reason, now, out);
    if (!reached) runtime.holdReason = reason;
    const state = reached ? 'full' : 'idle';
    if (runtime.machine.state !== state) out.events.push(...runtime.machine.charge(state, now, reason));
  }

  private announceBookings(plan: Plan, out: TickOutput): void {
    for (const status of plan.bookings) {
      const announcement = this.announcer.booking(status);
      if (announcement) out.events.push(announcement);
    }
    this.announcer.keepBookings(plan.bookings);
  }

  // ---- Phase 5: leases not renewed (a dock missing from the inputs): 0 A and output off.

  private expireLeases(now: number, out: TickOutput): void {
    for (const dock of this.leases.expire(now)) {
      const runtime = this.runtime(dock, now);
      const series = runtime.input?.config.series ?? 13;
      this.switchOff(runtime, dock, 'set-point lease expired', now, out);
      out.commands.push({ dock, kind: 'set', voltageV: series * this.config.cells.cvCellV, currentA: 0 });
      out.events.push(...runtime.machine.charge('idle', now, 'set-point lease expired'));
    }
  }

  // ---- Helpers shared by the phases.

  private runtime(dock: number, now: number): DockRuntime {
    let runtime = this.runtimes.get(dock);
    if (!runtime) {
      runtime = newDockRuntime(dock, now);
      this.runtimes.set(dock, runtime);
    }
    return runtime;
  }

  private interlockInput(runtime: DockRuntime, input: DockInput, now: number, freshnessMs: number): InterlockInput {
    return {
      now,
      freshnessMs,
      series: input.config.series,
      bms: input.bms,
      charger: input.charger,
      commandedOn: runtime.commandedOn,
      offAt: runtime.offAt,
      grantedA: this.leases.get(input.dock)?.currentA ?? 0,
      batteryLimitA: runtime.limit?.batteryLimitA ?? 0,
      ownFlags: ownFlags(runtime),
    };
  }

  private switchOff(runtime: DockRuntime, dock: number, reason: string, now: number, out: TickOutput): void {
    out.offCommands.push({ dock, kind: 'off', reason });
    if (runtime.commandedOn) {
      runtime.commandedOn = false;
      runtime.offAt = now;
      runtime.interlockMemory.confirmedOff = false;
    }
    this.leases.revoke(dock);
  }

  /**
   * A command the writer could not get through (the device refused or did not answer). A charge-FET write's failure
   * goes into the next tick's report; the retry is the watch's (charge-fet-watch.ts).
   */
  commandFailed(command: ChargeCommand, why: string): void {
    const watch = this.runtimes.get(command.dock)?.fetWatch;
    if (command.kind === 'bms-charge-fet' && watch && (watch.want === 'closed') === command.on) watch.writeError = why;
  }

  /** A person confirms a dock's fault (station button or dashboard); it clears at the next tick if its cause is gone. */
  acknowledge(dock: number): AckResult {
    const runtime = this.runtimes.get(dock);
    return runtime ? runtime.machine.acknowledge() : { accepted: false, message: `dock ${dock}: unknown` };
  }

  /** Maintenance on (charger off, nothing granted) or off; applied at the next tick, which reports the transition. */
  setMaintenance(dock: number, on: boolean): void {
    this.maintenance.set(dock, on);
  }

  /** Departure of the rickshaw at this dock, epoch ms; null clears it. */
  setDeparture(dock: number, at: number | null): void {
    if (at === null) this.dockDepartures.delete(dock);
    else this.dockDepartures.set(dock, at);
    this.announcer.forgetDeparture(dock);
  }

  /** Departure bound to a battery (follows it to whatever dock it sits in); wins over the dock's. */
  setBatteryDeparture(batteryId: string, at: number | null): void {
    if (at === null) this.batteryDepartures.delete(batteryId);
    else this.batteryDepartures.set(batteryId, at);
  }

  addBooking(b: Booking): void {
    this.bookings.set(b.id, { ...b });
  }

  removeBooking(id: string): boolean {
    this.packsTaken.delete(id);
    return this.bookings.delete(id);
  }

  /**
   * One of the booking's packs left its dock (+1), or went back in before its take was confirmed (-1): without this
   * the planner would reserve a replacement and the screen would ask for one pack too many.
   */
  bookingPackTaken(id: string, delta: 1 | -1): void {
    const n = Math.max(0, (this.packsTaken.get(id) ?? 0) + delta);
    if (n === 0) this.packsTaken.delete(id);
    else this.packsTaken.set(id, n);
  }

  /** Holds a dock off (by command) until resumeCharging; its battery stays available. */
  stopCharging(dock: number): void {
    this.runtime(dock, 0).stopped = true;
  }

  resumeCharging(dock: number): void {
    this.runtime(dock, 0).stopped = false;
  }

  /** The last view of every dock seen, in dock order. */
  views(): DockView[] {
    return [...this.runtimes.values()].map((runtime) => runtime.view).sort((a, b) => a.dock - b.dock);
  }
}
