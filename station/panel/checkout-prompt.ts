// Check-out at the station: when a pack leaves a dock reserved for a booking (its BMS reading is gone), the screen
// shows the ride, the dock, the pack and its last SoC and asks for a long press; the press (or, if nobody presses,
// the pack staying out) sends `booking-pack-out`. A pack taken from a dock not reserved, or reserved for another
// ride than the one being served, is shown as such and reported as `pack-taken-unbooked`.

import type { Logger } from 'pino';
import type { LcdLines } from '../../firmware-bridge/io-board/io-board.ts';
import type { Clock } from '../../lib/clock.ts';
import {
  PACK_OUT_EVENT,
  PACK_TAKEN_UNBOOKED_EVENT,
  type PackOutData,
  type PackTakenUnbookedData,
} from '../../contract/station-checkout.ts';
import type { ScreenLanguage, ScreenWord } from '../display/screen-language.ts';
import type { Gesture } from './button-gestures.ts';

/** A prompt waits this long for a long press; then the readings alone confirm the pack stayed out, ms. */
export const CONFIRM_MS = 60_000;
/** A prompt shown for less than this takes no long press (one meant for the screen before it), ms. */
export const MIN_SHOWN_MS = 800;
/** A warning stays this long unless the pack goes back or a button is pressed, ms. */
export const WARN_MS = 30_000;
/** After a pack of a ride was taken, that ride counts as the one being served this long, ms. */
export const SERVING_MS = 10 * 60_000;
/** How long "check-out confirmed" stays on the screen, ms. */
export const CONFIRMED_MS = 4000;

/** One dock as the check-out sees it each tick. */
export interface CheckoutDock {
  dock: number;
  state: string;
  batteryId: string | null;
  bookingId: string | null;
  socPct: number | null;
}

export interface CheckoutDeps {
  clock: Clock;
  log: Logger;
  language: ScreenLanguage;
  /** Sends an event through the station's outbox. */
  record: (
    type: string,
    dock: number,
    message: string,
    data: Record<string, unknown>,
    severity: 'info' | 'warning',
  ) => void;
  /** Tells the planner a pack of the booking left (+1) or went back before it was confirmed (-1). */
  packTaken: (bookingId: string, delta: 1 | -1) => void;
}

/** What the dock held while its pack was in: the pack, its ride and its last SoC. */
interface Held {
  packId: string;
  bookingId: string | null;
  socPct: number | null;
  /** In maintenance (a procedure or a mechanic): a pack leaving it is no check-out. */
  maintenance: boolean;
}

interface Prompt extends Omit<PackOutData, 'confirmedBy'> {
  /** Monotonic ms: when it times out, and when it was first on the screen. */
  until: number;
  shownAt: number | null;
}

interface Warning {
  dock: number;
  packId: string;
  reservedFor: string | null;
  /** The docks to take instead, for the screen. */
  instead: number[];
  until: number;
}

const cut = (s: string): string => (s.length > 20 ? s.slice(0, 20) : s);
const pct = (soc: number | null): string => (soc === null ? '' : ` ${Math.round(soc)}%`);

export class CheckoutPrompt {
  private readonly held = new Map<number, Held>();
  private prompts: Prompt[] = [];
  private warnings: Warning[] = [];
  private said: { lines: LcdLines; until: number } | null = null;
  private serving: { bookingId: string; until: number } | null = null;
  private reservedNow = new Map<number, string>();

  constructor(private readonly deps: CheckoutDeps) {}

  /** Once per station tick with every dock: a pack gone from its dock is a take; one back in ends its prompt. */
  observe(docks: readonly CheckoutDock[]): void {
    const now = this.deps.clock.monotonic();
    const wall = this.deps.clock.now();
    for (const d of docks) {
      const before = this.held.get(d.dock);
      if (d.batteryId === null) {
        this.held.delete(d.dock);
        if (before) this.taken(d.dock, before, wall, now);
        continue;
      }
      if (before && before.packId !== d.batteryId) this.held.delete(d.dock);
      this.back(d.dock, d.batteryId);
      const kept = this.held.get(d.dock);
      this.held.set(d.dock, {
        packId: d.batteryId,
        // A fault clears the planner's reservation; the pack is still the ride's until it is gone.
        bookingId: d.state === 'fault' ? (d.bookingId ?? kept?.bookingId ?? null) : d.bookingId,
        socPct: d.socPct ?? kept?.socPct ?? null,
        maintenance: d.state === 'maintenance',
      });
    }
    this.reservedNow = new Map(docks.flatMap((d) => (d.bookingId ? [[d.dock, d.bookingId] as const] : [])));
    for (const p of this.prompts.filter((x) => now >= x.until)) this.confirm(p, 'reading');
    this.warnings = this.warnings.filter((x) => now < x.until);
  }

