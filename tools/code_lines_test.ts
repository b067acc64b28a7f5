import assert from "node:assert/strict";
import { countCodeLines } from "./code_lines.ts";

Deno.test("countCodeLines counts code, not blank lines or comments", () => {
  const text = [
    "/**",
    " * A doc comment: not code.",
    " */",
    "",
    "// a line comment",
    "const a = 1; // code with a comment",
    "/* a block on one line */",
    "/* a block",
    "   over lines */ const b = 2;",
    "function f() {",
    "  return a + b;",
    "}",
    "",
  ].join("\n");
  assert.equal(countCodeLines(text), 5);
});

Deno.test("countCodeLines of an empty text is 0", () => {
  assert.equal(countCodeLines(""), 0);
});
