/**
 * Small timer helpers that never leave a timer behind: each clears its own,
 * so a probe, a benchmark or a test that stops holds no pending timers.
 *
 * The servers keep their own copy (`server/timers.ts`): the lesson's rooms
 * import nothing from outside them, so a learner reads them alone.
 *
 * @module
 */

/** What `raceTimeout` resolves to when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * Resolves to `promise`'s value, or to `TIMED_OUT` once `ms` have passed,
 * whichever is first. The timer is cleared either way; `promise` keeps
 * running and its rejection, if any, is passed on.
 */
export function raceTimeout<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