  /** The screen while a prompt, a warning or a confirmation is up; undefined otherwise. */
  lines(): LcdLines | undefined {
    const w = (k: ScreenWord) => this.deps.language.word(k);
    const now = this.deps.clock.monotonic();
    const warning = this.warnings[0];
    if (warning) {
      const head = cut(`Dock ${warning.dock}: ${w('attention')}`);
      if (warning.reservedFor !== null)
        return [head, w('reservedFor'), cut(`${w('ride')} ${warning.reservedFor}`), w('putBack')];
      const instead = warning.instead.length > 0 ? cut(`${w('ride')}: Dock ${warning.instead.join(', ')}`) : '';
      return [head, w('notReserved'), instead, w('putBack')];
    }
    const p = this.prompts[0];
    if (p) {
      p.shownAt ??= now;
      return [
        cut(`${w('ride')} ${p.bookingId}`),
        cut(`Dock ${p.dock}: ${w('packTaken')}`),
        cut(p.packId.slice(0, 20 - pct(p.socPct).length) + pct(p.socPct)),
        w('holdToConfirm'),
      ];
    }
    if (this.said && now < this.said.until) return this.said.lines;
    this.said = null;
    return undefined;
  }

  /**
   * A gesture of the page button; true when the check-out took it. A warning goes away with any press; a prompt
   * takes a long press (once it has been on the screen a moment) and ignores a short one, which must not page on.
   */
  button(g: Gesture): boolean {
    if (this.warnings.length > 0) {
      this.warnings.shift();
      return true;
    }
    const p = this.prompts[0];
    if (!p) return false;
    const now = this.deps.clock.monotonic();
    if (g === 'long' && p.shownAt !== null && now - p.shownAt >= MIN_SHOWN_MS) this.confirm(p, 'button');
    return true;
  }

  /** A pack left `dock`: a prompt for its ride, a warning, or nothing (a dock in maintenance, no ride waiting). */
  private taken(dock: number, h: Held, wall: number, now: number): void {
    if (h.maintenance) return;
    const serving = this.serving && now < this.serving.until ? this.serving.bookingId : null;
    if (h.bookingId !== null && (serving === null || serving === h.bookingId)) {
      this.prompts.push({
        bookingId: h.bookingId,
        dock,
        packId: h.packId,
        socPct: h.socPct,
        takenAt: wall,
        until: now + CONFIRM_MS,
        shownAt: null,
      });
      this.deps.packTaken(h.bookingId, 1);
      this.serving = { bookingId: h.bookingId, until: now + SERVING_MS };
      this.deps.log.info({ dock, pack: h.packId, booking: h.bookingId }, 'pack of a ride taken; asking to confirm');
      return;
    }
    // A pack from a dock without a reservation is only news while a ride's packs are waiting or being taken.
    const waiting = [...this.reservedNow.values()];
    if (h.bookingId === null && serving === null && waiting.length === 0) return;
    const ride = serving ?? waiting[0] ?? null;
    const instead = [...this.reservedNow].filter(([, b]) => b === ride).map(([d]) => d);
    this.warnings.push({ dock, packId: h.packId, reservedFor: h.bookingId, instead, until: now + WARN_MS });
    const data: PackTakenUnbookedData = {
      dock,
      packId: h.packId,
      socPct: h.socPct,
      reservedFor: h.bookingId,
      serving,
    };
    const why = h.bookingId !== null ? `reserved for booking ${h.bookingId}` : 'not reserved';
    this.deps.record(PACK_TAKEN_UNBOOKED_EVENT, dock, `dock ${dock}: pack ${h.packId} taken, ${why}`, data, 'warning');
  }

  /** The same pack back in a dock (its own or another): its prompt or warning ends without a check-out. */
  private back(dock: number, packId: string): void {
    if (this.prompts.length === 0 && this.warnings.length === 0) return;
    const p = this.prompts.find((x) => x.packId === packId);
    if (p) {
      this.prompts = this.prompts.filter((x) => x !== p);
      this.deps.packTaken(p.bookingId, -1);
      const w = (k: ScreenWord) => this.deps.language.word(k);
      this.said = { lines: [w('packBack'), `Dock ${dock}`, '', ''], until: this.deps.clock.monotonic() + CONFIRMED_MS };
    }
    this.warnings = this.warnings.filter((x) => x.packId !== packId);
  }

  private confirm(p: Prompt, by: PackOutData['confirmedBy']): void {
    this.prompts = this.prompts.filter((x) => x !== p);
    const data: PackOutData = {
      bookingId: p.bookingId,
      dock: p.dock,
      packId: p.packId,
      socPct: p.socPct,
      takenAt: p.takenAt,
      confirmedBy: by,
    };
    const message = `booking ${p.bookingId}: pack ${p.packId} out of dock ${p.dock} (${by})`;
    this.deps.record(PACK_OUT_EVENT, p.dock, message, data, 'info');
    const w = (k: ScreenWord) => this.deps.language.word(k);
    if (by === 'button')
      this.said = {
        lines: [w('checkoutConfirmed'), cut(`${w('ride')} ${p.bookingId}`), cut(`${p.packId}${pct(p.socPct)}`), ''],
        until: this.deps.clock.monotonic() + CONFIRMED_MS,
      };
  }
}
