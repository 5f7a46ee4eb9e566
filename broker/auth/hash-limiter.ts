// A bound on password hashes running at once. scrypt runs on libuv's thread pool (4 threads), which file reads
// share: a flood of logins made the dashboard's files take 7 s. At most `concurrent` hashes run, a bounded queue
// waits, and beyond it a login is refused as busy at once instead of queueing without end.

export class BusyError extends Error {
  readonly code = 'BUSY';
  constructor() {
    super('too many logins at once; try again shortly');
  }
}

export class HashLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** The most hashes seen running at once (tests and metrics read it). */
  peak = 0;
  /** Logins refused because the queue was full. */
  refused = 0;

  constructor(
    readonly concurrent = 2,
    readonly maxQueue = 64,
  ) {}

  /** Runs `fn` when a slot is free; throws BusyError when the queue is full. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrent) {
      if (this.waiting.length >= this.maxQueue) {
        this.refused += 1;
        throw new BusyError();
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` never drops below while some wait.
      if (next) next();
      else this.active -= 1;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}
