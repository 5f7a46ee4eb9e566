// What the station sees of any charger or programmable power supply, whatever its protocol and register map.
// The charge-scheduling loop owns every set-point; drivers only translate, check ranges, and pick the bus lane.

import type { DeviceCountersSnapshot } from '../bus/device-counters.ts';
import type { Priority } from '../bus/request-bus.ts';

/** Output protection that tripped: 'other' is a code the driver does not know (treat it as a fault). */
export type ChargerProtection = 'none' | 'ovp' | 'ocp' | 'other';
/** Constant voltage (tapering, the end of a charge) or constant current (the bulk phase). */
export type ChargerMode = 'cv' | 'cc';

export interface ChargerReading {
  /**
   * True in every reading read() returns: read() rejects (BusError TIMEOUT, CLOSED, ...) when the charger does not
   * answer, so the caller's liveness state machine sees the cause. A station that keeps a last reading marks it
   * false when the charger goes silent.
   */
  online: boolean;
  /** When the reply arrived, epoch ms from the driver's clock; the loop compares it with its staleness limit. */
  at: number;
  outputOn: boolean;
  /** Set-points as the charger holds them now (after its own clamping), V and A. */
  setVoltageV: number;
  setCurrentA: number;
  /** Measured at the output terminals, V and A (current ≥ 0: a charger does not sink). */
  voltageV: number;
  currentA: number;
  /** Output power as the charger reports it, W. */
  powerW?: number;
  /** Supply voltage at the charger's input, V (a sagging input limits what it can deliver). */
  inputV?: number;
  protection: ChargerProtection;
  /** Raw protection code when `protection` is 'other', for the log. */
  protectionCode?: number;
  mode: ChargerMode;
  /** The charger's own (internal) temperature, °C. */
  tempC?: number;
  /** Battery voltage as the charger sees it (its battery-sense input), V. */
  batteryV?: number;
  /** Charge delivered since the charger's counter was last reset, Ah and Wh. */
  ah?: number;
  wh?: number;
}

export interface ChargerLimits {
  /** Highest voltage set-point the model accepts, V. */
  maxVoltageV: number;
  /** Highest current set-point the model accepts, A. */
  maxCurrentA: number;
}

export interface ChargerDriver {
  /** Device name in counters, logs and errors, e.g. `dock-2/charger`. */
  readonly name: string;
  /** Model and limits once known (after the first contact for drivers that identify the device). */
  readonly model: string | null;
  readonly limits: ChargerLimits | null;
  read(): Promise<ChargerReading>;
  /**
   * Switches the output. Off always travels on the bus's 'safety' lane, ahead of queued polls, whatever `priority`
   * says; on defaults to 'normal'. Off never waits for identification: it needs no scaling.
   */
  setOutput(on: boolean, priority?: Priority): Promise<void>;
  /** Sets both set-points (in one request where the device allows); rejects with ChargerError OUT_OF_RANGE first. */
  setVoltageCurrent(voltageV: number, currentA: number, priority?: Priority): Promise<void>;
  /** Device-side over-voltage / over-current trip points, so a runaway set-point is clamped by the charger itself. */
  setProtection?(ovpV: number, ocpA: number): Promise<void>;
  /**
   * True when the charger switches itself off if the station stops talking. When false (the Riden RD60xx), only the
   * station's expiring set-points protect the battery if the station hangs: keep its loop watchdog on.
   */
  readonly hasCommsWatchdog: boolean;
  /** Arms the charger's comms watchdog: output off after `timeoutMs` without a request. Only when hasCommsWatchdog. */
  configureTimeout?(timeoutMs: number): Promise<void>;
  counters(): DeviceCountersSnapshot;
}

export type ChargerErrorCode =
  | 'OUT_OF_RANGE' // a set-point outside the model's limits or not a finite number
  | 'UNKNOWN_MODEL' // the device reported a model id this driver has no scaling for
  | 'MODEL_MISMATCH' // the device is not the model the configuration says
  | 'UNSUPPORTED'; // the model has no register for what was asked

export class ChargerError extends Error {
  constructor(
    readonly code: ChargerErrorCode,
    readonly device: string,
    message: string,
  ) {
    super(`${device}: ${message}`);
    this.name = 'ChargerError';
  }
}

/** Range check shared by drivers: null when both set-points are finite and within the model's limits. */
export function checkSetpoints(
  device: string,
  voltageV: number,
  currentA: number,
  limits: ChargerLimits,
): ChargerError | null {
  if (!Number.isFinite(voltageV) || voltageV < 0 || voltageV > limits.maxVoltageV) {
    return new ChargerError('OUT_OF_RANGE', device, `voltage ${voltageV} V outside 0..${limits.maxVoltageV} V`);
  }
  if (!Number.isFinite(currentA) || currentA < 0 || currentA > limits.maxCurrentA) {
    return new ChargerError('OUT_OF_RANGE', device, `current ${currentA} A outside 0..${limits.maxCurrentA} A`);
  }
  return null;
}

/** Lane for an output change: off is a safety action and must never queue behind polls. */
export function outputPriority(on: boolean, requested: Priority = 'normal'): Priority {
  return on ? requested : 'safety';
}
