// Driver of the station I/O board through johnny-five: named LEDs (RGB or single-colour) with steady, blink and pulse
// patterns (and on/off sequences, for fault codes) timed by the injected clock, the acknowledge/maintenance buttons, and the 20x4 screen (only changed lines sent).

import type { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { encodeLcdText, fitLcdLine } from './hd44780-charset.ts';
import type { ButtonName, IoBoardConfig, LedConfig } from './io-board-config.ts';
import { createIo, IoBoardError, type CreatedIo, type ModuleImporter } from './io-plugins.ts';
import { HeartbeatPin } from './heartbeat-pin.ts';
import { j5, type J5Board, type J5Button, type J5Lcd, type J5Led, type J5Rgb, type Rgb } from './johnny-five-api.ts';
import type { VirtualIo } from './virtual-io.ts';

export { IoBoardError } from './io-plugins.ts';

export type LedColor = 'green' | 'red' | 'amber' | 'blue' | 'white';
export type LedPattern = 'on' | 'off' | 'blink' | 'pulse' | 'sequence';
export interface LedSetting {
  color: LedColor;
  pattern: LedPattern;
  /**
   * For `sequence`: ms lit, ms dark, ms lit, ... repeated (a fault code's flashes come from a table, not from here).
   * Multiples of 125 ms keep the edges on the animation step.
   */
  sequence?: readonly number[];
}
export type LcdLines = readonly [string, string, string, string];
export type ButtonEvent = 'press' | 'hold' | 'release';

export interface IoBoardOptions {
  clock: Clock;
  /** Stand-in for `import()` of the IO plugin packages (tests). */
  importModule?: ModuleImporter;
  /** How long to wait for the board's 'ready', ms; Firmata boards need a few seconds after reset. Default 15 000. */
  readyTimeoutMs?: number;
  /** Errors after start-up (serial unplugged, a throwing button callback); they never throw into johnny-five. */
  onError?: (err: unknown) => void;
}

/** Blink: 0.5 s on, 0.5 s off. Pulse: 2 s breathing. All LEDs share one phase, so they blink together. */
export const BLINK_PERIOD_MS = 1000;
export const PULSE_PERIOD_MS = 2000;
/** Animation step; divides both periods, so blink edges fall on a step. */
const STEP_MS = 125;

/**
 * RGB mixes. Amber is red with a little green: on common RGB LEDs green is far brighter than red.
 */
const MIX: Record<LedColor, Rgb> = {
  green: { red: 0, green: 255, blue: 0 },
  red: { red: 255, green: 0, blue: 0 },
  amber: { red: 255, green: 70, blue: 0 },
  blue: { red: 0, green: 0, blue: 255 },
  white: { red: 255, green: 255, blue: 255 },
};

type Colour = 'green' | 'red' | 'amber' | 'blue';

/**
 * Single-colour LEDs: the colour asked for if it is fitted, else a stand-in (amber = red + green, blue = green since
 * balancing is part of charging, red = amber), else the first LED fitted, so the pattern still tells states apart.
 */
export function singleLedColours(color: LedColor, fitted: readonly Colour[]): Colour[] {
  const has = (c: Colour) => fitted.includes(c);
  if (color === 'white') return [...fitted];
  if (has(color)) return [color];
  const stand: Record<Colour, Colour[]> = { amber: ['red', 'green'], blue: ['green'], red: ['amber'], green: [] };
  const subs = stand[color].filter(has);
  if (subs.length > 0) return subs;
  return fitted.slice(0, 1);
}

/** Brightness 0..1 of a pattern at monotonic time `t`; `sequence` needs the on/off durations (none: dark). */
export function patternLevel(pattern: LedPattern, t: number, sequence: readonly number[] = []): number {
  switch (pattern) {
    case 'sequence': {
      const total = sequence.reduce((a, b) => a + Math.max(0, b), 0);
      if (total <= 0) return 0;
      let at = t % total;
      for (const [i, ms] of sequence.entries()) {
        if (at < ms) return i % 2 === 0 ? 1 : 0;
        at -= Math.max(0, ms);
      }
      return 0;
    }
    case 'on':
      return 1;
    case 'off':
      return 0;
    case 'blink':
      return t % BLINK_PERIOD_MS < BLINK_PERIOD_MS / 2 ? 1 : 0;
    case 'pulse': {
      // Triangle 0 -> 1 -> 0 in 16 steps; a quantised level means a write only when it moves.
      const steps = PULSE_PERIOD_MS / STEP_MS;
      const i = Math.floor((t % PULSE_PERIOD_MS) / STEP_MS);
      return 1 - Math.abs(i - steps / 2) / (steps / 2);
    }
  }
}

interface RgbHandle {
  kind: 'rgb';
  led: J5Rgb;
}
interface SingleHandle {
  kind: 'single';
  leds: Map<Colour, J5Led>;
  activeLow: boolean;
  pwm: boolean;
}
interface LedState {
  hw: RgbHandle | SingleHandle;
  setting: LedSetting;
  /** What was last written, as a key: a tick that changes nothing writes nothing. */
  written: string;
}

export class IoBoard {
  private readonly leds = new Map<string, LedState>();
  private readonly buttons = new Map<ButtonName, J5Button>();
  private readonly lastLines: Array<string | null> = [null, null, null, null];
  private readonly shownLines: string[] = ['', '', '', ''];
  private timer: TimerHandle | null = null;
  private closed = false;
  private heartbeatPin: HeartbeatPin | null = null;

  private constructor(
    private readonly cfg: IoBoardConfig,
    private readonly opts: IoBoardOptions,
    private readonly created: CreatedIo,
    private readonly board: J5Board,
    private readonly lcd: J5Lcd,
  ) {}

  /** Opens the board with the configured IO plugin and creates every LED, button and the screen. */
  static async open(cfg: IoBoardConfig, opts: IoBoardOptions): Promise<IoBoard> {
    const created = await createIo(cfg, opts.clock, opts.importModule);
    let board: J5Board;
    try {
      board = await waitReady(created.io, opts);
    } catch (err) {
      await created.close();
      throw err;
    }
    const lcd = new j5.LCD({
      board,
      controller: cfg.lcd.controller,
      address: cfg.lcd.address,
      rows: cfg.lcd.rows,
      cols: cfg.lcd.cols,
    });
    const self = new IoBoard(cfg, opts, created, board, lcd);
    for (const [name, led] of Object.entries(cfg.leds))
      self.leds.set(name, { hw: createLed(board, led), setting: { color: 'green', pattern: 'off' }, written: '' });
    for (const [name, b] of Object.entries(cfg.buttons)) {
      if (b)
        self.buttons.set(
          name as ButtonName,
          new j5.Button({ board, pin: b.pin, isPullup: b.pullup, holdtime: b.holdMs }),
        );
    }
    board.on('error', (err) => opts.onError?.(err));
    board.on('close', () => opts.onError?.(new IoBoardError('CLOSED', 'the I/O board closed its connection')));
    if (cfg.heartbeat) self.heartbeatPin = new HeartbeatPin(board, cfg.heartbeat.pin);
    for (const name of self.leds.keys()) self.render(name);
    return self;
  }

  /** The virtual IO when the config chose it (tests, simulator), else null. */
  get virtual(): VirtualIo | null {
    return this.created.virtual;
  }

  get ledNames(): string[] {
    return [...this.leds.keys()];
  }

  get buttonNames(): ButtonName[] {
    return [...this.buttons.keys()];
  }

  /** Sets an LED's colour and pattern; writes only when what the LED shows changes. */
  setLed(name: string, setting: LedSetting): void {
    const led = this.leds.get(name);
    if (!led)
      throw new IoBoardError('UNKNOWN_LED', `no LED "${name}" (configured: ${this.ledNames.join(', ') || 'none'})`);
    if (this.closed) return;
    led.setting = { ...setting, ...(setting.sequence ? { sequence: [...setting.sequence] } : {}) };
    this.render(name);
    this.schedule();
  }

  /** One edge on the heartbeat pin, if configured; the station calls it once per charge-loop tick. */
  heartbeat(): void {
    if (!this.closed) this.heartbeatPin?.toggle();
  }

  /** Shows four lines, each padded or cut to 20 glyphs after umlaut mapping; unchanged lines are not sent. */
  showLines(lines: LcdLines): void {
    if (this.closed) return;
    const { cols, charset } = this.cfg.lcd;
    lines.forEach((text, row) => {
      const codes = fitLcdLine(encodeLcdText(text, charset), cols);
      const key = String.fromCharCode(...codes);
      if (this.lastLines[row] === key) return;
      this.lcd.cursor(row, 0);
      // Specials off: johnny-five would otherwise treat ":name:" in a line as a custom-glyph reference.
      this.lcd.print(key, { dontProcessSpecials: true });
      this.lastLines[row] = key;
      this.shownLines[row] = text;
    });
  }

  /** Calls `cb` on a button event; returns the unsubscribe. A throwing callback is reported to onError. */
  onButton(name: ButtonName, event: ButtonEvent, cb: () => void): () => void {
    const button = this.buttons.get(name);
    if (!button)
      throw new IoBoardError(
        'UNKNOWN_BUTTON',
        `no button "${name}" (configured: ${this.buttonNames.join(', ') || 'none'})`,
      );
    const safe = () => {
      try {
        cb();
      } catch (err) {
        this.opts.onError?.(err);
      }
    };
    button.on(event, safe);
    return () => button.removeListener(event, safe);
  }

  /** Resolves once the board answers a round trip, so everything written before it has been carried out. */
  ping(): Promise<void> {
    return this.created.ping?.() ?? Promise.resolve();
  }

  /** What the station last asked for: each LED's colour and pattern and the four lines (for GET /api/sim). */
  snapshot(): { leds: Record<string, LedSetting>; lines: string[] } {
    const leds: Record<string, LedSetting> = {};
    for (const [name, s] of this.leds) leds[name] = { ...s.setting };
    return { leds, lines: [...this.shownLines] };
  }

  /**
   * Switches every LED off and clears the screen, then releases the port. Off rather than frozen: a steady green
   * left behind by a stopped controller would tell a trainee a pack is ready when nobody is watching it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.timer?.cancel();
    this.timer = null;
    try {
      this.heartbeatPin?.stop();
      for (const [name, led] of this.leds) {
        led.setting = { ...led.setting, pattern: 'off' };
        this.render(name);
      }
      this.lcd.clear();
    } catch (err) {
      // An unplugged board cannot be switched off; the port is still released below.
      this.opts.onError?.(err);
    }
    this.closed = true;
    for (const b of this.buttons.values()) b.removeAllListeners();
    this.board.removeAllListeners();
    await this.created.close();
  }

  private render(name: string): void {
    const led = this.leds.get(name);
    if (!led) return;
    const level = patternLevel(led.setting.pattern, this.opts.clock.monotonic(), led.setting.sequence);
    const hw = led.hw;
    if (hw.kind === 'rgb') {
      const mix = MIX[led.setting.color];
      const rgb = {
        red: Math.round(mix.red * level),
        green: Math.round(mix.green * level),
        blue: Math.round(mix.blue * level),
      };
      const key = `${rgb.red},${rgb.green},${rgb.blue}`;
      if (key === led.written) return;
      hw.led.color(rgb);
      led.written = key;
      return;
    }
    // A pin without PWM cannot dim: pulse becomes an on/off at the pulse's pace.
    const lit = hw.pwm ? level : level >= 0.5 ? 1 : 0;
    const on = new Set(singleLedColours(led.setting.color, [...hw.leds.keys()]));
    const key = [...hw.leds.keys()].map((c) => `${c}=${on.has(c) ? lit : 0}`).join(',');
    if (key === led.written) return;
    for (const [colour, l] of hw.leds) {
      const v = on.has(colour) ? lit : 0;
      // Inverted here, not with johnny-five's isAnode: it ignores isAnode on non-PWM pins (lib/led/led.js update()).
      const out = hw.activeLow ? 1 - v : v;
      if (hw.pwm) l.brightness(Math.round(255 * out));
      else if (out > 0) l.on();
      else l.off();
    }
    led.written = key;
  }

  /** One timer for all animated LEDs, aligned to STEP_MS on the monotonic clock; none while nothing blinks. */
  private schedule(): void {
    if (this.timer || this.closed) return;
    const animated = [...this.leds.values()].some(
      (l) => l.setting.pattern === 'blink' || l.setting.pattern === 'pulse' || l.setting.pattern === 'sequence',
    );
    if (!animated) return;
    const t = this.opts.clock.monotonic();
    const wait = STEP_MS - (t % STEP_MS) || STEP_MS;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      for (const name of this.leds.keys()) this.render(name);
      this.schedule();
    }, wait);
  }
}

