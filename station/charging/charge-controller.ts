// The pure core of the charge-scheduling loop: one tick takes the freshest readings and returns the commands to
// write (off first), the events and a view per dock. Order: interlocks, state machines, planner, changed set-points.
// No I/O and no clock: time comes only from `inputs.now`, so a tick is deterministic.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import { Announcer } from './announcements.ts';
import { budgetWatts, currentLimit, planCharging, type CurrentLimit, type PlanCandidate } from './charge-planner.ts';
import {
  chargingConfigSchema,
  freshnessLimitMs,
  type ChargingConfig,
  type ChargingConfigInput,
} from './charging-config.ts';
import type {
  Booking,
  ChargeCommand,
  ChargingEvent,
  DockInput,
  DockView,
  TickInputs,
  TickResult,
} from './charging-types.ts';
import { DockMachine, type AckResult } from './dock-state.ts';
import {
  causeGone,
  checkInterlocks,
  fresh,
  newInterlockMemory,
  type InterlockCode,
  type InterlockInput,
  type InterlockMemory,
  type Violation,
} from './interlocks.ts';
import { quarantineCheck } from './quarantine.ts';
import { SetpointLeases } from './setpoint-lease.ts';

/** Interlock faults that also say something about the battery itself: it must not go out on a ride. */
const BATTERY_CODES: ReadonlySet<InterlockCode> = new Set(['bms-protection', 'cell-over-voltage', 'temperature']);
const FET_LOCK: readonly string[] = ['mosfet-software-lock'];
const NO_FLAGS: readonly string[] = [];

interface DockRuntime {
  m: DockMachine;
  input: DockInput | null;
  /** Not yet seen by a tick. */
  isNew: boolean;
  commandedOn: boolean;
  onAt: number;
  /** When the charger was last told off; the stuck-relay check counts from here. */
  offAt: number | null;
  /** `at` of the last charger reading that earned a repeated off command. */
  offRepeatedFor: number | null;
  mem: InterlockMemory;
  /** Our own use of the BMS charge FET: opened for a stuck relay, closing after the fault cleared. */
  fet: 'closed' | 'open' | 'closing';
  fetClosingAt: number;
  stopped: boolean;
  limit: CurrentLimit | null;
  /** What `limit` was computed from (identities): a new reading, health or config recomputes it. */
  limitFor: { bms: DockInput['bms'] | undefined; health: DockInput['health']; config: DockInput['config'] | undefined };
  /** The BMS reading a resting battery was last quarantine-checked with. */
  restCheckedFor: DockInput['bms'];
  why: string | undefined;
  view: DockView;
}

/** One dock's inputs and judgements within a tick. */
interface Row {
  d: DockInput;
  r: DockRuntime;
  bms: BmsReading | null;
  ch: ChargerReading | null;
  x: InterlockInput;
}

export class ChargeController {
  readonly config: ChargingConfig;
  private readonly runtimes = new Map<number, DockRuntime>();
  private readonly leases: SetpointLeases;
  private readonly bookings = new Map<string, Booking>();
  private readonly dockDepartures = new Map<number, number>();
  private readonly batteryDepartures = new Map<string, number>();
  private readonly maintenance = new Map<number, boolean>();
  private readonly announcer = new Announcer();

  constructor(config: ChargingConfig | ChargingConfigInput = {}) {
    this.config = chargingConfigSchema.parse(config);
    this.leases = new SetpointLeases(this.config.leaseTicks * this.config.tickMs);
  }

  private rt(dock: number, now: number): DockRuntime {
    let r = this.runtimes.get(dock);
    if (!r) {
      const view: DockView = {
        dock,
        state: 'empty',
        batteryId: null,
        doNotDispatch: false,
        stopped: false,
        quarantined: false,
        awaitingAck: false,
        grantedA: 0,
        setVoltageV: 0,
        targetSocPct: null,
        departureAt: null,
        expectedSocAtDeparturePct: null,
        bookingId: null,
      };
      r = {
        m: new DockMachine(dock),
        input: null,
        isNew: true,
        commandedOn: false,
        onAt: 0,
        offAt: now,
        offRepeatedFor: null,
        mem: newInterlockMemory(),
        fet: 'closed',
        fetClosingAt: 0,
        stopped: false,
        limit: null,
        limitFor: { bms: undefined, health: undefined, config: undefined },
        restCheckedFor: null,
        why: undefined,
        view,
      };
      this.runtimes.set(dock, r);
    }
    return r;
  }

