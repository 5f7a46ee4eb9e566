// The fault-code table's code of a dock, as the screen and LEDs take it (the same code dock telemetry carries).

import type { DockView } from '../charging/charging-types.ts';
import { dockFaultCode } from '../faults/dock-condition.ts';

/** `{ faultCode }` to spread into a DisplayDock, or nothing when the dock has no code. */
export function faultCodeOf(
  view: Pick<DockView, 'code' | 'reason' | 'quarantined'>,
  tempsC: readonly number[] | null,
): { faultCode?: string } {
  const e = dockFaultCode(view, tempsC);
  return e ? { faultCode: e.code } : {};
}
