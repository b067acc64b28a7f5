import assert from "node:assert/strict";
import {
  availableMemory,
  BOX_MEMORY,
  defaultJobs,
  MAX_DEFAULT_JOBS,
} from "./jobs.ts";

Deno.test("defaultJobs gives eight boxes a core, no more than memory allows, at least one", () => {
  const plenty = 64 * 1024 ** 3;
  assert.equal(defaultJobs(2, plenty), 16);
  assert.equal(defaultJobs(1, plenty), 8);
  assert.equal(defaultJobs(64, plenty), MAX_DEFAULT_JOBS);
  assert.equal(defaultJobs(2, 3 * BOX_MEMORY), 3);
  assert.equal(defaultJobs(2, BOX_MEMORY / 2), 1);
  assert.equal(defaultJobs(2, undefined), 16);
  assert.equal(defaultJobs(0, plenty), 8);
});

Deno.test({
  name:
    "availableMemory reads what the machine has with the probe's permissions (Deno alone reads /proc only with --allow-all)",
  ignore: Deno.build.os !== "linux",
  fn() {
    const bytes = availableMemory();
    assert.ok(bytes !== undefined && bytes > 64 * 1024 * 1024, `${bytes}`);
  },
});
