// The driver with johnny-five's real Led, Led.RGB, Button and LCD on the virtual IO: the pins and PWM values written,
// button callbacks, what the screen shows when its recorded I2C bytes are decoded, and the errors for missing plugins.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { parseIoBoardConfig, type IoBoardConfigInput } from './io-board-config.ts';
import { IoBoard, IoBoardError, singleLedColours } from './io-board.ts';
import type { IoRecord, VirtualIo } from './virtual-io.ts';

const baseConfig: IoBoardConfigInput = {
  io: { type: 'virtual' },
  leds: {
    dock1: { type: 'rgb', pins: { red: 3, green: 5, blue: 6 } },
    dock2: { type: 'rgb', pins: { red: 9, green: 10, blue: 11 }, commonAnode: true },
    status: { type: 'single', pins: { green: 12, red: 13 } },
  },
  buttons: { acknowledge: { pin: 2, holdMs: 1000 }, maintenance: { pin: 4, pullup: false } },
};

const open: IoBoard[] = [];
async function board(
  overrides: Partial<IoBoardConfigInput> = {},
  clock = new ManualClock(),
): Promise<{ b: IoBoard; v: VirtualIo; clock: ManualClock }> {
  const b = await IoBoard.open(parseIoBoardConfig({ ...baseConfig, ...overrides }), { clock });
  open.push(b);
  if (!b.virtual) throw new Error('expected the virtual IO');
  return { b, v: b.virtual, clock };
}

/** Pin -> value of the PWM / digital writes in `records`, last write wins. */
function pinWrites(records: IoRecord[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of records) if (r.op === 'analogWrite' || r.op === 'digitalWrite') out.set(r.pin, r.value);
  return out;
}
const i2cWrites = (records: IoRecord[]) => records.filter((r) => r.op === 'i2cWrite');

/**
 * Only the timers johnny-five's Button uses (debounce and hold). Never fake process.hrtime: johnny-five's LCD
 * busy-waits on it during init and clear, and a frozen hrtime spins forever.
 */
const fakeButtonTimers = () =>
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });

afterEach(async () => {
  vi.useRealTimers();
  for (const b of open.splice(0)) await b.close();
});

