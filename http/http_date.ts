/**
 * The `Date` header value (IMF-fixdate, RFC 9110 section 5.6.7), formatted at
 * most once a second rather than once a response.
 *
 * @module
 */

let cachedSecond = -1;
let cachedValue = "";

/** The current time as an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function httpDate(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedValue = new Date(second * 1000).toUTCString();
  }
  return cachedValue;
}
