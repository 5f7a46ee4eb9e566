// The slice of johnny-five this driver uses, typed from its lib/ sources (2.1): @types/johnny-five types `io` as any
// and lacks options we rely on (sigint, LCD address, print's dontProcessSpecials, Led.mode), so we cast the module once.

import type { EventEmitter } from 'node:events';
import five from 'johnny-five';

/** Firmata pin modes, the numbers johnny-five passes to `pinMode`. */
export interface PinModes {
  INPUT: number;
  OUTPUT: number;
  ANALOG: number;
  PWM: number;
  SERVO: number;
}

export interface PinInfo {
  supportedModes: number[];
  mode?: number;
  value: number;
  report: number;
  analogChannel: number;
}

export type PinId = number | string;

/**
 * What johnny-five's Board, Led, Led.RGB, Button and LCD (PCF8574) call on an IO plugin. `isReady`, `pins`, `MODES`,
 * `HIGH/LOW` and `RESOLUTION` are read at construction; 'connect' then 'ready' must be emitted (johnny-five emits them
 * itself on the next tick when `isReady` is already true).
 */
export interface IoPlugin extends EventEmitter {
  readonly name: string;
  readonly isReady: boolean;
  readonly MODES: PinModes;
  readonly HIGH: number;
  readonly LOW: number;
  readonly pins: readonly PinInfo[];
  readonly analogPins: readonly number[];
  readonly RESOLUTION?: { ADC: number | null; DAC: number | null; PWM: number | null };
  pinMode(pin: PinId, mode: number): void;
  digitalWrite(pin: PinId, value: number): void;
  analogWrite(pin: PinId, value: number): void;
  digitalRead(pin: PinId, cb: (value: number) => void): void;
  i2cConfig(options: unknown): void;
  i2cWrite(address: number, registerOrData: number | readonly number[], data?: number | readonly number[]): void;
}

export interface J5BoardOptions {
  io: object;
  id?: string;
  /** Off for a daemon: no interactive prompt on stdin. */
  repl: false;
  /** Off: johnny-five would console.log every event. */
  debug: false;
  /** Off: johnny-five's own SIGINT handler calls process.reallyExit and would skip the station's shutdown. */
  sigint: false;
  /** ms between 'connect' and 'ready' before johnny-five reports a firmware error; default 10 000. */
  timeout?: number;
}

export interface J5Board {
  readonly isReady: boolean;
  readonly io: object;
  once(event: 'ready', cb: () => void): this;
  on(event: 'error', cb: (err: unknown) => void): this;
  on(event: 'close' | 'disconnect', cb: () => void): this;
  removeAllListeners(): this;
}

interface WithBoard {
  board: J5Board;
}

export interface J5Led {
  /** The pin mode johnny-five chose: PWM when the pin can, else OUTPUT. */
  readonly mode: number;
  on(): this;
  off(): this;
  /** 0..255, PWM pins only (johnny-five throws on an OUTPUT pin). */
  brightness(value: number): this;
  stop(): this;
}

export interface Rgb {
  red: number;
  green: number;
  blue: number;
}

export interface J5Rgb {
  color(c: Rgb): this;
  stop(): this;
}

export interface J5Button {
  on(event: 'press' | 'release' | 'hold', cb: () => void): this;
  removeListener(event: 'press' | 'release' | 'hold', cb: () => void): this;
  removeAllListeners(): this;
}

export interface J5Lcd {
  print(message: string, options?: { dontProcessSpecials?: boolean }): this;
  cursor(row: number, col: number): this;
  clear(): this;
}

export interface J5 {
  Board: new (options: J5BoardOptions) => J5Board;
  Led: (new (options: WithBoard & { pin: PinId; isAnode?: boolean }) => J5Led) & {
    RGB: new (options: WithBoard & { pins: { red: PinId; green: PinId; blue: PinId }; isAnode: boolean }) => J5Rgb;
  };
  Button: new (options: WithBoard & { pin: PinId; isPullup: boolean; holdtime: number }) => J5Button;
  LCD: new (options: WithBoard & { controller: string; address: number; rows: number; cols: number }) => J5Lcd;
}

export const j5 = five as unknown as J5;
