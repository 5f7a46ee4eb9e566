// What the station's buttons do: the acknowledge button steps through the pages (short press) and acknowledges the
// dock whose fault is shown (long press; a serious fault only once its cause is gone); the maintenance button picks a
// dock (short press) and switches its maintenance on or off (long press: charger off, LED amber). Past the last page
// the page button reaches the guided procedures (task-menu.ts). Feedback shows on the screen for a few seconds, in
// the station's language.

import type { Logger } from 'pino';
import type { LcdLines } from '../../firmware-bridge/io-board/io-board.ts';
import type { Clock } from '../../lib/clock.ts';
import type { DockView } from '../charging/charging-types.ts';
import type { AckResult } from '../charging/dock-state.ts';
import type { ScreenLanguage } from '../display/screen-language.ts';
import { STATE_WORD_KEY } from '../display/screen-language.ts';
import type { Gesture } from './button-gestures.ts';
import type { CheckoutPrompt } from './checkout-prompt.ts';
import type { TaskMenu } from './task-menu.ts';

/** The part of the charge controller the panel drives. */
export interface PanelController {
  acknowledge(dock: number): AckResult;
  setMaintenance(dock: number, on: boolean): void;
}

export interface PanelDeps {
  clock: Clock;
  log: Logger;
  controller: PanelController;
  views: () => readonly DockView[];
  language: ScreenLanguage;
  /** Turns the screen to its next page. */
  nextPage: () => void;
  /** Turns the rotation to its first page (leaving the tasks menu). */
  firstPage?: () => void;
  /** Guided procedures on the page button (station/panel/task-menu.ts); absent = none. */
  tasks?: TaskMenu;
  /** Records what a person did at the station (an event to the central store). */
  record?: (
    type: string,
    dock: number | undefined,
    message: string,
    data: Record<string, unknown>,
    severity?: 'info' | 'warning',
  ) => void;
  /** Check-out of booked packs (checkout-prompt.ts): its prompts stand in for the rotation and take the page button. */
  checkout?: CheckoutPrompt;
}

/** How long button feedback stays on the screen, ms; the maintenance picker stays while it is being used. */
export const MESSAGE_MS = 4000;
export const PICKER_MS = 10_000;

/** The dock a shown page is about: fault, alarm and blocked pages start with "Dock N:". */
export function pageDock(lines: readonly string[]): number | null {
  const m = /^Dock (\d+):/.exec(lines[0] ?? '');
  return m ? Number(m[1]) : null;
}

export class StationPanel {
  private message: { lines: LcdLines; until: number } | null = null;
  private picked: { dock: number; until: number } | null = null;
  private shown: readonly string[] = [];
  /** The page on screen when the acknowledge button went down: the dock a long press means, even if the rotation
   * turned to the next page while the finger was held. */
  private pressedOn: readonly string[] | null = null;
  private atLastPage = true;

  constructor(private readonly deps: PanelDeps) {}

  /** The lines the rotation shows now (to know which dock a long press means), and whether it is the last page. */
  showing(lines: readonly string[], page = 0, pages = 1): void {
    this.shown = lines;
    this.atLastPage = page >= pages - 1;
  }

  /** What stands in for the rotation now, if anything: the tasks menu or a procedure first, then button feedback. */
  overlay(): LcdLines | undefined {
    const task = this.deps.tasks?.lines();
    if (task) return task;
    const checkout = this.deps.checkout?.lines();
    if (checkout) return checkout;
    const now = this.deps.clock.monotonic();
    if (this.message && now < this.message.until) return this.message.lines;
    this.message = null;
    if (this.picked && now < this.picked.until) return this.pickerLines(this.picked.dock);
    this.picked = null;
    return undefined;
  }

  /** The acknowledge button went down: remember the page the person is looking at. */
  acknowledgeDown(): void {
    this.pressedOn = this.shown;
  }

  acknowledgeButton(g: Gesture): void {
    const pressedOn = this.pressedOn ?? this.shown;
    this.pressedOn = null;
    const tasks = this.deps.tasks;
    if (tasks?.active) {
      if (tasks.button(g) === 'leave') this.deps.firstPage?.();
      return;
    }
    if (this.deps.checkout?.button(g)) return;
    if (g === 'short') {
      this.message = null;
      // After the rotation's last page comes the tasks page; the press after it brings back the first page.
      if (tasks?.available && this.atLastPage) tasks.enter();
      else this.deps.nextPage();
      return;
    }
    const w = (k: Parameters<ScreenLanguage['word']>[0]) => this.deps.language.word(k);
    const shownDock = pageDock(pressedOn);
    const faulted = this.deps.views().filter((v) => v.state === 'fault' || v.awaitingAck);
    const targets = shownDock !== null ? faulted.filter((v) => v.dock === shownDock) : faulted;
    if (targets.length === 0) return;
    const refused: number[] = [];
    const done: number[] = [];
    for (const v of targets) {
      const r = this.deps.controller.acknowledge(v.dock);
      this.deps.log.info({ dock: v.dock, accepted: r.accepted, why: r.message }, 'acknowledge at the station');
      (r.accepted ? done : refused).push(v.dock);
      this.deps.record?.('station-acknowledge', v.dock, r.message, { accepted: r.accepted });
    }
    const docks = (xs: number[]) => `Dock ${xs.join(', ')}`.slice(0, 20);
    this.say(
      refused.length > 0
        ? [docks(refused), w('ackRefused'), w('causeStill'), '']
        : [docks(done), w('acknowledged'), '', ''],
    );
  }

  maintenanceButton(g: Gesture): void {
    // A running procedure holds its dock in maintenance: the other button must not end that under the trainee.
    if (this.deps.tasks?.running) return;
    const views = [...this.deps.views()].sort((a, b) => a.dock - b.dock);
    if (views.length === 0) return;
    const now = this.deps.clock.monotonic();
    const active = this.picked !== null && now < this.picked.until;
    if (g === 'short') {
      // First press shows the dock on screen (or the first); each further press the next one.
      const from = active ? views.findIndex((v) => v.dock === this.picked?.dock) : -1;
      const start = !active ? (pageDock(this.shown) ?? views[0]?.dock) : views[(from + 1) % views.length]?.dock;
      if (start === undefined) return;
      this.message = null;
      this.picked = { dock: start, until: now + PICKER_MS };
      return;
    }
    if (!active || !this.picked) return;
    const dock = this.picked.dock;
    const on = views.find((v) => v.dock === dock)?.state !== 'maintenance';
    this.deps.controller.setMaintenance(dock, on);
    this.deps.log.info({ dock, on }, 'maintenance switched at the station');
    this.deps.record?.('station-maintenance', dock, `dock ${dock}: maintenance ${on ? 'on' : 'off'} at the station`, {
      on,
    });
    this.picked = null;
    const w = (k: Parameters<ScreenLanguage['word']>[0]) => this.deps.language.word(k);
    this.say([w('maintenance'), `Dock ${dock}`, w(on ? 'maintenanceOn' : 'maintenanceOff'), on ? w('chargerOff') : '']);
  }

  private pickerLines(dock: number): LcdLines {
    const w = (k: Parameters<ScreenLanguage['word']>[0]) => this.deps.language.word(k);
    const v = this.deps.views().find((x) => x.dock === dock);
    const state = v ? w(STATE_WORD_KEY[v.state]) : '';
    return [w('maintenance'), `Dock ${dock}: ${state}`.slice(0, 20), w('stepHint'), w('holdHint')];
  }

  private say(lines: LcdLines): void {
    this.message = { lines, until: this.deps.clock.monotonic() + MESSAGE_MS };
  }
}
