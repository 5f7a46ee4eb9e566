// Which condition of the fault-code table (contract/fault-codes.ts) a dock is in, from the charging core's view: its
// fault cause, or the reason a pack in service is not charging. Every view with a reason maps to exactly one code.

import { DOCK_CONDITIONS, faultCodeFor, type DockCondition, type FaultCodeEntry } from '../../contract/fault-codes.ts';
import type { DockView } from '../charging/charging-types.ts';

const KNOWN: ReadonlySet<string> = new Set(DOCK_CONDITIONS);

/**
 * The charge controller's and planner's "not charging" reasons (DockView.reason while idle or full), by their exact
 * text. A reason missing here shows as I61 ("not charging", details on the dashboard), never as nothing; the test
 * dock-condition.test.ts drives the controller into each one so a reworded reason fails there.
 */
const HOLD_REASONS: ReadonlyMap<string, DockCondition> = new Map([
  ['stopped by command', 'hold:stopped'],
  ['charger not answering', 'hold:charger-not-answering'],
  ['waiting for the BMS charge FET', 'hold:waiting-for-charge-fet'],
  ['BMS charge FET open', 'hold:charge-fet-open'],
  ['battery reports no capacity', 'hold:no-capacity'],
  ['battery temperature outside the charge window', 'hold:temperature-window'],
  ['no budget left', 'hold:no-budget'],
  ['not eligible', 'hold:not-eligible'],
]);

/**
 * A temperature fault means outside the charging window. The side is the one the fault was latched at: the core's
 * reason names the reading that tripped it ("battery at 52 °C, outside 0..45 °C"), and a latched fault keeps that
 * side after the pack has cooled (a hot pack at 20 °C again is not "too cold"). Without such a reason the pack's
 * sensors decide: a reading at or above room temperature can only have left the window at the top (the configurable
 * window always contains 20..30 °C: minC <= 20, maxC >= 30).
 */
export const HOT_FROM_C = 25;

const TRIPPED_AT = /^battery at (-?\d+(?:\.\d+)?) °C, outside (-?\d+(?:\.\d+)?)\.\./;

function temperatureSide(reason: string | undefined, tempsC: readonly number[] | null): 'missing' | 'high' | 'low' {
  const tripped = reason === undefined ? null : TRIPPED_AT.exec(reason);
  if (tripped) return Number(tripped[1]) < Number(tripped[2]) ? 'low' : 'high';
  if (tempsC === null || tempsC.length === 0) return 'missing';
  return Math.max(...tempsC) >= HOT_FROM_C ? 'high' : 'low';
}

/** The condition of one dock, or null when there is nothing to say (no fault, charging or simply waiting empty). */
export function dockCondition(
  view: Pick<DockView, 'code' | 'reason' | 'quarantined'>,
  tempsC: readonly number[] | null,
): DockCondition | null {
  if (view.code !== undefined) {
    const source = view.quarantined ? 'quarantine' : 'interlock';
    const name = view.code === 'temperature' ? `temperature-${temperatureSide(view.reason, tempsC)}` : view.code;
    const c = `${source}:${name}`;
    return KNOWN.has(c) ? (c as DockCondition) : 'unknown:fault';
  }
  if (view.reason === undefined) return null;
  const hold = HOLD_REASONS.get(view.reason);
  if (hold) return hold;
  if (/^target \d+(\.\d+)? % reached$/.test(view.reason)) return 'hold:target-reached';
  return 'unknown:hold';
}

/** The table entry for a dock, or null when it has nothing to report. */
export function dockFaultCode(
  view: Pick<DockView, 'code' | 'reason' | 'quarantined'>,
  tempsC: readonly number[] | null,
): FaultCodeEntry | null {
  const c = dockCondition(view, tempsC);
  return c === null ? null : faultCodeFor(c);
}
