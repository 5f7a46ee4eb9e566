// Runs a job again and again on the injected clock: the next run starts one interval after the last one ended, so two
// runs never overlap, and a run that throws or rejects is reported while the next one still comes.

import type { Clock, TimerHandle } from './clock.ts';

export interface Repeater {
  /** No further run starts; resolves once a run in progress has ended. */
  stop(): Promise<void>;
}

export function repeatEvery(
  clock: Clock,
  intervalMs: number,
  job: () => unknown,
  onError: (err: unknown) => void,
): Repeater {
  let stopped = false;
  let timer: TimerHandle | null = null;
  let round: Promise<void> | null = null;

  const schedule = (): void => {
    if (!stopped) timer = clock.setTimeout(fire, intervalMs);
  };
  // A job that returns synchronously is rescheduled synchronously, so a manual clock advanced over several intervals
  // in one call sees every run.
  function fire(): void {
    timer = null;
    let result: unknown;
    try {
      result = job();
    } catch (err) {
      onError(err);
      schedule();
      return;
    }
    if (!(result instanceof Promise)) {
      schedule();
      return;
    }
    round = result.then(
      () => undefined,
      (err: unknown) => onError(err),
    );
    void round.finally(() => {
      round = null;
      schedule();
    });
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
      await round;
    },
  };
}