  private interlockInput(r: DockRuntime, d: DockInput, now: number, freshnessMs: number): InterlockInput {
    return {
      now,
      freshnessMs,
      series: d.config.series,
      bms: d.bms,
      charger: d.charger,
      commandedOn: r.commandedOn,
      offAt: r.offAt,
      grantedA: this.leases.get(d.dock)?.currentA ?? 0,
      batteryLimitA: r.limit?.batteryLimitA ?? 0,
      ownFlags: r.fet === 'closed' ? NO_FLAGS : FET_LOCK,
    };
  }

  private switchOff(r: DockRuntime, dock: number, reason: string, now: number, offs: ChargeCommand[]): void {
    offs.push({ dock, kind: 'off', reason });
    if (r.commandedOn) {
      r.commandedOn = false;
      r.offAt = now;
      r.mem.confirmedOff = false;
    }
    this.leases.revoke(dock);
  }

  tick(inputs: TickInputs): TickResult {
    const { now } = inputs;
    const cfg = this.config;
    const freshMs = freshnessLimitMs(cfg);
    const offs: ChargeCommand[] = [];
    const rest: ChargeCommand[] = [];
    const events: ChargingEvent[] = [];
    const rows: Row[] = [];

    // 1. Interlocks, before anything else, for every dock.
    for (const d of inputs.docks) {
      const r = this.rt(d.dock, now);
      r.input = d;
      const bms = fresh(d.bms, now, freshMs);
      const ch = fresh(d.charger, now, freshMs);
      if (r.limitFor.bms !== d.bms || r.limitFor.health !== d.health || r.limitFor.config !== d.config) {
        // Recomputed only when a new reading (or health, or config) arrives: polls are slower than ticks.
        r.limit = bms ? currentLimit(bms, d.config, d.health, cfg) : null;
        r.limitFor = { bms: d.bms, health: d.health, config: d.config };
      }
      if (bms === null) r.limit = null;
      const seenOn = ch !== null && d.charger !== null && (ch.outputOn || ch.currentA > cfg.charger.offCurrentA);
      if (r.isNew) {
        // A dock seen for the first time counts as told off now: a charger found on is switched off and must
        // confirm it like any other (a restarted station leaves nothing running on a stale plan).
        r.isNew = false;
        r.offAt = now;
        if (seenOn && d.charger !== null) {
          r.offRepeatedFor = d.charger.at;
          offs.push({ dock: d.dock, kind: 'off', reason: 'charger found on at start' });
        }
      }
      const x = this.interlockInput(r, d, now, freshMs);
      const vs: Violation[] = checkInterlocks(x, r.mem, cfg);
      if (bms && r.commandedOn && !bms.chargeFetOn && r.fet === 'closed') {
        vs.push({
          code: 'bms-protection',
          serious: false,
          message: 'BMS opened its charge FET',
          data: { chargeFetOn: false },
        });
      }
      if (vs.length > 0 && r.commandedOn) this.switchOff(r, d.dock, vs[0]?.message ?? 'interlock', now, offs);
      else if (
        !r.commandedOn &&
        seenOn &&
        d.charger !== null &&
        d.charger.at !== r.offRepeatedFor &&
        d.charger.at >= (r.offAt ?? 0) + cfg.charger.offSettleMs
      ) {
        // Told off, still seen on: say it again, once per new reading (off travels on the safety lane).
        r.offRepeatedFor = d.charger.at;
        offs.push({ dock: d.dock, kind: 'off', reason: vs[0]?.message ?? 'charger seen on while it should be off' });
      }
      for (const v of vs) {
        events.push(
          ...r.m.raise(
            {
              kind: 'interlock',
              code: v.code,
              reason: v.message,
              serious: v.serious,
              doNotDispatch: BATTERY_CODES.has(v.code),
              data: v.data,
            },
            now,
          ),
        );
        if (v.code === 'charger-not-off' && r.fet !== 'open') {
          offs.push({ dock: d.dock, kind: 'bms-charge-fet', on: false });
          r.fet = 'open';
          events.push(stuckRelayEvent(d.dock, r.m.batteryId, v));
        }
      }
      rows.push({ d, r, bms, ch, x });
    }

    // 2. State machines: maintenance, battery in/out, fault causes, quarantine.
    for (const { d, r, bms, x } of rows) {
      const m = r.m;
      x.commandedOn = r.commandedOn;
      x.offAt = r.offAt;
      const want = this.maintenance.get(d.dock);
      if (want !== undefined) {
        this.maintenance.delete(d.dock);
        if (want && r.commandedOn) this.switchOff(r, d.dock, 'maintenance', now, offs);
        events.push(...m.setMaintenance(want, now));
      }
      let inserted = false;
      if (bms !== null) {
        if (m.batteryId !== bms.id) {
          inserted = true;
          events.push(...m.insert(bms.id, now));
        }
      } else if (m.batteryId !== null && !r.commandedOn) {
        events.push(...m.remove(now));
      }
      if (
        r.fet === 'closing' &&
        bms !== null &&
        d.bms !== null &&
        d.bms.at >= r.fetClosingAt + cfg.charger.offSettleMs &&
        bms.chargeFetOn
      )
        r.fet = 'closed';
      x.ownFlags = r.fet === 'closed' ? NO_FLAGS : FET_LOCK;
      const f = m.fault;
      if (f !== null) {
        const gone =
          f.kind === 'interlock'
            ? f.causes.every((c) => causeGone(c.code as InterlockCode, x, f.since, cfg))
            : bms !== null &&
              quarantineCheck(bms, d.config, d.health, cfg, { temperature: true, ownFlags: x.ownFlags }) === null;
        m.setCauseGone(gone);
        events.push(...m.resolve(now, bms !== null));
        if (m.fault === null && r.fet === 'open') {
          // The stuck charger has confirmed off and a person acknowledged: give the battery its charge path back.
          rest.push({ dock: d.dock, kind: 'bms-charge-fet', on: true });
          r.fet = 'closing';
          r.fetClosingAt = now;
        }
      }
      if (m.state !== 'idle' && m.state !== 'full') r.restCheckedFor = null;
      else if (bms !== null && !r.commandedOn && (inserted || r.restCheckedFor !== d.bms)) {
        // A resting battery is judged once per new reading; temperature only on insertion (a warm one just waits).
        r.restCheckedFor = d.bms;
        const q = quarantineCheck(bms, d.config, d.health, cfg, { temperature: inserted, ownFlags: x.ownFlags });
        if (q)
          events.push(
            ...m.raise(
              { kind: 'quarantine', code: q.code, reason: q.reason, serious: false, doNotDispatch: true },
              now,
            ),
          );
      }
    }

    // 3. Planner over the docks in service.
    const candidates: PlanCandidate[] = [];
    const planned: Row[] = [];
    for (const row of rows) {
      const { d, r, bms, ch } = row;
      if (!r.m.inService || bms === null || r.m.batteryId === null) continue;
      const limitA = r.limit?.limitA ?? 0;
      r.why = r.stopped
        ? 'stopped by command'
        : ch === null
          ? 'charger not answering'
          : r.fet !== 'closed'
            ? 'waiting for the BMS charge FET'
            : !bms.chargeFetOn
              ? 'BMS charge FET open'
              : r.limit?.why;
      const v = d.config.series * cfg.cells.cvCellV;
      const cutoffA = cfg.fullCutoffCRate * bms.nominalAh;
      const held = r.commandedOn ? (this.leases.get(d.dock)?.currentA ?? 0) : 0;
      const atCv = ch?.mode === 'cv' || bms.voltageV >= v - 0.02 * d.config.series;
      const settled = d.charger !== null && d.charger.at >= r.onAt + cfg.charger.offConfirmMs;
      candidates.push({
        dock: d.dock,
        batteryId: r.m.batteryId,
        socPct: bms.socPct,
        nominalAh: bms.nominalAh,
        voltageV: v,
        maxA: limitA,
        chargeable: r.why === undefined && limitA > 0,
        full: r.m.state === 'full',
        cvDone: r.commandedOn && settled && atCv && bms.currentA < cutoffA && held >= 2 * cutoffA,
        departureAt:
          this.batteryDepartures.get(r.m.batteryId) ?? this.dockDepartures.get(d.dock) ?? d.departureAt ?? null,
      });
      planned.push(row);
    }
    let bookings: Booking[] = [...this.bookings.values()];
    if (inputs.bookings && inputs.bookings.length > 0) {
      const merged = new Map(this.bookings);
      for (const b of inputs.bookings) merged.set(b.id, b);
      bookings = [...merged.values()];
    }
    const budgetW = budgetWatts(now, cfg.budget, inputs.budget);
    const plan = planCharging(candidates, bookings, budgetW, now, cfg);

    // 4. Set-points: write only what changed; start and stop chargers; settle charging-side states.
    for (const [i, c] of candidates.entries()) {
      const row = planned[i];
      const e = plan.entries.get(c.dock);
      if (!e || !row || row.bms === null) continue;
      const { r, bms } = row;
      if (e.grantA > 0) {
        if (this.leases.grant(c.dock, c.voltageV, e.grantA, now) !== 'same') {
          rest.push({
            dock: c.dock,
            kind: 'set',
            voltageV: c.voltageV,
            currentA: this.leases.get(c.dock)?.currentA ?? 0,
          });
        }
        if (!r.commandedOn) {
          rest.push({ dock: c.dock, kind: 'on' });
          r.commandedOn = true;
          r.onAt = now;
          r.offAt = null;
          r.mem = newInterlockMemory();
        }
        const to = bms.balancing.length > 0 ? 'balancing' : 'charging';
        if (r.m.state !== to) events.push(...r.m.charge(to, now));
      } else {
        const reached =
          e.targetSocPct >= 100
            ? c.cvDone || (c.full && !e.needsCharge)
            : bms.socPct >= e.targetSocPct - (c.full ? cfg.resumeBelowTargetPct : 0);
        const why = reached
          ? `target ${e.targetSocPct} % reached`
          : (r.why ?? (e.needsCharge ? 'no budget left' : 'not eligible'));
        if (r.commandedOn) this.switchOff(r, c.dock, why, now, offs);
        if (!reached) r.why = why;
        const to = reached ? 'full' : 'idle';
        if (r.m.state !== to) events.push(...r.m.charge(to, now, why));
      }
      if (e.deadline !== null && c.departureAt !== null && c.departureAt === e.deadline) {
        const a = this.announcer.departure(c.dock, c.batteryId, c.departureAt, e);
        if (a) events.push(a);
      }
    }
    for (const s of plan.bookings) {
      const a = this.announcer.booking(s);
      if (a) events.push(a);
    }
    this.announcer.keepBookings(plan.bookings);

    // 5. Leases not renewed (a dock missing from the inputs): 0 A and output off.
    for (const dock of this.leases.expire(now)) {
      const r = this.rt(dock, now);
      const series = r.input?.config.series ?? 13;
      this.switchOff(r, dock, 'set-point lease expired', now, offs);
      rest.push({ dock, kind: 'set', voltageV: series * cfg.cells.cvCellV, currentA: 0 });
      events.push(...r.m.charge('idle', now, 'set-point lease expired'));
    }

    // 6. Views.
    const views: DockView[] = [];
    for (const { d, r } of rows) {
      const e = plan.entries.get(d.dock);
      const l = r.commandedOn ? this.leases.get(d.dock) : undefined;
      const m = r.m;
      const v: DockView = {
        dock: d.dock,
        state: m.state,
        batteryId: m.batteryId,
        doNotDispatch: m.doNotDispatch,
        stopped: r.stopped,
        quarantined: m.fault?.kind === 'quarantine',
        awaitingAck: m.awaitingAck,
        grantedA: l?.currentA ?? 0,
        setVoltageV: l?.voltageV ?? 0,
        targetSocPct: e?.targetSocPct ?? null,
        departureAt: e?.deadline ?? null,
        expectedSocAtDeparturePct: e?.expectedSocPct ?? null,
        bookingId: e?.bookingId ?? null,
      };
      const reason = m.reason ?? (m.state === 'idle' || m.state === 'full' ? r.why : undefined);
      if (reason !== undefined) v.reason = reason;
      const code = m.code;
      if (code !== undefined) v.code = code;
      r.view = v;
      views.push(v);
    }
    return { commands: offs.length > 0 ? offs.concat(rest) : rest, events, docks: views, budgetW, usedW: plan.usedW };
  }

