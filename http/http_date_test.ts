import assert from "node:assert/strict";
import { holdDateClock, httpDate } from "./http_date.ts";
import { delay } from "../wire/timers.ts";

/** Runs `body` with `Date.now` answering `now()` and counting its calls. */
function withCountedClock<T>(now: () => number, body: () => T): [T, number] {
  const real = Date.now;
  let calls = 0;
  Date.now = () => {
    calls++;
    return now();
  };
  try {
    return [body(), calls];
  } finally {
    Date.now = real;
  }
}

/** The IMF-fixdate of the second `ms` falls in. */
function secondOf(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

Deno.test("httpDate without a hold reads the clock on each call and gives its second as an IMF-fixdate", () => {
  let now = Date.UTC(1994, 10, 6, 8, 49, 37, 999);
  const [first, calls] = withCountedClock(() => now, () => httpDate());
  assert.equal(first, "Sun, 06 Nov 1994 08:49:37 GMT");
  assert.equal(calls, 1);
  now += 1;
  const [next] = withCountedClock(() => now, () => httpDate());
  assert.equal(next, "Sun, 06 Nov 1994 08:49:38 GMT");
});

Deno.test("httpDate while the clock is held reads no clock, and its value turns over with the second", async () => {
  const before = Date.now();
  const release = holdDateClock();
  try {
    const [values, calls] = withCountedClock(
      () => 0,
      () => Array.from({ length: 1000 }, () => httpDate()),
    );
    assert.equal(calls, 0, "clock reads while held");
    assert.ok(values.every((v) => v === values[0]));
    assert.ok(
      [secondOf(before), secondOf(Date.now())].includes(values[0]),
      `${values[0]} is now`,
    );
    // Past the next turn of the second, with room for a late timer.
    const turn = (Math.floor(Date.now() / 1000) + 1) * 1000;
    await delay(turn + 50 - Date.now());
    const at = Date.parse(httpDate());
    assert.ok(at >= turn && at <= Date.now(), `${httpDate()} after the turn`);
  } finally {
    release();
  }
});

Deno.test("httpDate reads the clock again only once every hold is released, and a second release does nothing", () => {
  const first = holdDateClock();
  const second = holdDateClock();
  first();
  first();
  const now = () => Date.UTC(2030, 0, 1);
  const [, whileHeld] = withCountedClock(now, () => httpDate());
  assert.equal(whileHeld, 0, "one hold remains");
  second();
  const [value, released] = withCountedClock(now, () => httpDate());
  assert.equal(released, 1);
  assert.equal(value, "Tue, 01 Jan 2030 00:00:00 GMT");
});
