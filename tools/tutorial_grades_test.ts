import assert from "node:assert/strict";
import {
  between,
  cardCell,
  type CheckOutcome,
  differingColumns,
  fixFirstCell,
  replaceBetween,
  STEP_SERVERS,
} from "./tutorial_grades.ts";

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

/** A check of the probe's `--json` with `verdict`. */
function check(name: string, verdict: string): CheckOutcome {
  return { id: `hello.${name}`, group: "hello", name, verdict };
}

Deno.test("cardCell counts checks passed of those run, leaves out the skipped, and says how many were not run", () => {
  assert.equal(
    cardCell([check("a", "pass"), check("b", "fail"), check("c", "skip")]),
    "1/2",
  );
  assert.equal(
    cardCell([
      check("a", "fail"),
      check("b", "not run"),
      check("c", "not run"),
    ]),
    "0/1, 2 not run",
  );
  assert.equal(cardCell([]), "0/0");
});

Deno.test("fixFirstCell names the check the probe says to fix first, else the first that failed, else none", () => {
  const checks = [check("a", "pass"), check("b", "fail"), check("c", "fail")];
  assert.equal(fixFirstCell({ checks, fixFirst: { id: "hello.c" } }), "`c`");
  assert.equal(fixFirstCell({ checks }), "`b`");
  assert.equal(fixFirstCell({ checks: [check("a", "pass")] }), "none");
});

Deno.test("differingColumns names the steps whose cells differ between two cards", () => {
  const card = (cells: string[]) =>
    `| group | ${cells.join(" | ")} |\n| all | ${cells.join(" | ")} |`;
  const columns = STEP_SERVERS.map(() => "1/1");
  assert.deepEqual(differingColumns(card(columns), card(columns)), []);
  const changed = columns.map((cell, i) => i === 2 ? "0/1" : cell);
  assert.deepEqual(differingColumns(card(columns), card(changed)), [2]);
  assert.deepEqual(
    differingColumns(card(columns), "| group |"),
    STEP_SERVERS.map((_, i) => i),
  );
});
