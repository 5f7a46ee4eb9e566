// Wires the I/O board's buttons to the station panel through the debounced gestures, with each button's hold time
// from the I/O board config (buttons.<name>.holdMs) as its long press.

import type { ButtonEvent } from '../../firmware-bridge/io-board/io-board.ts';
import type { ButtonName, IoBoardConfig } from '../../firmware-bridge/io-board/io-board-config.ts';
import type { Clock } from '../../lib/clock.ts';
import { ButtonGestures } from './button-gestures.ts';
import type { StationPanel } from './station-panel.ts';

interface ButtonSource {
  readonly buttonNames: readonly ButtonName[];
  onButton(name: ButtonName, event: ButtonEvent, cb: () => void): () => void;
}

/** Subscribes every configured button; returns the stop function. */
export function attachPanelButtons(
  board: ButtonSource,
  buttons: IoBoardConfig['buttons'],
  panel: StationPanel,
  clock: Clock,
): () => void {
  const stops: Array<() => void> = [];
  for (const name of board.buttonNames) {
    const g = new ButtonGestures(
      clock,
      (x) => (name === 'acknowledge' ? panel.acknowledgeButton(x) : panel.maintenanceButton(x)),
      {
        longMs: buttons[name]?.holdMs ?? 2000,
        ...(name === 'acknowledge' ? { onDown: () => panel.acknowledgeDown() } : {}),
      },
    );
    stops.push(board.onButton(name, 'press', () => g.edge(true)));
    stops.push(board.onButton(name, 'release', () => g.edge(false)));
    stops.push(() => g.stop());
  }
  return () => {
    for (const s of stops) s();
  };
}
