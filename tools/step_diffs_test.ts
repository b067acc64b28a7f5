import assert from "node:assert/strict";
import { codeDiff, formatStepDiffs, keptLines } from "./step_diffs.ts";

Deno.test("keptLines pairs the lines two texts share in order, as diff does", () => {
  assert.deepEqual(keptLines(["a", "b", "c"], ["a", "x", "c", "d"]), [
    [true, false, true],
    [true, false, true, false],
  ]);
});

Deno.test("codeDiff counts the lines of code added and removed, not comments or blank lines", () => {
  const before = "// a comment\nconst a = 1;\n\nconst b = 2;\n";
  const after = "/** a doc comment */\nconst a = 1;\n\nconst c = 3;\nlet d;\n";
  assert.deepEqual(codeDiff(before, after), { added: 2, removed: 1 });
  assert.deepEqual(codeDiff(undefined, after), { added: 3, removed: 0 });
  assert.deepEqual(codeDiff(after, after), { added: 0, removed: 0 });
});

Deno.test("formatStepDiffs gives each file its changed lines and what it grows from", () => {
  assert.equal(
    formatStepDiffs([
      { file: "a.ts", diff: { added: 3, removed: 0 } },
      { file: "bb.ts", after: "a.ts", diff: { added: 10, removed: 2 } },
    ]),
    "  3 +3 -0    a.ts   a new file\n 12 +10 -2   bb.ts  from a.ts",
  );
});
