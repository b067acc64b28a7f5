import assert from "node:assert/strict";
import {
  MAX_WORKERS,
  resolveWorkers,
  usableCpus,
  workersUnavailable,
} from "./worker_count.ts";

Deno.test("resolveWorkers defaults to 1, reads auto as the usable CPUs and caps the count", () => {
  assert.equal(resolveWorkers(undefined), 1);
  assert.equal(resolveWorkers(3), 3);
  assert.equal(resolveWorkers("auto"), usableCpus());
  assert.equal(resolveWorkers(MAX_WORKERS + 10), MAX_WORKERS);
  assert.throws(() => resolveWorkers(0), RangeError);
  assert.throws(() => resolveWorkers(1.5), RangeError);
});

Deno.test("workersUnavailable names what is missing: Linux, --unstable-net, then read access", () => {
  const ready = { os: "linux", unstableNet: true, canReadProject: true };
  assert.equal(workersUnavailable(ready), undefined);
  assert.match(
    workersUnavailable({ ...ready, os: "darwin" })!,
    /only on Linux \(this is darwin\)/,
  );
  assert.match(
    workersUnavailable({ ...ready, unstableNet: false })!,
    /--unstable-net/,
  );
  assert.match(
    workersUnavailable({ ...ready, canReadProject: false })!,
    /--allow-read=\//,
  );
  for (
    const runtime of [{ ...ready, os: "windows" }, {
      ...ready,
      canReadProject: false,
    }]
  ) {
    assert.doesNotMatch(workersUnavailable(runtime)!, /\n/);
  }
});
