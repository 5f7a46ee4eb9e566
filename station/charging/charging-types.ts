// Shapes shared by the charging core: what a tick takes in (readings per dock, budget, bookings) and what it
// hands back (commands for the chargers and BMSes, events, a view per dock for the screen and telemetry).

import type { DockState } from '../../contract/messages.ts';
import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import type { Fresh } from '../devices/device-poller.ts';

export interface DockChargeConfig {
  /** Cells in series the dock is wired for: its voltage class (13S 54.6 V, 14S 58.8 V full). */
  series: 13 | 14;
  /** Largest current this dock's charger may be asked for, A. */
  chargerMaxA: number;
  /** Highest voltage the charger can set, V (a charger that cannot reach series x CV cannot charge). */
  chargerMaxV?: number;
  /** Cap on the battery's own charge current (e.g. the BMS charge over-current setting), A; else chargeCRate x nominal Ah. */
  batteryMaxA?: number;
}

export interface BatteryHealth {
  /** State of health, % of rated capacity. */
  sohPct?: number;
  /** Flagged by a mechanic or the health model: never charge or dispatch again. */
  retire?: boolean;
}

export interface DockInput {
  dock: number;
  config: DockChargeConfig;
  bms: Fresh<BmsReading> | null;
  charger: Fresh<ChargerReading> | null;
  /** When this dock's rickshaw leaves, epoch ms (a command-set departure overrides it). */
  departureAt?: number | null;
  health?: BatteryHealth;
}

/** A ride that needs `packs` batteries at `minSocPct` or more at `at` (epoch ms). */
export interface Booking {
  id: string;
  at: number;
  packs: number;
  minSocPct: number;
}

/** Live override of the configured base budget (e.g. the grid headroom a site meter reports). */
export interface BudgetOverride {
  maxW?: number;
  maxA?: number;
}

export interface TickInputs {
  /** Epoch ms: the only source of time for the core. */
  now: number;
  docks: readonly DockInput[];
  budget?: BudgetOverride;
  /** Bookings known this tick, besides those added with addBooking (same id: this one wins). */
  bookings?: readonly Booking[];
}

export type ChargeCommand =
  | { dock: number; kind: 'off'; reason: string }
  | { dock: number; kind: 'set'; voltageV: number; currentA: number }
  | { dock: number; kind: 'on' }
  | { dock: number; kind: 'bms-charge-fet'; on: boolean };

export type Severity = 'info' | 'warning' | 'fault';

/** The station event minus its envelope (stationId, ts, seq), which the daemon adds. */
export interface ChargingEvent {
  type: string;
  severity: Severity;
  dock?: number;
  message: string;
  data: Record<string, unknown>;
}

export interface DockView {
  dock: number;
  state: DockState;
  batteryId: string | null;
  /** Why the dock is in fault or quarantine, or why it is not charging; absent when nothing to say. */
  reason?: string;
  /** Fault or interlock code (machine-readable form of reason). */
  code?: string;
  doNotDispatch: boolean;
  /** Charging held off by a stop-charging command until resume-charging. */
  stopped: boolean;
  quarantined: boolean;
  /** A serious fault whose cause is gone and that waits for a person's acknowledgement. */
  awaitingAck: boolean;
  /** A safety action not confirmed by the readings, for the screen, LEDs and dashboard: `charge-fet-stuck`. */
  alarm?: string;
  /** Times the station switched this dock's charger on since it started. */
  chargerCycles?: number;
  grantedA: number;
  setVoltageV: number;
  targetSocPct: number | null;
  departureAt: number | null;
  expectedSocAtDeparturePct: number | null;
  /** The booking this pack is reserved for: the screen tells which packs to take. */
  bookingId: string | null;
}

export interface TickResult {
  /** Off and BMS-FET commands first, then set-points and on. */
  commands: ChargeCommand[];
  events: ChargingEvent[];
  docks: DockView[];
  /** Budget in force this tick and what the grants use of it, grid-side W. */
  budgetW: number;
  usedW: number;
}
