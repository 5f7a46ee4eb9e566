// Replays the bytes written to a PCF8574 I2C backpack as an HD44780 controller would see them, so tests and the
// simulator can read what the character screen shows. Pure: bytes in, display memory out.

/**
 * Backpack wiring as johnny-five's PCF8574 / LCM1602 controller drives it (the common "YwRobot" board):
 * P0 = RS, P1 = RW, P2 = EN, P3 = backlight, P4..P7 = D4..D7. The controller latches on EN's falling edge.
 */
const RS = 0x01;
const RW = 0x02;
const EN = 0x04;
const BACKLIGHT = 0x08;

const SPACE = 0x20;
/** DDRAM is addressed 0x00..0x67 in two-line mode; one array covers every address. */
const DDRAM_SIZE = 0x80;

export interface LcdScreen {
  /** Character codes per row, `cols` each. */
  rows: number[][];
  backlight: boolean;
  displayOn: boolean;
}

export class Hd44780Decoder {
  private readonly ddram: number[] = new Array<number>(DDRAM_SIZE).fill(SPACE);
  private address = 0;
  private increment = true;
  private twoLine = false;
  /** After power-on the controller reads 8 bits per EN pulse until a function set selects 4 bits. */
  private fourBit = false;
  private pendingHigh: number | null = null;
  /** Data goes to CGRAM (custom glyphs, not modelled) after "set CGRAM address", to DDRAM after "set DDRAM address". */
  private toCgram = false;
  private lastByte = 0;
  private _backlight = false;
  private _displayOn = false;
  /** Count of whole instructions and data writes decoded; tests use it to see that nothing was sent. */
  transfers = 0;

  /** Feeds one byte as written to the expander's port. */
  feed(byte: number): void {
    const b = byte & 0xff;
    this._backlight = (b & BACKLIGHT) !== 0;
    const falling = (this.lastByte & EN) !== 0 && (b & EN) === 0;
    this.lastByte = b;
    if (!falling || (b & RW) !== 0) return;
    this.latch((b & RS) !== 0, b >> 4);
  }

  feedAll(bytes: Iterable<number>): void {
    for (const b of bytes) this.feed(b);
  }

  /**
   * The visible window: row r starts at DDRAM 0x00, 0x40, cols, 0x40 + cols (how 4-line modules map their rows onto
   * the two 40-character lines; 0x00/0x40/0x14/0x54 for 20x4, as johnny-five's setCursor assumes).
   */
  screen(cols = 20, rows = 4): LcdScreen {
    const starts = [0x00, 0x40, cols, 0x40 + cols];
    const out: number[][] = [];
    for (let r = 0; r < rows; r++) {
      const start = starts[r] ?? 0;
      out.push(this.ddram.slice(start, start + cols));
    }
    return { rows: out, backlight: this._backlight, displayOn: this._displayOn };
  }

  private latch(rs: boolean, nibble: number): void {
    if (!this.fourBit) {
      // 8-bit interface with only D4..D7 wired: the low nibble reads as 0.
      this.execute(rs, nibble << 4);
      return;
    }
    if (this.pendingHigh === null) {
      this.pendingHigh = nibble;
      return;
    }
    const value = (this.pendingHigh << 4) | nibble;
    this.pendingHigh = null;
    this.execute(rs, value);
  }

  private execute(rs: boolean, value: number): void {
    this.transfers++;
    if (rs) {
      if (!this.toCgram) {
        this.ddram[this.address] = value;
        this.step(this.increment);
      }
      return;
    }
    if (value & 0x80) {
      this.toCgram = false;
      this.address = value & 0x7f;
    } else if (value & 0x40) {
      this.toCgram = true;
    } else if (value & 0x20) {
      this.fourBit = (value & 0x10) === 0;
      this.twoLine = (value & 0x08) !== 0;
      this.pendingHigh = null;
    } else if (value & 0x10) {
      // Cursor move (S/C = 0) changes the address; a display shift (S/C = 1) is not modelled.
      if ((value & 0x08) === 0) this.step((value & 0x04) !== 0);
    } else if (value & 0x08) {
      this._displayOn = (value & 0x04) !== 0;
    } else if (value & 0x04) {
      this.increment = (value & 0x02) !== 0;
    } else if (value & 0x02) {
      this.address = 0;
      this.toCgram = false;
    } else if (value & 0x01) {
      this.ddram.fill(SPACE);
      this.address = 0;
      this.increment = true;
      this.toCgram = false;
    }
  }

  /** Address counter after a write or cursor move: wraps 0x27 -> 0x40 -> 0x67 -> 0x00 in two-line mode. */
  private step(up: boolean): void {
    let a = this.address + (up ? 1 : -1);
    if (this.twoLine) {
      if (up && a === 0x28) a = 0x40;
      else if (up && a === 0x68) a = 0x00;
      else if (!up && a === 0x3f) a = 0x27;
      else if (!up && a < 0) a = 0x67;
    } else {
      if (a >= 0x50) a = 0;
      else if (a < 0) a = 0x4f;
    }
    this.address = a;
  }
}