describe('LEDs', () => {
  it('writes the RGB mix as PWM values, inverted for a common anode', async () => {
    const { b, v } = await board();
    let m = v.mark();
    b.setLed('dock1', { color: 'green', pattern: 'on' });
    expect(pinWrites(v.log(m))).toEqual(
      new Map([
        [3, 0],
        [5, 255],
        [6, 0],
      ]),
    );
    m = v.mark();
    b.setLed('dock2', { color: 'amber', pattern: 'on' });
    expect(pinWrites(v.log(m))).toEqual(
      new Map([
        [9, 0],
        [10, 255 - 70],
        [11, 255],
      ]),
    );
  });

  it('writes nothing when an LED already shows what is asked', async () => {
    const { b, v } = await board();
    b.setLed('dock1', { color: 'red', pattern: 'on' });
    const m = v.mark();
    b.setLed('dock1', { color: 'red', pattern: 'on' });
    expect(v.log(m)).toEqual([]);
  });

  it('blinks on the injected clock: 500 ms on, 500 ms off, timestamps from that clock', async () => {
    const { b, v, clock } = await board();
    b.setLed('dock1', { color: 'green', pattern: 'blink' });
    expect(v.pinState(5).value).toBe(255);
    const m = v.mark();
    clock.advance(499);
    expect(v.log(m)).toEqual([]);
    clock.advance(1);
    expect(v.pinState(5).value).toBe(0);
    expect(v.log(m).every((r) => r.t === clock.now())).toBe(true);
    clock.advance(500);
    expect(v.pinState(5).value).toBe(255);
    b.setLed('dock1', { color: 'green', pattern: 'on' });
    const after = v.mark();
    clock.advance(3000);
    expect(v.log(after)).toEqual([]);
  });

  it('pulses through intermediate PWM levels', async () => {
    const { b, v, clock } = await board();
    b.setLed('dock1', { color: 'blue', pattern: 'pulse' });
    const m = v.mark();
    clock.advance(2000);
    const blue = new Set(v.log(m).flatMap((r) => (r.op === 'analogWrite' && r.pin === 6 ? [r.value] : [])));
    expect(blue.has(0)).toBe(true);
    expect(blue.has(255)).toBe(true);
    expect([...blue].some((x) => x > 0 && x < 255)).toBe(true);
  });

  it('lights single-colour LEDs, standing in for a colour that is not fitted', async () => {
    const { b, v } = await board();
    b.setLed('status', { color: 'amber', pattern: 'on' });
    expect([v.pinState(12).value, v.pinState(13).value]).toEqual([255, 255]);
    b.setLed('status', { color: 'red', pattern: 'on' });
    expect([v.pinState(12).value, v.pinState(13).value]).toEqual([0, 255]);
    expect(singleLedColours('blue', ['green', 'red'])).toEqual(['green']);
    expect(singleLedColours('red', ['green'])).toEqual(['green']);
  });

  it('inverts active-low single LEDs itself', async () => {
    const { b, v } = await board({ leds: { status: { type: 'single', pins: { green: 12 }, activeLow: true } } });
    b.setLed('status', { color: 'green', pattern: 'on' });
    expect(v.pinState(12).value).toBe(0);
    b.setLed('status', { color: 'green', pattern: 'off' });
    expect(v.pinState(12).value).toBe(255);
  });

  it('refuses an LED name the config does not have, with a code', async () => {
    const { b } = await board();
    expect(() => b.setLed('dock9', { color: 'green', pattern: 'on' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_LED' }),
    );
  });
});

describe('buttons', () => {
  it('fires press, hold and release for the virtual button, with the pull-up switched on', async () => {
    fakeButtonTimers();
    const { b, v } = await board();
    expect(v.pinState(2).value).toBe(1); // pull-up: idle HIGH
    const seen: string[] = [];
    b.onButton('acknowledge', 'press', () => seen.push('press'));
    b.onButton('acknowledge', 'hold', () => seen.push('hold'));
    b.onButton('acknowledge', 'release', () => seen.push('release'));
    v.press(2);
    expect(v.pinState(2).value).toBe(0);
    await vi.advanceTimersByTimeAsync(10); // johnny-five debounces 7 ms
    expect(seen).toEqual(['press']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(['press', 'hold']);
    v.release(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual(['press', 'hold', 'release']);
  });

  it('reads a button without pull-up as active high, and unsubscribes', async () => {
    fakeButtonTimers();
    const { b, v } = await board();
    const cb = vi.fn();
    const off = b.onButton('maintenance', 'press', cb);
    v.press(4);
    expect(v.pinState(4).value).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(cb).toHaveBeenCalledTimes(1);
    off();
    v.release(4);
    v.press(4);
    await vi.advanceTimersByTimeAsync(10);
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it('refuses a button that is not configured', async () => {
    const { b } = await board({ buttons: { acknowledge: { pin: 2 } } });
    expect(() => b.onButton('maintenance', 'press', () => {})).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_BUTTON' }),
    );
  });
});

describe('LCD', () => {
  const lines = ['Dock 3: STÖRUNG', 'Akku zu heiß', 'Nicht ausgeben!', 'Lädt ein überlanger Text'] as const;

  it('shows the lines when the recorded I2C bytes are decoded, umlauts from ROM A00', async () => {
    const { b, v } = await board();
    b.showLines(lines);
    const lcd = v.lcd(0x27);
    expect(lcd.lines).toEqual([
      'Dock 3: STOERUNG    ',
      'Akku zu heiß        ',
      'Nicht ausgeben!     ',
      'Lädt ein überlanger ',
    ]);
    expect(lcd.codes[1]?.[11]).toBe(0xe2);
    expect(lcd.codes[3]?.[1]).toBe(0xe1);
    expect(lcd.backlight).toBe(true);
    expect(lcd.displayOn).toBe(true);
  });

  it('sends nothing for unchanged lines and only the changed line otherwise', async () => {
    const { b, v } = await board();
    b.showLines(lines);
    let m = v.mark();
    b.showLines(lines);
    expect(i2cWrites(v.log(m))).toEqual([]);
    m = v.mark();
    const before = v.lcd().transfers;
    b.showLines([lines[0], lines[1], 'Taste: quittieren', lines[3]]);
    // One cursor command and 20 characters; each is two nibbles, each nibble an EN-high and an EN-low write.
    expect(v.lcd().transfers - before).toBe(21);
    expect(i2cWrites(v.log(m))).toHaveLength(21 * 4);
    expect(v.lcd().lines[2]).toBe('Taste: quittieren   ');
    expect(v.lcd().lines[0]).toBe('Dock 3: STOERUNG    ');
  });

  it('spells umlauts out with the ascii charset, at the configured address', async () => {
    const { b, v } = await board({ lcd: { charset: 'ascii', address: 0x3f, controller: 'PCF8574A' } });
    b.showLines(['Akku zu heiß', 'Lädt', '', '']);
    expect(v.lcd(0x3f).lines.slice(0, 2)).toEqual(['Akku zu heiss       ', 'Laedt               ']);
    expect(v.lcd(0x27).transfers).toBe(0);
  });

  it('keeps ":word:" as text instead of johnny-five custom glyph names', async () => {
    const { b, v } = await board();
    b.showLines(['Zeit :heart: 12:30', '', '', '']);
    expect(v.lcd().lines[0]).toBe('Zeit :heart: 12:30  ');
  });
});

describe('close', () => {
  it('switches the LEDs off and clears the screen', async () => {
    const { b, v, clock } = await board();
    b.setLed('dock1', { color: 'green', pattern: 'blink' });
    b.setLed('status', { color: 'green', pattern: 'on' });
    b.showLines(['a', 'b', 'c', 'd']);
    await b.close();
    expect([3, 5, 6, 12, 13].map((p) => v.pinState(p).value)).toEqual([0, 0, 0, 0, 0]);
    expect(v.lcd().lines.every((l) => l.trim() === '')).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('IO plugins', () => {
  const notFound = (name: string) =>
    Object.assign(new Error(`Cannot find package '${name}' imported from /work/main/io-plugins.ts`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });

  it('names the package to install when a Pi plugin is missing', async () => {
    for (const io of [{ type: 'linux-io' }, { type: 'raspi-io' }] as const) {
      const cfg = parseIoBoardConfig({ ...baseConfig, io });
      const err = await IoBoard.open(cfg, {
        clock: new ManualClock(),
        importModule: (n) => Promise.reject(notFound(n)),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IoBoardError);
      expect(err).toMatchObject({ code: 'PLUGIN_MISSING' });
      expect(String((err as Error).message)).toContain(`npm install ${io.type}`);
    }
  });

  it('tells a plugin that fails to load apart from one that is missing', async () => {
    const cfg = parseIoBoardConfig({ ...baseConfig, io: { type: 'linux-io' } });
    const err = await IoBoard.open(cfg, {
      clock: new ManualClock(),
      importModule: () => Promise.reject(notFound('i2c-bus')),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PLUGIN_LOAD_FAILED' });
  });

  it('reports a missing linux-io through the real dynamic import', async () => {
    let installed = true;
    try {
      import.meta.resolve('linux-io');
    } catch {
      installed = false;
    }
    if (installed) return; // on a Pi with the plugin installed there is nothing to report
    const cfg = parseIoBoardConfig({ ...baseConfig, io: { type: 'linux-io' } });
    await expect(IoBoard.open(cfg, { clock: new ManualClock() })).rejects.toMatchObject({ code: 'PLUGIN_MISSING' });
  });

  it('opens linux-io with the configured pins and I2C bus when it is there', async () => {
    const { VirtualIo } = await import('./virtual-io.ts');
    let given: unknown = null;
    class FakeLinuxIo extends VirtualIo {
      override readonly isReady: boolean = false;
      constructor(opts: unknown) {
        super({ clock: new ManualClock() });
        given = opts;
      }
    }
    const cfg = parseIoBoardConfig({ ...baseConfig, io: { type: 'linux-io', i2cBus: 3 } });
    const b = await IoBoard.open(cfg, {
      clock: new ManualClock(),
      importModule: async () => ({ default: FakeLinuxIo }),
    });
    open.push(b);
    expect(given).toEqual({ pins: [3, 5, 6, 9, 10, 11, 12, 13, 2, 4], defaultI2cBus: 3 });
  });
});
