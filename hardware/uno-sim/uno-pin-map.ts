// How the simulated Uno is wired as a station's I/O board: three single LEDs (green, red, blue) per dock, the
// station LED, both buttons; and the I/O board config that tells `rikscha station` so. Pins 0/1 carry the serial
// line and 18/19 (A4/A5) the screen's I2C bus, which leaves room for four docks.

import type { IoBoardConfigInput } from '../../firmware-bridge/io-board/io-board-config.ts';

export const UNO_MAX_DOCKS = 4;

/** Each dock's set has a pin without PWM, so the station drives its LEDs plainly on and off (io-board.ts). */
const DOCK_PINS: ReadonlyArray<{ green: number; red: number; blue: number }> = [
  { green: 2, red: 3, blue: 4 },
  { green: 5, red: 6, blue: 7 },
  { green: 8, red: 9, blue: 10 },
  { green: 11, red: 12, blue: 13 },
];
const STATUS_PINS = { green: 14, red: 15 };
export const UNO_BUTTON_PINS = { acknowledge: 16, maintenance: 17 } as const;
/** The acknowledge button's long press, ms: what a trainee holds to acknowledge at the station. */
export const UNO_ACK_HOLD_MS = 1000;

export interface UnoLedPins {
  name: string;
  pins: Partial<Record<'green' | 'red' | 'blue', number>>;
}

/** LED names as the station uses them ("dock-N", "status") with their pins; docks in the order given. */
export function unoLedPins(docks: readonly number[]): UnoLedPins[] {
  if (docks.length > UNO_MAX_DOCKS)
    throw new RangeError(`the simulated Uno has LED pins for ${UNO_MAX_DOCKS} docks, the scenario has ${docks.length}`);
  const leds: UnoLedPins[] = docks.map((dock, i) => ({ name: `dock-${dock}`, pins: { ...DOCK_PINS[i] } }));
  leds.push({ name: 'status', pins: { ...STATUS_PINS } });
  return leds;
}

/** The station config's `ioBoard` section for a simulated Uno whose serial line is `port`. */
export function unoBoardConfig(port: string, docks: readonly number[]): IoBoardConfigInput {
  const leds: IoBoardConfigInput['leds'] = {};
  for (const led of unoLedPins(docks)) leds[led.name] = { type: 'single', pins: led.pins };
  return {
    io: { type: 'firmata', port },
    leds,
    buttons: {
      acknowledge: { pin: UNO_BUTTON_PINS.acknowledge, holdMs: UNO_ACK_HOLD_MS },
      maintenance: { pin: UNO_BUTTON_PINS.maintenance },
    },
    lcd: { controller: 'PCF8574', address: 0x27, charset: 'a00' },
  };
}
