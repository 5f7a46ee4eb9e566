// What the station's LEDs and 20x4 screen show, in plain German for trainees: pure, from the dock views and the time.
// Faults and blocked packs come first, then which packs to take for a ride, then every dock, paging every few seconds.

import type { DockState } from '../../contract/messages.ts';
import { encodeLcdText, type LcdCharset } from '../../firmware-bridge/io-board/hd44780-charset.ts';
import type { LcdLines, LedSetting } from '../../firmware-bridge/io-board/io-board.ts';
import { dockUrgency, faultCodeLed, faultCodePage } from './fault-page.ts';
import { GERMAN_SCREEN, STATE_WORD_KEY, type ScreenLanguage } from './screen-language.ts';

export interface DisplayDock {
  dock: number;
  state: DockState;
  /** State of charge, %; null without a battery or reading. */
  socPct: number | null;
  /** Machine-readable cause of a fault or block (the charging core's codes: temperature, stale-bms, ...). */
  code?: string;
  /** The code of the fault-code table (E12): when set, a fault shows its code on the screen and LED. */
  faultCode?: string;
  doNotDispatch: boolean;
  /** The fault's cause is gone and waits for the acknowledge button. */
  awaitingAck?: boolean;
  /** A safety action the readings did not confirm (`charge-fet-stuck`): it outranks everything on the screen. */
  alarm?: string;
  /** The booking this pack is reserved for. */
  bookingId?: string | null;
  /** The pack's id (BMS), for the booking page's "Dock 2: <pack>". */
  batteryId?: string | null;
  /** Hottest battery sensor, °C: says whether a temperature fault is "too hot" or "too cold". */
  maxTempC?: number | null;
}

export interface DisplayInput {
  docks: readonly DisplayDock[];
  /** The station's MQTT link to the central broker. */
  linkUp: boolean;
  /** ms from the injected clock; picks the page. */
  now: number;
  /** Short names for bookings shown on the screen, e.g. the departure time "14:30"; by booking id. */
  bookingLabels?: Readonly<Record<string, string>>;
  /** Rickshaws docked in the service bays, with what needs doing in plain words (station/bays/rickshaw-notices.ts). */
  rickshaws?: readonly RickshawShown[];
  /** The station's configured service bays: each has an LED `bay-<n>` (off while the bay is empty). */
  bays?: readonly number[];
  /** The screen's charset (io-board config `lcd.charset`): Ö is two glyphs (OE), ä is two in `ascii`. Default a00. */
  charset?: LcdCharset;
  /** Screen language (station config display.language); German when absent. */
  language?: ScreenLanguage;
}

/** A docked rickshaw as the screen shows it. */
export interface RickshawShown {
  bay: number;
  /** "Rikscha 3" (the registry name) or "Rikscha 383a" until the central side names it. */
  label: string;
  /** What to do, fault first: "Motor zu heiß", "Bremsen prüfen". */
  messages: readonly string[];
  /** The controller reports a fault (the first message says which). */
  fault?: boolean;
}

/** "Rikscha 3:" then what to do, three things a page: "Rikscha 3: Bremsen prüfen" in plain words. */
function rickshawPages(list: readonly RickshawShown[]): string[][] {
  const pages: string[][] = [];
  for (const r of list) {
    for (let i = 0; i < r.messages.length; i += 3) pages.push([`${r.label}:`, ...r.messages.slice(i, i + 3)]);
  }
  return pages;
}

export interface DisplayOutput {
  /** One per dock ("dock-1".."dock-N", as the simulator names them) and "status"; names as in the I/O board config. */
  leds: Array<{ name: string; setting: LedSetting }>;
  lines: LcdLines;
  page: number;
  pages: number;
}

/** A page stays this long before the next, ms. */
export const PAGE_MS = 3000;
const STATUS_LED = 'status';
const dockLedName = (dock: number): string => `dock-${dock}`;

const OFF: LedSetting = { color: 'green', pattern: 'off' };

/**
 * Dock LED: fault red blinking; do-not-dispatch red steady; maintenance amber; full green steady; charging green
 * blinking; balancing blue; a pack waiting to charge (idle) green pulsing; empty off. The order is precedence.
 */
export function dockLed(d: DisplayDock): LedSetting {
  // Every colour flashing (white on an RGB LED, all LEDs on single-colour ones): unlike any state, so "read the screen".
  if (d.alarm !== undefined) return { color: 'white', pattern: 'blink' };
  const coded = faultCodeLed(d);
  if (coded) return coded;
  if (d.state === 'fault') return { color: 'red', pattern: 'blink' };
  if (d.doNotDispatch) return { color: 'red', pattern: 'on' };
  switch (d.state) {
    case 'maintenance':
      return { color: 'amber', pattern: 'on' };
    case 'full':
      return { color: 'green', pattern: 'on' };
    case 'charging':
      return { color: 'green', pattern: 'blink' };
    case 'balancing':
      return { color: 'blue', pattern: 'on' };
    case 'idle':
      return { color: 'green', pattern: 'pulse' };
    case 'empty':
      return OFF;
  }
}

