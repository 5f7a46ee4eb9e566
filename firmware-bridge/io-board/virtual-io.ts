// A johnny-five IO plugin with no hardware behind it: records every pin and I2C write with a timestamp, lets tests and
// the simulator press buttons, and replays the LCD backpack's bytes so anyone can read the screen.

import { EventEmitter } from 'node:events';
import type { Clock } from '../../lib/clock.ts';
import { decodeLcdCodes } from './hd44780-charset.ts';
import { Hd44780Decoder } from './hd44780-decoder.ts';
import type { IoPlugin, PinId, PinInfo, PinModes } from './johnny-five-api.ts';

export type IoRecord =
  | { seq: number; t: number; op: 'pinMode'; pin: number; mode: number }
  | { seq: number; t: number; op: 'digitalWrite' | 'analogWrite'; pin: number; value: number }
  | { seq: number; t: number; op: 'i2cConfig'; options: unknown }
  | { seq: number; t: number; op: 'i2cWrite'; address: number; bytes: number[] };

/** Distributes `Omit` over the union, so each kind of record keeps its own fields. */
type Unstamped<T> = T extends unknown ? Omit<T, 'seq' | 't'> : never;

export interface VirtualIoOptions {
  clock: Clock;
  /** Pins 0..pinCount-1; default 64, so any station pin map fits. */
  pinCount?: number;
  /** Pins that can do PWM; default all (a Led on another pin gets OUTPUT mode, as on a real board). */
  pwmPins?: readonly number[];
  /** Records kept; older ones are dropped so a long simulation does not grow without bound. Default 10 000. */
  maxRecords?: number;
}

export interface VirtualLcdView {
  address: number;
  /** What the screen shows, A00 glyphs decoded (ä ö ü ß °). */
  lines: string[];
  /** Raw character codes per row. */
  codes: number[][];
  backlight: boolean;
  displayOn: boolean;
  /** Instructions and characters decoded so far. */
  transfers: number;
}

const MODES: PinModes & { I2C: number; PULLUP: number } = {
  INPUT: 0,
  OUTPUT: 1,
  ANALOG: 2,
  PWM: 3,
  SERVO: 4,
  I2C: 6,
  PULLUP: 11,
};

interface InputState {
  pullup: boolean;
  listeners: Array<(value: number) => void>;
}

export class VirtualIo extends EventEmitter implements IoPlugin {
  readonly name = 'Virtual';
  /** Ready from the start, like an already-open port: johnny-five then emits 'connect' and 'ready' on the next tick. */
  readonly isReady: boolean = true;
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly RESOLUTION = { ADC: 1023, DAC: null, PWM: 255 };
  readonly analogPins: readonly number[] = [];
  readonly pins: PinInfo[];

  private readonly clock: Clock;
  private readonly maxRecords: number;
  private readonly records: IoRecord[] = [];
  private seq = 0;
  private readonly inputs = new Map<number, InputState>();
  private readonly lcds = new Map<number, Hd44780Decoder>();

  constructor(options: VirtualIoOptions) {
    super();
    this.clock = options.clock;
    this.maxRecords = options.maxRecords ?? 10_000;
    const count = options.pinCount ?? 64;
    const pwm = options.pwmPins ? new Set(options.pwmPins) : null;
    this.pins = Array.from({ length: count }, (_, i) => ({
      supportedModes: pwm === null || pwm.has(i) ? [MODES.INPUT, MODES.OUTPUT, MODES.PWM] : [MODES.INPUT, MODES.OUTPUT],
      value: 0,
      report: 0,
      analogChannel: 127,
    }));
  }

  /** johnny-five calls this to turn a configured pin name into an index: 5, "5" and "GPIO5" are pin 5. */
  normalize(pin: PinId): number {
    const n = typeof pin === 'number' ? pin : Number(/^(?:GPIO)?(\d+)$/i.exec(pin)?.[1] ?? Number.NaN);
    if (!Number.isInteger(n) || n < 0 || n >= this.pins.length) {
      throw new Error(`virtual IO: no pin ${String(pin)} (pins 0..${this.pins.length - 1})`);
    }
    return n;
  }

  pinMode(pin: PinId, mode: number): void {
    const p = this.normalize(pin);
    this.pin(p).mode = mode;
    if (mode === MODES.PULLUP) this.input(p).pullup = true;
    this.record({ op: 'pinMode', pin: p, mode });
  }

  digitalWrite(pin: PinId, value: number): void {
    const p = this.normalize(pin);
    const info = this.pin(p);
    this.record({ op: 'digitalWrite', pin: p, value });
    if (info.mode === MODES.INPUT) {
      // Arduino semantics, which johnny-five's Button relies on: HIGH on an input pin switches its pull-up on,
      // so the idle level is 1 and a press pulls it to 0.
      this.input(p).pullup = value !== 0;
      info.value = value !== 0 ? 1 : 0;
      return;
    }
    info.value = value;
  }

