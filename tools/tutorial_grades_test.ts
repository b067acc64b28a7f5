import assert from "node:assert/strict";
import { between, replaceBetween } from "./tutorial_grades.ts";

const DOC = "# T\n\n<!-- card:begin -->\n\nold\n\n<!-- card:end -->\n\nafter\n";

Deno.test("replaceBetween replaces only what lies between the markers, and between reads it back", () => {
  const doc = replaceBetween(DOC, "card", "| a |\n| - |");
  assert.equal(
    doc,
    "# T\n\n<!-- card:begin -->\n\n| a |\n| - |\n\n<!-- card:end -->\n\nafter\n",
  );
  assert.equal(between(doc, "card"), "| a |\n| - |");
  assert.equal(replaceBetween(doc, "card", "old"), DOC);
});

Deno.test("between throws when the doc has no such markers", () => {
  assert.throws(() => between(DOC, "compare"), /no compare markers/);
});
