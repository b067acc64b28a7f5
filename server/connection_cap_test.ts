import assert from "node:assert/strict";
import {
  ConnectionCap,
  releaseWorker,
  sharedConnectionCounts,
} from "./connection_cap.ts";

Deno.test("ConnectionCap alone refuses past its cap and takes again after a release", () => {
  const cap = new ConnectionCap(2);
  assert.equal(cap.tryTake(), true);
  assert.equal(cap.tryTake(), true);
  assert.equal(cap.tryTake(), false);
  cap.release();
  assert.equal(cap.tryTake(), true);
  assert.equal(cap.tryTake(), false);
});

Deno.test("ConnectionCap over shared counts caps the total of every worker, not each one", () => {
  const counts = sharedConnectionCounts(2);
  const first = new ConnectionCap(3, counts, 1);
  const second = new ConnectionCap(3, counts, 2);
  assert.equal(first.tryTake(), true);
  assert.equal(first.tryTake(), true);
  assert.equal(second.tryTake(), true);
  // Three open in total: neither worker may take a fourth.
  assert.equal(second.tryTake(), false);
  assert.equal(first.tryTake(), false);
  assert.deepEqual([...counts], [3, 2, 1]);
  first.release();
  assert.equal(second.tryTake(), true);
  assert.deepEqual([...counts], [3, 1, 2]);
});

Deno.test("releaseWorker gives back the places of a worker that died with connections open", () => {
  const counts = sharedConnectionCounts(2);
  const dead = new ConnectionCap(2, counts, 1);
  const alive = new ConnectionCap(2, counts, 2);
  assert.equal(dead.tryTake(), true);
  assert.equal(dead.tryTake(), true);
  assert.equal(alive.tryTake(), false);
  releaseWorker(counts, 1);
  assert.deepEqual([...counts], [0, 0, 0]);
  assert.equal(alive.tryTake(), true);
  assert.equal(alive.tryTake(), true);
  assert.equal(alive.tryTake(), false);
});
