// The station's I/O board as the simulator holds it: status LEDs (colour + pattern) and a 20x4 character screen,
// exactly as the station last wrote them, for GET /api/sim and tests. The station writes here in process for now;
// a johnny-five virtual IO plugin will later feed the same model from pin and I2C writes.

import { LED_COLOURS, LED_PATTERNS } from '../../contract/sim-api.ts';

// The colours and patterns are part of the simulator's HTTP contract (GET /api/sim shows them).
export { LED_COLOURS, LED_PATTERNS };
export type LedColour = (typeof LED_COLOURS)[number];
export type LedPattern = (typeof LED_PATTERNS)[number];

export interface LedState {
  colour: LedColour;
  pattern: LedPattern;
}

export const LCD_COLS = 20;
export const LCD_ROWS = 4;

export interface IoBoardSnapshot {
  leds: ({ id: string } & LedState)[];
  /** Four lines of exactly 20 characters, as the screen shows them. */
  lcd: string[];
  backlight: boolean;
  /** Presses of each button made through the simulator, by button id. */
  buttons: Record<string, number>;
}

/** What the station may call: the same operations its johnny-five driver performs on real hardware. */
export interface IoBoardWriter {
  setLed(id: string, state: LedState): void;
  /** Writes `text` at (row, col), cut at the screen edge, as an LCD print does. */
  print(row: number, col: number, text: string): void;
  /** Replaces a whole line (padded with spaces). */
  setLine(row: number, text: string): void;
  clearLcd(): void;
  setBacklight(on: boolean): void;
}

export class IoBoardModel implements IoBoardWriter {
  private readonly leds = new Map<string, LedState>();
  private readonly rows: string[][] = Array.from({ length: LCD_ROWS }, () => Array<string>(LCD_COLS).fill(' '));
  private backlight = true;
  private readonly presses = new Map<string, number>();
  private readonly buttonListeners = new Set<(id: string) => void>();

  /** Declares the board's LEDs (all off), so GET /api/sim lists them before the station has written any. */
  constructor(ledIds: readonly string[] = []) {
    for (const id of ledIds) this.leds.set(id, { colour: 'off', pattern: 'off' });
  }

  setLed(id: string, state: LedState): void {
    if (!LED_COLOURS.includes(state.colour)) throw new RangeError(`LED ${id}: unknown colour ${String(state.colour)}`);
    if (!LED_PATTERNS.includes(state.pattern))
      throw new RangeError(`LED ${id}: unknown pattern ${String(state.pattern)}`);
    // An LED switched off has no colour worth showing; keep both fields consistent.
    const off = state.colour === 'off' || state.pattern === 'off';
    this.leds.set(id, off ? { colour: 'off', pattern: 'off' } : { ...state });
  }

  print(row: number, col: number, text: string): void {
    const line = this.rows[row];
    if (!line || !Number.isInteger(col) || col < 0) throw new RangeError(`LCD position ${row},${col} is outside 4x20`);
    let c = col;
    for (const ch of text) {
      if (c >= LCD_COLS) break;
      line[c++] = ch;
    }
  }

  /** Replaces a whole line: the common way the station writes its screen. */
  setLine(row: number, text: string): void {
    this.print(row, 0, text.padEnd(LCD_COLS, ' '));
  }

  clearLcd(): void {
    for (const r of this.rows) r.fill(' ');
  }

  setBacklight(on: boolean): void {
    this.backlight = on;
  }

  /** A person presses a button at the station (training mode, tests); the station listens with onButton. */
  press(id: string): void {
    this.presses.set(id, (this.presses.get(id) ?? 0) + 1);
    for (const l of this.buttonListeners) l(id);
  }

  onButton(listener: (id: string) => void): () => void {
    this.buttonListeners.add(listener);
    return () => this.buttonListeners.delete(listener);
  }

  led(id: string): LedState | undefined {
    const s = this.leds.get(id);
    return s ? { ...s } : undefined;
  }

  lcdLines(): string[] {
    return this.rows.map((r) => r.join(''));
  }

  snapshot(): IoBoardSnapshot {
    return {
      leds: [...this.leds.entries()].map(([id, s]) => ({ id, ...s })),
      lcd: this.lcdLines(),
      backlight: this.backlight,
      buttons: Object.fromEntries(this.presses),
    };
  }
}