/**
 * Bay LED: empty off; the controller reports a fault red blinking (do not ride it); a service is due amber blinking
 * (the screen says which); docked with nothing to do green steady.
 */
export function bayLed(r: RickshawShown | undefined): LedSetting {
  if (!r) return OFF;
  if (r.fault) return { color: 'red', pattern: 'blink' };
  if (r.messages.length > 0) return { color: 'amber', pattern: 'blink' };
  return { color: 'green', pattern: 'on' };
}

/** Station LED: link up green steady; link down red blinking (telemetry waits in the outbox meanwhile). */
export function statusLed(linkUp: boolean): LedSetting {
  return linkUp ? { color: 'green', pattern: 'on' } : { color: 'red', pattern: 'blink' };
}

const STATE_WORD: Record<DockState, string> = {
  empty: 'frei',
  idle: 'wartet',
  charging: 'lädt',
  balancing: 'Ausgleich',
  full: 'voll',
  fault: 'STÖRUNG',
  maintenance: 'Wartung',
};

/** Short German cause per charging-core code; each fits one 20-character line. */
const CAUSE: Record<string, string> = {
  'bms-protection': 'Akku-Schutz aktiv',
  'cell-over-voltage': 'Zellspannung zu hoch',
  'cell-under-voltage': 'Akku tiefentladen',
  'cell-spread': 'Zellen ungleich',
  'charger-class': 'Falsches Ladegerät',
  'voltage-class': 'Falscher Akku-Typ',
  'charger-not-off': 'Lader geht nicht aus',
  'charger-over-current': 'Ladestrom zu hoch',
  'charger-over-voltage': 'Ladespannung zu hoch',
  'ignores-setpoint': 'Lader reagiert nicht',
  retire: 'Akku ausmustern',
  'stale-bms': 'Keine Akku-Daten',
  'stale-charger': 'Keine Lader-Daten',
};

/**
 * The cause in German. A temperature fault means outside the charging window; a reading above room temperature can
 * only have left it at the top, so 25 °C splits "too hot" from "too cold" without knowing the configured window.
 */
function causeText(d: DisplayDock): string {
  if (d.code === 'temperature') {
    if (d.maxTempC === null || d.maxTempC === undefined) return 'Temperatur prüfen';
    return d.maxTempC >= 25 ? 'Akku zu heiß' : 'Akku zu kalt';
  }
  return (d.code !== undefined ? CAUSE[d.code] : undefined) ?? 'Details im Dashboard';
}

/**
 * `left` cut and padded to `width` glyphs as the screen will show them (STÖRUNG takes 8), so what is right-aligned
 * after it stays in the last columns.
 */
