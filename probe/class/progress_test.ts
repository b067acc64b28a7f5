import assert from "node:assert/strict";
import { progressText, timeLeft } from "./progress.ts";

Deno.test("progressText shows done/total, the student and the time left at the pace so far", () => {
  assert.equal(
    progressText({
      done: 0,
      total: 100,
      graded: 0,
      elapsedMs: 0,
      student: "alice",
    }),
    "0/100  alice  estimating time left",
  );
  // 10 graded in 60 s: 6 s a student, 90 left.
  assert.equal(
    progressText({
      done: 10,
      total: 100,
      graded: 10,
      elapsedMs: 60_000,
      student: "bob",
    }),
    "10/100  bob  9 min left",
  );
  // Students kept from an earlier run cost nothing: 2 graded in 10 s, 8 left.
  assert.equal(
    progressText({
      done: 92,
      total: 100,
      graded: 2,
      elapsedMs: 10_000,
      student: "carol",
    }),
    "92/100  carol  40 s left",
  );
  assert.equal(
    progressText({
      done: 5,
      total: 5,
      graded: 5,
      elapsedMs: 1_000,
      student: "dan",
    }),
    "5/5  dan  done",
  );
});

Deno.test("timeLeft says seconds under a minute and a half, minutes past it", () => {
  assert.equal(timeLeft(40_000), "40 s left");
  assert.equal(timeLeft(89_000), "89 s left");
  assert.equal(timeLeft(90_000), "2 min left");
  assert.equal(timeLeft(600_000), "10 min left");
});
