// Service intervals of one rickshaw, computed when read: distance and days since each task was last recorded (or
// since the rickshaw was first seen), when it falls due, and its state. Due at the interval; overdue a fraction of
// the interval later (config `overdueAfterFraction`), by distance or by time, whichever comes first.

import type { ServiceInterval, ServiceState } from '../../contract/rickshaw-api.ts';
import type { ServiceTask } from './rickshaw-config.ts';

const DAY_MS = 86_400_000;

export interface ServiceBase {
  odometerKm: number | null;
  firstSeen: number;
  firstOdometerKm: number | null;
}

export interface LastService {
  at: number;
  by: string;
  odometerKm: number | null;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
/** `a >= b` for limits computed in floating point: 90 days x 1.1 must be reached at day 99, not a hair later. */
const reached = (a: number, b: number): boolean => a >= b - 1e-9 * Math.max(1, Math.abs(b));

export function serviceInterval(
  task: ServiceTask,
  rickshaw: ServiceBase,
  last: LastService | null,
  now: number,
  overdueAfterFraction: number,
): ServiceInterval {
  const baseAt = last?.at ?? rickshaw.firstSeen;
  // A service recorded before any odometer reading counts from the first reading after it.
  const baseKm = last ? (last.odometerKm ?? rickshaw.firstOdometerKm) : rickshaw.firstOdometerKm;
  const kmSince = rickshaw.odometerKm !== null && baseKm !== null ? Math.max(0, rickshaw.odometerKm - baseKm) : null;
  const daysSince = Math.max(0, (now - baseAt) / DAY_MS);
  const everyKm = task.everyKm ?? null;
  const everyDays = task.everyDays ?? null;
  let state: ServiceState = 'ok';
  const worse = (s: ServiceState): void => {
    if (s === 'overdue' || (s === 'due' && state === 'ok')) state = s;
  };
  if (everyKm !== null && kmSince !== null) {
    if (reached(kmSince, everyKm * (1 + overdueAfterFraction))) worse('overdue');
    else if (reached(kmSince, everyKm)) worse('due');
  }
  if (everyDays !== null) {
    if (reached(daysSince, everyDays * (1 + overdueAfterFraction))) worse('overdue');
    else if (reached(daysSince, everyDays)) worse('due');
  }
  return {
    task: task.task,
    label: task.label,
    everyKm,
    everyDays,
    lastDoneAt: last?.at ?? null,
    lastDoneBy: last?.by ?? null,
    kmSince: kmSince === null ? null : round1(kmSince),
    daysSince: round1(daysSince),
    dueAtKm: everyKm !== null && baseKm !== null ? round1(baseKm + everyKm) : null,
    dueAt: everyDays !== null ? Math.round(baseAt + everyDays * DAY_MS) : null,
    state,
  };
}

/** The worst of several states: overdue over due over ok. */
export function worstState(states: readonly ServiceState[]): ServiceState {
  if (states.includes('overdue')) return 'overdue';
  return states.includes('due') ? 'due' : 'ok';
}