function fitGlyphs(left: string, width: number, charset: LcdCharset): string {
  let out = '';
  let used = 0;
  for (const ch of left) {
    const w = encodeLcdText(ch, charset).length;
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out + ' '.repeat(width - used);
}

/** "Dock 1 lädt      45%": label and state left, SoC right, 20 glyphs on the screen. */
export function overviewLine(d: DisplayDock, charset: LcdCharset = 'a00', lang?: ScreenLanguage): string {
  const blocked = d.state !== 'fault' && d.doNotDispatch;
  const word = lang
    ? lang.word(blocked ? 'stateBlocked' : STATE_WORD_KEY[d.state])
    : blocked
      ? 'GESPERRT'
      : STATE_WORD[d.state];
  const soc = d.socPct === null || d.state === 'empty' ? '' : ` ${Math.round(d.socPct)}%`;
  return fitGlyphs(`Dock ${d.dock} ${word}`, 20 - soc.length, charset) + soc;
}

function faultPage(d: DisplayDock, lang: ScreenLanguage): string[] {
  const coded = faultCodePage(d, lang);
  if (coded) return coded;
  return [
    `Dock ${d.dock}: STÖRUNG`,
    causeText(d),
    // "Cause gone: press the button" takes both lines: it is the one thing the person at the station must do.
    ...(d.awaitingAck
      ? ['Ursache behoben:', 'Taste drücken']
      : [d.doNotDispatch ? 'Nicht ausgeben!' : 'Laden gestoppt', 'Mechaniker rufen']),
  ];
}

/**
 * An unconfirmed safety action, in two pages so every line fits 20 glyphs: what is wrong, then what to do. German
 * only, as the whole screen: "Ladeschalter ließ sich nicht öffnen: Akku abziehen, Mechaniker rufen".
 */
function alarmPages(d: DisplayDock): string[][] {
  const head = `Dock ${d.dock}: GEFAHR`;
  if (d.alarm === 'charge-fet-stuck')
    return [
      [head, 'Ladeschalter ließ', 'sich nicht öffnen:', 'Akku abziehen,'],
      [head, 'Akku abziehen,', 'Mechaniker rufen!', 'Lader: Netzschalter'],
    ];
  return [[head, 'Sicherheit prüfen:', 'Akku abziehen,', 'Mechaniker rufen!']];
}

function blockedPage(d: DisplayDock): string[] {
  return [`Dock ${d.dock}: GESPERRT`, causeText(d), 'Nicht ausgeben!', 'Mechaniker fragen'];
}

/** "Dock 1, 4, 7" over up to two lines; what does not fit ends the second line as "+N" (N more packs). */
function dockList(docks: number[]): [string, string] {
  const join = (xs: string[]) => xs.join(', ');
  const first: string[] = [];
  const second: string[] = [];
  for (const [i, n] of docks.entries()) {
    const part = i === 0 ? `Dock ${n}` : String(n);
    if (second.length === 0 && join([...first, part]).length <= 20) first.push(part);
    else second.push(part);
  }
  let shown = second;
  const tail = (xs: string[]) =>
    xs.length < second.length ? `${join(xs)} +${second.length - xs.length}`.trim() : join(xs);
  while (tail(shown).length > 20) shown = shown.slice(0, -1);
  return [join(first), tail(shown)];
}

function bookingPages(docks: readonly DisplayDock[], labels: Readonly<Record<string, string>>): string[][] {
  const byBooking = new Map<string, DisplayDock[]>();
  for (const d of docks) {
    if (!d.bookingId || d.state === 'fault' || d.doNotDispatch) continue;
    const list = byBooking.get(d.bookingId) ?? [];
    list.push(d);
    byBooking.set(d.bookingId, list);
  }
  return [...byBooking].map(([id, list]) => {
    const label = labels[id];
    const head = [label ? `Fahrt ${label}:` : 'Für die Fahrt:', 'bitte nehmen'];
    // Up to two packs: which pack from which dock, one a line, so the trainee can check the label on the pack.
    if (list.length <= 2 && list.every((d) => d.batteryId))
      return [...head, ...list.map((d) => `Dock ${d.dock}: ${d.batteryId ?? ''}`.slice(0, 20))];
    return [...head, ...dockList(list.map((d) => d.dock))];
  });
}

/** Every page, in showing order: faults, blocked packs, bookings, then all docks four to a page. */
export function displayPages(
  input: Pick<DisplayInput, 'docks' | 'bookingLabels' | 'charset' | 'rickshaws' | 'language'>,
): string[][] {
  const lang = input.language ?? GERMAN_SCREEN;
  const docks = [...input.docks].sort((a, b) => a.dock - b.dock);
  const pages: string[][] = [];
  for (const d of docks) if (d.alarm !== undefined) pages.push(...alarmPages(d));
  // Most urgent fault first (the table's urgency), dock number within the same urgency.
  const faults = docks.filter((d) => d.state === 'fault' && d.alarm === undefined);
  faults.sort((a, b) => dockUrgency(a) - dockUrgency(b) || a.dock - b.dock);
  for (const d of faults) pages.push(faultPage(d, lang));
  for (const d of docks) if (d.state !== 'fault' && d.doNotDispatch) pages.push(blockedPage(d));
  pages.push(...rickshawPages(input.rickshaws ?? []));
  pages.push(...bookingPages(docks, input.bookingLabels ?? {}));
  for (let i = 0; i < docks.length; i += 4)
    pages.push(docks.slice(i, i + 4).map((d) => overviewLine(d, input.charset, lang)));
  if (pages.length === 0) pages.push(['Keine Docks', 'eingerichtet', '', '']);
  return pages;
}

/** LEDs and the screen at `input.now`: page n of the rotation shows during [n, n+1) x PAGE_MS. */
export function computeDisplay(input: DisplayInput): DisplayOutput {
  const pages = displayPages(input);
  const page = Math.floor(Math.max(0, input.now) / PAGE_MS) % pages.length;
  const shown = pages[page] ?? [];
  const lines: LcdLines = [shown[0] ?? '', shown[1] ?? '', shown[2] ?? '', shown[3] ?? ''];
  const leds = input.docks.map((d) => ({ name: dockLedName(d.dock), setting: dockLed(d) }));
  for (const bay of input.bays ?? []) {
    leds.push({ name: `bay-${bay}`, setting: bayLed(input.rickshaws?.find((r) => r.bay === bay)) });
  }
  leds.push({ name: STATUS_LED, setting: statusLed(input.linkUp) });
  return { leds, lines, page, pages: pages.length };
}