  analogWrite(pin: PinId, value: number): void {
    const p = this.normalize(pin);
    this.pin(p).value = value;
    this.record({ op: 'analogWrite', pin: p, value });
  }

  pwmWrite(pin: PinId, value: number): void {
    this.analogWrite(pin, value);
  }

  digitalRead(pin: PinId, cb: (value: number) => void): void {
    const p = this.normalize(pin);
    this.pin(p).report = 1;
    this.input(p).listeners.push(cb);
  }

  /** No analog sensors on the station board: callbacks are kept but never called. */
  analogRead(pin: PinId, _cb: (value: number) => void): void {
    this.pin(this.normalize(pin)).report = 1;
  }

  i2cConfig(options: unknown): void {
    this.record({ op: 'i2cConfig', options });
  }

  /** Firmata's forms: (address, byte), (address, bytes), (address, register, byte | bytes). */
  i2cWrite(address: number, registerOrData: number | readonly number[], data?: number | readonly number[]): void {
    const bytes = data === undefined ? [registerOrData].flat() : [registerOrData, data].flat();
    this.writeI2c(address, bytes);
  }

  i2cWriteReg(address: number, register: number, value: number): void {
    this.writeI2c(address, [register, value]);
  }

  /** Nothing on this bus answers reads: zeros, once. */
  i2cReadOnce(
    address: number,
    registerOrCount: number,
    countOrCb: number | ((data: number[]) => void),
    cb?: (data: number[]) => void,
  ): void {
    const count = typeof countOrCb === 'number' ? countOrCb : registerOrCount;
    const done = typeof countOrCb === 'function' ? countOrCb : cb;
    if (done) queueMicrotask(() => done(new Array<number>(count).fill(0)));
  }

  i2cRead(
    address: number,
    registerOrCount: number,
    countOrCb: number | ((data: number[]) => void),
    cb?: (data: number[]) => void,
  ): void {
    this.i2cReadOnce(address, registerOrCount, countOrCb, cb);
  }

  // ---- for tests and the simulator ----

  /** Presses a button on `pin`: pulls it to 0 when its pull-up is on, else drives it to 1. */
  press(pin: PinId): void {
    const p = this.normalize(pin);
    this.setInput(p, this.input(p).pullup ? 0 : 1);
  }

  release(pin: PinId): void {
    const p = this.normalize(pin);
    this.setInput(p, this.input(p).pullup ? 1 : 0);
  }

  /** Sets an input's level and reports it to digitalRead callbacks when it changed (as Firmata reports). */
  setInput(pin: PinId, level: 0 | 1): void {
    const p = this.normalize(pin);
    const info = this.pin(p);
    if (info.value === level) return;
    info.value = level;
    for (const cb of this.input(p).listeners) cb(level);
  }

  /** Last value written to (or read on) a pin, and its mode. */
  pinState(pin: PinId): { mode: number | undefined; value: number } {
    const info = this.pin(this.normalize(pin));
    return { mode: info.mode, value: info.value };
  }

  /** Records kept, oldest first; pass a `seq` from `mark()` to get only what came after it. */
  log(afterSeq = -1): IoRecord[] {
    return this.records.filter((r) => r.seq > afterSeq);
  }

  /** The seq of the latest record: take it before an action, then `log(mark)` shows what the action wrote. */
  mark(): number {
    return this.seq - 1;
  }

  /** The screen behind the backpack at `address` (0x27 by default), `cols` x `rows`. */
  lcd(address = 0x27, cols = 20, rows = 4): VirtualLcdView {
    const dec = this.lcds.get(address) ?? new Hd44780Decoder();
    const s = dec.screen(cols, rows);
    return {
      address,
      lines: s.rows.map((r) => decodeLcdCodes(r)),
      codes: s.rows,
      backlight: s.backlight,
      displayOn: s.displayOn,
      transfers: dec.transfers,
    };
  }

  private writeI2c(address: number, bytes: number[]): void {
    this.record({ op: 'i2cWrite', address, bytes });
    let dec = this.lcds.get(address);
    if (!dec) {
      dec = new Hd44780Decoder();
      this.lcds.set(address, dec);
    }
    dec.feedAll(bytes);
  }

  private pin(p: number): PinInfo {
    const info = this.pins[p];
    if (!info) throw new Error(`virtual IO: no pin ${p}`);
    return info;
  }

  private input(p: number): InputState {
    let s = this.inputs.get(p);
    if (!s) {
      s = { pullup: false, listeners: [] };
      this.inputs.set(p, s);
    }
    return s;
  }

  private record(r: Unstamped<IoRecord>): void {
    this.records.push({ ...r, seq: this.seq++, t: this.clock.now() } as IoRecord);
    // Trim in chunks: one splice per quarter of the limit instead of a shift per write.
    if (this.records.length > this.maxRecords * 1.25) this.records.splice(0, this.records.length - this.maxRecords);
  }
}
