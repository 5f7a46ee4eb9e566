// The I/O board config schema: defaults filled in, and every problem reported at once with the path of its field.

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config-error.ts';
import { parseIoBoardConfig } from './io-board-config.ts';

function problems(input: unknown): string[] {
  try {
    parseIoBoardConfig(input, 'station.json');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
const paths = (input: unknown) => problems(input).map((p) => p.slice(0, p.indexOf(':')));

describe('parseIoBoardConfig', () => {
  it('fills in the defaults: 0x27, 20x4, ROM A00, pull-up, Firmata at 57600 baud', () => {
    const cfg = parseIoBoardConfig({
      io: { type: 'firmata', port: '/dev/ttyACM0' },
      leds: { dock1: { type: 'rgb', pins: { red: 3, green: 5, blue: 6 } } },
      buttons: { acknowledge: { pin: 2 } },
    });
    expect(cfg.lcd).toEqual({ controller: 'PCF8574', address: 0x27, cols: 20, rows: 4, charset: 'a00' });
    expect(cfg.io).toEqual({ type: 'firmata', port: '/dev/ttyACM0', baudRate: 57600 });
    expect(cfg.buttons.acknowledge).toEqual({ pin: 2, pullup: true, holdMs: 2000 });
    expect(cfg.leds['dock1']).toMatchObject({ commonAnode: false });
  });

  it('accepts Pi pin names and the Pi plugins', () => {
    const cfg = parseIoBoardConfig({
      io: { type: 'linux-io' },
      leds: { status: { type: 'single', pins: { green: 'GPIO17' } } },
    });
    expect(cfg.io).toEqual({ type: 'linux-io', i2cBus: 1 });
  });

  it('names the field of each problem, all at once', () => {
    expect(
      paths({
        io: { type: 'firmata' },
        leds: { dock1: { type: 'rgb', pins: { red: 3, green: 5 } }, Dock2: { type: 'single', pins: {} } },
        buttons: { acknowledge: { pin: 2, holdMs: 5 } },
        lcd: { address: 0x99, cols: 16 },
      }),
    ).toEqual(
      expect.arrayContaining([
        'io.port',
        'leds.dock1.pins.blue',
        'leds.Dock2',
        'buttons.acknowledge.holdMs',
        'lcd.address',
        'lcd.cols',
      ]),
    );
  });

  it('names an unknown IO plugin and an unknown LED type', () => {
    expect(paths({ io: { type: 'pigpio' }, leds: { a: { type: 'neopixel' } } })).toEqual(
      expect.arrayContaining(['io.type', 'leds.a.type']),
    );
  });

  it('refuses a pin used twice, naming both users', () => {
    const p = problems({
      io: { type: 'virtual' },
      leds: {
        dock1: { type: 'rgb', pins: { red: 3, green: 5, blue: 6 } },
        status: { type: 'single', pins: { green: 7 } },
      },
      buttons: { acknowledge: { pin: 5 } },
    });
    expect(p).toEqual(['buttons.acknowledge.pin: pin 5 is already used by leds.dock1.pins.green']);
  });

  it('needs at least one colour for single LEDs', () => {
    expect(paths({ io: { type: 'virtual' }, leds: { status: { type: 'single', pins: {} } } })).toEqual([
      'leds.status.pins',
    ]);
  });
});
