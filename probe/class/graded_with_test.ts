import assert from "node:assert/strict";
import { rubricHash, type SavedResult, whyRegrade } from "./graded_with.ts";
import { DEFAULT_RUBRIC } from "./rubric.ts";

const NOW = {
  student: "alice",
  hash: "f1",
  probe_version: "p1",
  rubric_hash: "r1",
};

function saved(changes: Partial<SavedResult>): SavedResult {
  return {
    student: "alice",
    status: "graded",
    score: 5,
    max_score: 5,
    reason: "every check passed",
    entries: [],
    failed: [],
    contained: [],
    isolation: "",
    hash: "f1",
    source: { type: "folder" },
    seconds: 7,
    probe_version: "p1",
    rubric_hash: "r1",
    ...changes,
  };
}

Deno.test("whyRegrade keeps a result only when the files, the probe and the rubric are the same", () => {
  assert.equal(whyRegrade(saved({}), NOW), undefined);
  assert.equal(whyRegrade(saved({ hash: "f0" }), NOW), "the files changed");
  assert.equal(
    whyRegrade(saved({ probe_version: "p0" }), NOW),
    "the probe changed",
  );
  assert.equal(
    whyRegrade(saved({ rubric_hash: "r0" }), NOW),
    "the rubric changed",
  );
  // A result from before the probe kept its version is not trusted either.
  assert.equal(
    whyRegrade(saved({ probe_version: undefined }), NOW),
    "the probe changed",
  );
  assert.equal(
    whyRegrade(saved({ status: "error" }), NOW),
    "the grading failed last time",
  );
  assert.equal(
    whyRegrade(saved({ student: "bob" }), NOW),
    "another student's result",
  );
});

Deno.test("rubricHash changes with any point and with the order of the entries", async () => {
  const base = await rubricHash(DEFAULT_RUBRIC);
  assert.match(base, /^[0-9a-f]{12}$/);
  assert.equal(
    await rubricHash({ points: { ...DEFAULT_RUBRIC.points } }),
    base,
  );
  assert.notEqual(
    await rubricHash({ points: { ...DEFAULT_RUBRIC.points, hello: 1.5 } }),
    base,
  );
  const reversed = Object.fromEntries(
    Object.entries(DEFAULT_RUBRIC.points).reverse(),
  );
  assert.notEqual(await rubricHash({ points: reversed }), base);
});