function createLed(board: J5Board, cfg: LedConfig): RgbHandle | SingleHandle {
  if (cfg.type === 'rgb')
    return { kind: 'rgb', led: new j5.Led.RGB({ board, pins: cfg.pins, isAnode: cfg.commonAnode }) };
  const leds = new Map<Colour, J5Led>();
  for (const colour of ['green', 'red', 'amber', 'blue'] as const) {
    const pin = cfg.pins[colour];
    if (pin !== undefined) leds.set(colour, new j5.Led({ board, pin }));
  }
  // johnny-five picks PWM per pin; dim only when every LED of the set can, so the colours stay in step.
  const pwmMode = (board.io as { MODES?: { PWM?: number } }).MODES?.PWM ?? 3;
  const pwm = [...leds.values()].every((l) => l.mode === pwmMode);
  return { kind: 'single', leds, activeLow: cfg.activeLow, pwm };
}

/** Constructs the johnny-five Board on `io` and waits for 'ready', with a timeout on the injected clock. */
function waitReady(io: object, opts: IoBoardOptions): Promise<J5Board> {
  return new Promise<J5Board>((resolve, reject) => {
    const emitter = io as Partial<EventEmitter>;
    let timer: TimerHandle | null = null;
    const fail = (err: unknown) => {
      timer?.cancel();
      emitter.removeListener?.('error', fail);
      reject(
        new IoBoardError(
          'OPEN_FAILED',
          `the I/O board did not start: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        ),
      );
    };
    // Before 'ready' johnny-five does not listen for the IO's 'error' (a serial port that fails to open): we do.
    emitter.on?.('error', fail);
    const board = new j5.Board({
      io,
      repl: false,
      debug: false,
      sigint: false,
      timeout: opts.readyTimeoutMs ?? 15_000,
    });
    timer = opts.clock.setTimeout(
      () => fail(new Error(`no 'ready' within ${opts.readyTimeoutMs ?? 15_000} ms`)),
      opts.readyTimeoutMs ?? 15_000,
    );
    board.once('ready', () => {
      timer?.cancel();
      emitter.removeListener?.('error', fail);
      resolve(board);
    });
  });
}
