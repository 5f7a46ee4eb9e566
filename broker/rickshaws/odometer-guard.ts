// A rickshaw's lifetime odometer from the readings of its visits to the stations: each reading's distance is added
// from the previous one, and a reading that goes backwards or jumps past a day's ride is flagged, not believed.
//
// Two sources. The controller's own odometer (persistent in its EEPROM) is lifetime already: its deltas are added.
// The tachometer counts from the controller's boot, so it falls to about 0 whenever the pack is taken out: a drop to
// at most one allowance is a reboot (the new count is all ridden since); a drop to more than that cannot be a reboot
// and is flagged. Either way the raw value becomes the base of the next reading, so one bad reading costs its own
// delta and nothing after it.

export interface OdometerState {
  odometerKm: number | null;
  lastTachoKm: number | null;
  lastControllerKm: number | null;
  /** Time of the reading the state comes from; null before the first. */
  readingTs: number | null;
}

export interface OdometerInput {
  tachoKm: number | null;
  controllerOdometerKm: number | null;
  ts: number;
}

export interface OdometerAnomaly {
  kind: 'backwards' | 'jump';
  detail: string;
}

export interface OdometerStep {
  state: OdometerState;
  /** Distance added by this reading (0 when flagged). */
  addedKm: number;
  anomaly: OdometerAnomaly | null;
}

const DAY_MS = 86_400_000;
/** Rounding in the wire format (3-4 decimals): a step back smaller than this is noise, not a reading going backwards. */
const EPSILON_KM = 0.01;

/** Most a rickshaw can have ridden between two readings: a day's ride per (started) day between them, at least one. */
export function allowanceKm(maxDailyKm: number, fromTs: number | null, toTs: number): number {
  if (fromTs === null) return maxDailyKm;
  return maxDailyKm * Math.max(1, Math.ceil((toTs - fromTs) / DAY_MS));
}

const fmt = (km: number): string => `${Math.round(km * 100) / 100} km`;

export function advanceOdometer(prev: OdometerState, input: OdometerInput, maxDailyKm: number): OdometerStep {
  const allowance = allowanceKm(maxDailyKm, prev.readingTs, input.ts);
  const state: OdometerState = {
    odometerKm: prev.odometerKm,
    lastTachoKm: input.tachoKm ?? prev.lastTachoKm,
    lastControllerKm: input.controllerOdometerKm ?? prev.lastControllerKm,
    readingTs: input.ts,
  };
  let delta: number | null = null;
  let anomaly: OdometerAnomaly | null = null;

  if (input.controllerOdometerKm !== null) {
    const now = input.controllerOdometerKm;
    if (prev.odometerKm === null) state.odometerKm = now;
    else if (prev.lastControllerKm === null)
      delta = 0; // first reading of this source: a new base, nothing added
    else {
      delta = now - prev.lastControllerKm;
      if (delta < -EPSILON_KM)
        anomaly = { kind: 'backwards', detail: `controller odometer ${fmt(prev.lastControllerKm)} -> ${fmt(now)}` };
    }
  } else if (input.tachoKm !== null) {
    const now = input.tachoKm;
    if (prev.odometerKm === null)
      state.odometerKm = now; // first sight: all since boot counts
    else if (prev.lastTachoKm === null) delta = 0;
    else if (now >= prev.lastTachoKm - EPSILON_KM) delta = Math.max(0, now - prev.lastTachoKm);
    else if (now <= allowance)
      delta = now; // the controller restarted (pack out): ridden since its boot
    else anomaly = { kind: 'backwards', detail: `tachometer ${fmt(prev.lastTachoKm)} -> ${fmt(now)}, no restart` };
  }

  if (!anomaly && delta !== null && delta > allowance)
    anomaly = { kind: 'jump', detail: `+${fmt(delta)} in one step, more than ${fmt(allowance)} allowed` };
  if (anomaly) return { state, addedKm: 0, anomaly };
  const added = delta !== null && delta > 0 ? delta : 0;
  if (state.odometerKm !== null) state.odometerKm += added;
  return { state, addedKm: added, anomaly: null };
}
