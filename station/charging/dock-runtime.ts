// What the charge controller remembers per dock between ticks (state machine, charger and FET commands, the current
// limit and what it was computed from), and what one tick knows of a dock while it runs through the phases.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import { FET_ALARM, type FetWatch } from './charge-fet-watch.ts';
import type { CurrentLimit, PlanEntry } from './charge-planner.ts';
import type { ChargeCommand, ChargingEvent, DockInput, DockView } from './charging-types.ts';
import { DockMachine } from './dock-state.ts';
import type { Lease } from './setpoint-lease.ts';
import { newInterlockMemory, type InterlockInput, type InterlockMemory, type Violation } from './interlocks.ts';
import { SwitchCycles } from './switch-cycles.ts';

export interface DockRuntime {
  machine: DockMachine;
  input: DockInput | null;
  /** Not yet seen by a tick. */
  isNew: boolean;
  commandedOn: boolean;
  onAt: number;
  /** When the charger was last told off; the stuck-relay check counts from here. */
  offAt: number | null;
  /** `at` of the last charger reading that earned a repeated off command. */
  offRepeatedFor: number | null;
  interlockMemory: InterlockMemory;
  /** Our own use of the BMS charge FET: opened for a stuck relay, closing after the fault cleared. */
  chargeFet: 'closed' | 'open' | 'closing';
  /** The last charge-FET write and what the readings since said of it; null when the station leaves the FET alone. */
  fetWatch: FetWatch | null;
  /** Charging may resume only after good readings since `since`: set when a fault cleared by itself. */
  resumeHold: { since: number; after: string } | null;
  cycles: SwitchCycles;
  stopped: boolean;
  limit: CurrentLimit | null;
  /** What `limit` was computed from (identities): a new reading, health or config recomputes it. */
  limitFor: { bms: DockInput['bms'] | undefined; health: DockInput['health']; config: DockInput['config'] | undefined };
  /** The BMS reading a resting battery was last quarantine-checked with. */
  restCheckedFor: DockInput['bms'];
  /** Why the dock is not charging, when it is idle for a reason of its own (shown in its view). */
  holdReason: string | undefined;
  view: DockView;
}

/** One dock within a tick: its inputs, its runtime, the fresh readings (null when stale) and the interlock input. */
export interface DockTick {
  input: DockInput;
  runtime: DockRuntime;
  bms: BmsReading | null;
  charger: ChargerReading | null;
  interlock: InterlockInput;
}

/** What a tick collects as it goes: off commands travel before everything else. */
export interface TickOutput {
  offCommands: ChargeCommand[];
  commands: ChargeCommand[];
  events: ChargingEvent[];
}

export function newDockRuntime(dock: number, now: number): DockRuntime {
  return {
    machine: new DockMachine(dock),
    input: null,
    isNew: true,
    commandedOn: false,
    onAt: 0,
    offAt: now,
    offRepeatedFor: null,
    interlockMemory: newInterlockMemory(),
    chargeFet: 'closed',
    fetWatch: null,
    resumeHold: null,
    cycles: new SwitchCycles(),
    stopped: false,
    limit: null,
    limitFor: { bms: undefined, health: undefined, config: undefined },
    restCheckedFor: null,
    holdReason: undefined,
    view: {
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
      chargerCycles: 0,
    },
  };
}

/** The dock as the screen and telemetry see it after a tick; `lease` only while the charger is commanded on. */
export function dockView(
  runtime: DockRuntime,
  dock: number,
  entry: PlanEntry | undefined,
  lease: Lease | undefined,
): DockView {
  const { machine } = runtime;
  const view: DockView = {
    dock,
    state: machine.state,
    batteryId: machine.batteryId,
    doNotDispatch: machine.doNotDispatch,
    stopped: runtime.stopped,
    quarantined: machine.fault?.kind === 'quarantine',
    awaitingAck: machine.awaitingAck,
    grantedA: lease?.currentA ?? 0,
    setVoltageV: lease?.voltageV ?? 0,
    targetSocPct: entry?.targetSocPct ?? null,
    departureAt: entry?.deadline ?? null,
    expectedSocAtDeparturePct: entry?.expectedSocPct ?? null,
    bookingId: entry?.bookingId ?? null,
    chargerCycles: runtime.cycles.total,
  };
  const watch = runtime.fetWatch;
  if (watch !== null && watch.want === 'open' && watch.escalated) view.alarm = FET_ALARM;
  const reason =
    machine.reason ?? (machine.state === 'idle' || machine.state === 'full' ? runtime.holdReason : undefined);
  if (reason !== undefined) view.reason = reason;
  const code = machine.code;
  if (code !== undefined) view.code = code;
  return view;
}

/**
 * The fault event for a charger that will not switch off: what the readings showed, what the station does about it
 * (asks the BMS to open its charge switch; whether it did is reported from the next reading, charge-fet-watch.ts),
 * and what a person must do now.
 */
export function stuckRelayEvent(dock: number, batteryId: string | null, violation: Violation): ChargingEvent {
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
    message: `dock ${dock}: the charger cannot be switched off (${violation.message}). The station is asking the battery's BMS to open its charge switch (charge FET) and reports what the next reading shows. A person must: ${todo.join('; ')}.`,
    data: { code: violation.code, batteryId, action: 'bms-charge-fet-off-requested', todo, ...violation.data },
  };
}
