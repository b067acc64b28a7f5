/**
 * The fixtures' promise: each flawed or hostile submission is the model pair
 * with one named change, its lines found exactly once in the model and marked
 * `FLAW:` or `HOSTILE:` where they change it; every other file is the
 * model's, byte for byte. (Which checks each flaw fails is
 * tests/probe_test.ts's business; what class mode makes of the hostile ones,
 * tests/probe_class_test.ts's.)
 */

import assert from "node:assert/strict";
import {
  applyChange,
  CHANGES,
  FLAWS,
  HOSTILE,
  MODEL_FILES,
  modelFiles,
} from "./fixtures/fixtures.ts";
import { knownCheckIds } from "./class/rubric.ts";

const model = await modelFiles();

Deno.test("fixtures hold the model pair, nine flaws (each naming the check that shows it) and the hostile submissions, each named once", () => {
  assert.deepEqual([...model.keys()], MODEL_FILES);
  for (const [file, text] of model) {
    assert.doesNotMatch(text, /FLAW|HOSTILE/, file);
  }
  assert.equal(FLAWS.length, 9);
  const known = new Set(knownCheckIds());
  for (const flaw of FLAWS) {
    assert.ok(known.has(flaw.check ?? ""), `${flaw.name}: ${flaw.check}`);
  }
  assert.ok(HOSTILE.length >= 8);
  const names = CHANGES.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, names.join(", "));
});

for (const change of CHANGES) {
  Deno.test(`fixture ${change.name} is the model with one marked change: ${change.mistake}`, async () => {
    const files = await applyChange(model, change);
    const marker = change.kind === "flaw" ? "FLAW:" : "HOSTILE:";
    for (const file of MODEL_FILES) {
      const [before, after] = [model.get(file), files.get(file)];
      if (change.remove?.includes(file)) {
        assert.equal(after, undefined, `${file} is left out`);
        continue;
      }
      const edits = (change.edits ?? []).filter((e) => e.file === file);
      if (edits.length === 0) {
        assert.equal(after, before, `${file} is the model's`);
        continue;
      }
      assert.notEqual(after, before, `${file} changes`);
      assert.equal(
        after?.split(marker).length,
        edits.length + 1,
        `${file} marks each change once`,
      );
    }
    for (const file of change.add ?? []) assert.ok(files.has(file), file);
  });
}

Deno.test("applyChange fails loudly when the model no longer holds a change's lines", async () => {
  await assert.rejects(
    applyChange(model, {
      name: "stale",
      kind: "flaw",
      mistake: "lines the model lost",
      edits: [{ file: "handler.py", find: ["no such line"], replace: ["x"] }],
    }),
    /stale: handler\.py holds its lines 0 times, not once/,
  );
});
