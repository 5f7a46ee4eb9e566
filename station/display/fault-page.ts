// A dock's fault on the screen and its LED, from the fault-code table: "Dock 3: STÖRUNG" / "E12 Akku zu heiß" /
// "Nicht anfassen" / "Warten bis grün", and the red LED flashing the code's digits (E12: 1, gap, 2).

import { faultCodeEntry, ledCodeSequence, type FaultCodeEntry } from '../../contract/fault-codes.ts';
import type { LedSetting } from '../../firmware-bridge/io-board/io-board.ts';
import type { ScreenLanguage } from './screen-language.ts';

export interface CodedDock {
  dock: number;
  state: string;
  /** The dock's code from the fault-code table (E12, I21), as dock telemetry carries it. */
  faultCode?: string;
  /** The serious fault's cause is gone: a long press acknowledges it. */
  awaitingAck?: boolean;
}

/** Urgency of a dock's fault, 1 most urgent; a fault without a known code sits in the middle (5). */
export function dockUrgency(d: CodedDock): number {
  const e = d.faultCode !== undefined ? faultCodeEntry(d.faultCode) : undefined;
  return e?.urgency ?? 5;
}

const faultEntry = (d: CodedDock): FaultCodeEntry | null => {
  if (d.state !== 'fault' || d.faultCode === undefined) return null;
  const e = faultCodeEntry(d.faultCode);
  return e?.kind === 'fault' ? e : null;
};

/** The four lines of a dock in fault, or null when it has no known fault code (the caller shows its own page). */
export function faultCodePage(d: CodedDock, lang: ScreenLanguage): string[] | null {
  const e = faultEntry(d);
  if (!e) return null;
  const t = lang.code(e);
  return [
    `Dock ${d.dock}: ${lang.word('fault')}`,
    `${e.code} ${t.title}`,
    d.awaitingAck ? lang.word('causeGone') : lang.word(e.touchPack ? 'touchYes' : 'touchNo'),
    d.awaitingAck ? lang.word('holdToAck') : t.action,
  ];
}

/** The dock LED flashing its fault code, or null when the dock has no coded fault. */
export function faultCodeLed(d: CodedDock): LedSetting | null {
  const e = faultEntry(d);
  if (!e?.led) return null;
  return { color: e.led.color, pattern: 'sequence', sequence: ledCodeSequence(e.led) };
}
