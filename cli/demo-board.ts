// In the demo the station drives a virtual I/O board; this mirrors what it shows onto the simulator's board model,
// so `GET /api/sim` and the dashboard's training panel show the LEDs and screen as the station last wrote them.

import type { Clock, TimerHandle } from '../lib/clock.ts';
import type { IoBoard } from '../firmware-bridge/io-board/io-board.ts';
import type { IoBoardModel, LedColour } from '../hardware/io-board/io-board-model.ts';

const COLOUR: Record<string, LedColour> = { green: 'green', red: 'red', amber: 'yellow', blue: 'blue', white: 'white' };

/**
 * Mirrors the station's board onto the model every `periodMs`, and a button pressed on the model (the training
 * panel) onto the station's virtual board pin, pressed and released as a finger would.
 */
export function mirrorBoard(
  board: Pick<IoBoard, 'snapshot' | 'virtual'>,
  model: IoBoardModel,
  clock: Clock,
  buttonPins: Record<string, number>,
  periodMs = 250,
  /** How long a button must be held to count as a long press (the station acknowledges on a long press). */
  holdMs: Record<string, number> = {},
): () => void {
  let timer: TimerHandle | null = null;
  let stopped = false;
  const unsubscribe = model.onButton((id) => {
    const pin = buttonPins[id];
    const io = board.virtual;
    if (pin === undefined || !io) return;
    io.press(pin);
    // The training panel's "acknowledge" means what a trainee's long press means at the real station.
    clock.setTimeout(() => io.release(pin), (holdMs[id] ?? 0) + 150);
  });
  const copy = () => {
    const snap = board.snapshot();
    for (const [name, led] of Object.entries(snap.leds)) {
      model.setLed(
        name,
        led.pattern === 'off'
          ? { colour: 'off', pattern: 'off' }
          : { colour: COLOUR[led.color] ?? 'white', pattern: led.pattern },
      );
    }
    snap.lines.forEach((line, row) => model.setLine(row, line));
    if (!stopped) timer = clock.setTimeout(copy, periodMs);
  };
  copy();
  return () => {
    stopped = true;
    timer?.cancel();
    unsubscribe();
  };
}
