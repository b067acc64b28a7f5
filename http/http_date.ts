/**
 * The `Date` header value (IMF-fixdate, RFC 9110 section 5.6.7), formatted at
 * most once a second rather than once a response.
 *
 * A server holds the date clock while it serves: a timer then turns the
 * value over at each second, and a response reads no clock at all (in V8 a
 * clock read costs about as much as the rest of answering a repeated
 * request). Without a hold, each call reads the clock. This is the one
 * clock the protocol reads (`response.ts` and the speed layer ask it for
 * every response); the servers hold it, so while they serve, the protocol
 * reads none.
 *
 * @module
 */

let cachedSecond = -1;
let cachedValue = "";
/** Servers holding the clock; the timer runs while there is one. */
let holders = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * The current time as an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
 * While the date clock is held, the value its timer last set.
 */
export function httpDate(): string {
  if (timer === undefined) setSecond(Date.now());
  return cachedValue;
}

/**
 * Holds the date clock: until released, a timer sets the `Date` value at
 * each turn of the second, so {@linkcode httpDate} reads no clock. The value
 * lags the clock by the timer's lateness, which is small while the event
 * loop comes round (as nginx's cached time lags by one loop iteration).
 * The timer does not keep the process alive.
 *
 * @returns releases this hold (again: no effect); the timer stops with the last hold
 */
export function holdDateClock(): () => void {
  if (holders++ === 0) tick();
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--holders === 0) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

/** Sets the value from the clock and schedules the next turn of the second. */
function tick(): void {
  const now = Date.now();
  setSecond(now);
  // A timer can fire a little early by the wall clock: then this is 1 ms.
  const next = setTimeout(tick, 1000 - (now % 1000));
  Deno.unrefTimer(next);
  timer = next;
}

function setSecond(now: number): void {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedValue = new Date(second * 1000).toUTCString();
  }
}
