// Turns a button's raw press/release edges into gestures a trainee means: a short press or one long press. Debounced on
// the injected clock (an edge counts only once the contact has stayed put for debounceMs), and a held button gives one
// long press, never a repeat, so neither bounce nor a resting finger can skip a step.

import type { Clock, TimerHandle } from '../../lib/clock.ts';

export type Gesture = 'short' | 'long';

export interface GestureOptions {
  /** The contact must stay put this long before an edge counts, ms. Default 50 (mechanical buttons bounce < 20 ms). */
  debounceMs?: number;
  /** Held this long is a long press, ms. Default 1500. */
  longMs?: number;
  /** Called when a press has settled down, before it is known to be short or long. */
  onDown?: () => void;
}

export class ButtonGestures {
  private raw = false;
  private stable = false;
  private settle: TimerHandle | null = null;
  private hold: TimerHandle | null = null;
  private longFired = false;
  private readonly debounceMs: number;
  private readonly longMs: number;
  private readonly onDown: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly on: (g: Gesture) => void,
    opts: GestureOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? 50;
    this.longMs = opts.longMs ?? 1500;
    this.onDown = opts.onDown;
  }

  /** A raw edge from the board: true when the button went down. */
  edge(down: boolean): void {
    this.raw = down;
    this.settle?.cancel();
    this.settle = this.clock.setTimeout(() => this.settled(), this.debounceMs);
  }

  private settled(): void {
    this.settle = null;
    if (this.raw === this.stable) return;
    this.stable = this.raw;
    if (this.stable) {
      this.longFired = false;
      this.onDown?.();
      this.hold = this.clock.setTimeout(() => {
        this.hold = null;
        this.longFired = true;
        this.on('long');
      }, this.longMs - this.debounceMs);
      return;
    }
    this.hold?.cancel();
    this.hold = null;
    if (!this.longFired) this.on('short');
    this.longFired = false;
  }

  stop(): void {
    this.settle?.cancel();
    this.hold?.cancel();
  }
}
