// One deadline per run, set well under libxl's 40 s SIGKILL; every wait takes what is left of it.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class Deadline {
  private readonly end: number;

  constructor(
    readonly budgetMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.end = clock.now() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.end - this.clock.now());
  }

  expired(): boolean {
    return this.remainingMs() === 0;
  }

  /** A budget that ends `reserveMs` before this one, so there is time left to clean up after it. */
  leaving(reserveMs: number): Deadline {
    return new Deadline(Math.max(0, this.remainingMs() - reserveMs), this.clock);
  }

  /** A budget of at most `ms` from now, never past this one. */
  within(ms: number): Deadline {
    return new Deadline(Math.min(ms, this.remainingMs()), this.clock);
  }

  /** Sleeps `ms`, or less if the deadline comes first. */
  sleep(ms: number): Promise<void> {
    return this.clock.sleep(Math.min(ms, this.remainingMs()));
  }

  elapsedMs(): number {
    return this.budgetMs - (this.end - this.clock.now());
  }
}
