// Schema (zod 4) of the station I/O board: which johnny-five IO plugin drives it, and the pin map of its LEDs, buttons
// and 20x4 I2C character screen. Units, defaults and ranges are in describe(); every problem names its field.

import { z } from 'zod';
import { parseConfig } from '../../lib/config-error.ts';

const pin = z
  .union([z.int().min(0).max(255), z.string().regex(/^[A-Za-z0-9_-]{1,16}$/)], {
    error: (iss) =>
      iss.input === undefined ? 'missing pin' : 'expected a pin number 0..255 or a name like "GPIO17" or "P1-11"',
  })
  .describe('Pin number (Firmata digital pin, GPIO number) or a name the IO plugin knows, e.g. "GPIO17"');

const ioSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('virtual').describe('No hardware: records writes (simulation and tests)'),
  }),
  z.strictObject({
    type: z.literal('firmata').describe('Arduino-class board running StandardFirmata, over USB serial'),
    port: z
      .string()
      .min(1)
      .describe('Serial device, e.g. /dev/serial/by-id/usb-Arduino...; by-id survives re-plugging'),
    baudRate: z.int().positive().default(57600).describe('StandardFirmata uses 57600 baud; default 57600'),
  }),
  z.strictObject({
    type: z.literal('linux-io').describe('Raspberry Pi GPIO and I2C through the kernel (optional package linux-io)'),
    i2cBus: z.int().min(0).max(16).default(1).describe('I2C bus number of /dev/i2c-N; 1 on a Raspberry Pi; default 1'),
  }),
  z.strictObject({
    type: z.literal('raspi-io').describe('Raspberry Pi GPIO through raspi-io (optional package, arm only)'),
  }),
]);

const rgbLed = z.strictObject({
  type: z.literal('rgb'),
  pins: z.strictObject({ red: pin, green: pin, blue: pin }).describe('One PWM pin per colour'),
  commonAnode: z
    .boolean()
    .default(false)
    .describe('true for a common-anode LED (a channel lights when its pin is LOW); default false'),
});

const singleLeds = z.strictObject({
  type: z.literal('single'),
  pins: z
    .strictObject({ green: pin.optional(), red: pin.optional(), amber: pin.optional(), blue: pin.optional() })
    .refine((p) => Object.values(p).some((v) => v !== undefined), 'at least one of green, red, amber, blue')
    .describe('One single-colour LED per colour fitted; a missing colour is shown by a near one (see io-board.ts)'),
  activeLow: z
    .boolean()
    .default(false)
    .describe('true when an LED lights with its pin LOW (wired to +V); default false'),
});

const ledSchema = z.discriminatedUnion('type', [rgbLed, singleLeds]);

const button = z.strictObject({
  pin,
  pullup: z
    .boolean()
    .default(true)
    .describe('Use the internal pull-up, button to ground (pressed = LOW); default true'),
  holdMs: z
    .int()
    .min(100)
    .max(10_000)
    .default(2000)
    .describe("Held this long, ms, fires 'hold' (and repeats); default 2000"),
});

const lcdSchema = z.strictObject({
  controller: z
    .enum(['PCF8574', 'PCF8574A', 'PCF8574T', 'PCF8574AT', 'LCM1602'])
    .default('PCF8574')
    .describe('I2C backpack chip as johnny-five names it; default PCF8574'),
  address: z
    .int()
    .min(0x03)
    .max(0x77)
    .default(0x27)
    .describe('7-bit I2C address; 0x27 (PCF8574) or 0x3F (PCF8574A) usually; default 0x27'),
  cols: z.literal(20).default(20).describe('Characters per line; 20'),
  rows: z.literal(4).default(4).describe('Lines; 4'),
  charset: z
    .enum(['a00', 'ascii'])
    .default('a00')
    .describe(
      "'a00': umlauts from the usual Japanese ROM (ä=0xE1, ö=0xEF, ü=0xF5, ß=0xE2); 'ascii': ae/oe/ue/ss; default a00",
    ),
});

export const ioBoardConfigSchema = z
  .strictObject({
    io: ioSchema,
    leds: z
      .record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'LED name: lower-case letters, digits, dashes'), ledSchema)
      .describe(
        'LEDs by name: "status" for the station, "dock-1".."dock-N" per dock (station/display uses these names)',
      ),
    buttons: z
      .strictObject({ acknowledge: button.optional(), maintenance: button.optional() })
      .default({})
      .describe('Up to two buttons: acknowledge a cleared fault, switch a dock to maintenance'),
    lcd: lcdSchema.prefault({}).describe('20x4 character screen on an I2C backpack'),
    heartbeat: z
      .strictObject({ pin })
      .optional()
      .describe('Pin toggled on every charge-loop tick for an external watchdog relay on the chargers; absent = none'),
  })
  .superRefine((cfg, ctx) => {
    // One pin, one job: two LEDs on a pin would fight, a button on an LED pin would read its own writes.
    const seen = new Map<string, string>();
    const claim = (p: string | number, path: (string | number)[]) => {
      const key = String(p);
      const where = path.join('.');
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path, message: `pin ${key} is already used by ${first}` });
      else seen.set(key, where);
    };
    for (const [name, led] of Object.entries(cfg.leds)) {
      for (const [colour, p] of Object.entries(led.pins)) if (p !== undefined) claim(p, ['leds', name, 'pins', colour]);
    }
    for (const [name, b] of Object.entries(cfg.buttons)) if (b) claim(b.pin, ['buttons', name, 'pin']);
    if (cfg.heartbeat) claim(cfg.heartbeat.pin, ['heartbeat', 'pin']);
  });

export type IoBoardConfig = z.infer<typeof ioBoardConfigSchema>;
export type IoBoardConfigInput = z.input<typeof ioBoardConfigSchema>;
export type LedConfig = z.infer<typeof ledSchema>;
export type ButtonName = 'acknowledge' | 'maintenance';

/** Validates an I/O board section; throws ConfigError listing every problem as `path: message`. */
export function parseIoBoardConfig(input: unknown, file = 'io-board'): IoBoardConfig {
  return parseConfig(ioBoardConfigSchema, input, file);
}
