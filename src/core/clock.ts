/** Time is passed in, never read inside pure code: tests and simulations set it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
