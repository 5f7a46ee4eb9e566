// The station's dead-man signal: a digital pin the station toggles on every charge-loop tick. Wired to a
// retriggerable watchdog (a charge-pump relay driver or a monostable that holds the chargers' enable line), it
// keeps the chargers' mains on only while edges come: a killed, hung or crashed daemon leaves the pin still and
// the relay drops, even for chargers without a communication watchdog of their own. Wiring: deploy/README.md.

import type { IoPlugin, J5Board, PinId } from './johnny-five-api.ts';

export class HeartbeatPin {
  private high = false;
  private readonly io: IoPlugin;

  constructor(
    board: J5Board,
    private readonly pin: PinId,
  ) {
    // Straight to the IO plugin as a digital output: johnny-five's Led would use PWM where the pin has it, and a
    // watchdog relay wants clean logic edges.
    this.io = board.io as IoPlugin;
    this.io.pinMode(pin, this.io.MODES.OUTPUT);
    this.write();
  }

  private write(): void {
    this.io.digitalWrite(this.pin, this.high ? this.io.HIGH : this.io.LOW);
  }

  /** One edge; called once per loop tick, so the pin falls silent within one tick of the loop stopping. */
  toggle(): void {
    this.high = !this.high;
    this.write();
  }

  /** Leaves the pin low: no more edges, the watchdog relay drops. */
  stop(): void {
    this.high = false;
    this.write();
  }
}
