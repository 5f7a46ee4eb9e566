// Injected time: the loop, the drivers and the simulators read time and set timers only through this,
// so tests can drive them with a manual clock and the simulator can run faster than real time.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (wall time, for timestamps). */
  now(): number;
  /** Monotonic milliseconds, for durations and lateness. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};
