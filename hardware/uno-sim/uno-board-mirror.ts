// Shows the simulated Uno on the simulator's I/O board model (GET /api/sim, the training panel): each LED's colour
// from the pins the firmware drives, the screen as its controller latched it; a button pressed on the model is
// pressed on the Uno's pin, as a finger would.

import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { IoBoardModel, LedColour } from '../io-board/io-board-model.ts';
import type { SimulatedUno } from './simulated-uno.ts';
import type { UnoLedPins } from './uno-pin-map.ts';

/** The colour a person sees from the lit dies of a set of single LEDs. */
function colourOf(lit: ReadonlySet<string>): LedColour {
  if (lit.size === 0) return 'off';
  if (lit.has('red') && lit.has('green')) return 'yellow';
  if (lit.size > 1) return 'white';
  const only = [...lit][0];
  return only === 'red' || only === 'green' || only === 'blue' ? only : 'white';
}

/** Copies the Uno onto the model every `periodMs` (a blinking LED shows on and off in turn); returns the stop. */
export function mirrorUno(
  uno: SimulatedUno,
  model: IoBoardModel,
  leds: readonly UnoLedPins[],
  buttonPins: Readonly<Record<string, number>>,
  clock: Clock,
  periodMs = 100,
  /** How long a press is held, per button (the station acknowledges on a long press). */
  holdMs: Readonly<Record<string, number>> = {},
): () => void {
  let timer: TimerHandle | null = null;
  let stopped = false;
  const unsubscribe = model.onButton((id) => {
    const pin = buttonPins[id];
    if (pin === undefined) return;
    uno.press(pin);
    clock.setTimeout(() => uno.release(pin), (holdMs[id] ?? 0) + 150);
  });
  const copy = () => {
    for (const led of leds) {
      const lit = new Set(
        Object.entries(led.pins)
          .filter(([, pin]) => uno.pin(pin) === 1)
          .map(([c]) => c),
      );
      const colour = colourOf(lit);
      model.setLed(led.name, { colour, pattern: colour === 'off' ? 'off' : 'on' });
    }
    uno.screen().forEach((line, row) => model.setLine(row, line));
    if (!stopped) timer = clock.setTimeout(copy, periodMs);
  };
  copy();
  return () => {
    stopped = true;
    timer?.cancel();
    unsubscribe();
  };
}