  /** A person confirms a dock's fault (station button or dashboard); it clears at the next tick if its cause is gone. */
  acknowledge(dock: number): AckResult {
    const r = this.runtimes.get(dock);
    return r ? r.m.acknowledge() : { accepted: false, message: `dock ${dock}: unknown` };
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
    return this.bookings.delete(id);
  }

  /** Holds a dock off (by command) until resumeCharging; its battery stays available. */
  stopCharging(dock: number): void {
    this.rt(dock, 0).stopped = true;
  }

  resumeCharging(dock: number): void {
    this.rt(dock, 0).stopped = false;
  }

  /** The last view of every dock seen, in dock order. */
  views(): DockView[] {
    return [...this.runtimes.values()].map((r) => r.view).sort((a, b) => a.dock - b.dock);
  }
}

function stuckRelayEvent(dock: number, batteryId: string | null, v: Violation): ChargingEvent {
  const todo = [
    'switch the charger off at its mains switch',
    'take the battery out of the dock',
    'label the charger "defekt / do not use"',
    'call a mechanic, then acknowledge the fault at the station',
  ];
  return {
    type: 'charger-stuck',
    severity: 'fault',
    dock,
    message: `dock ${dock}: the charger cannot be switched off (${v.message}). The battery's charge switch (BMS charge FET) was opened to stop the current. A person must: ${todo.join('; ')}.`,
    data: { code: v.code, batteryId, action: 'bms-charge-fet-off', todo, ...v.data },
  };
}
