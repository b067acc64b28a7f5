/**
 * Gradescope's autograder results (`/autograder/results/results.json`): the
 * score, and one test per check with its share of the rubric's points, its
 * status and what was sent and came back.
 *
 * @module
 */

import { resultText, type ServerReport } from "../report.ts";
import type { CheckResult } from "../runner.ts";
import { entryOf, type Rubric, score } from "./rubric.ts";

/** Points to four places, so that the tests' points add up to the rubric's. */
function fine(points: number): number {
  return Math.round(points * 10_000) / 10_000;
}

/** One test of Gradescope's results.json. */
export interface GradescopeTest {
  /** `webserve.py: hello.get-root`. */
  name: string;
  /** Points earned. */
  score: number;
  /** Points possible. */
  max_score: number;
  /** `passed` or `failed`. */
  status: "passed" | "failed";
  /** What the check sent, expected and got; for a failure, where it differs, a command to try and a hint. */
  output: string;
}

/** Gradescope's results.json. */
export interface GradescopeResults {
  /** The total score. */
  score: number;
  /** The whole run, in a line or two. */
  output: string;
  /** One per check. */
  tests: GradescopeTest[];
}

/** The results.json document for `results` on `rubric`; `notes` are lines for its output (the sandbox's fallback). */
export function gradescopeResults(
  rubric: Rubric,
  results: readonly CheckResult[],
  servers: readonly ServerReport[],
  notes: readonly string[] = [],
): GradescopeResults {
  const scored = score(rubric, results);
  const shareOf = new Map(
    scored.entries.map((entry) => [
      entry.name,
      entry.total ? entry.max / entry.total : 0,
    ]),
  );
  const tests: GradescopeTest[] = [];
  for (const result of results) {
    if (result.verdict === "skip") continue;
    const entry = entryOf(rubric, result);
    const share = entry === undefined ? 0 : shareOf.get(entry) ?? 0;
    const passed = result.verdict === "pass";
    tests.push({
      name: `${result.server ? `${result.server}: ` : ""}${result.id}`,
      score: passed ? fine(share) : 0,
      max_score: fine(share),
      status: passed ? "passed" : "failed",
      output: resultText(result),
    });
  }
  const problems = servers.filter((s) => s.error || s.stopped?.clean === false)
    .map((s) => `${s.label}: ${s.error ?? s.stopped?.how}`);
  return {
    score: scored.score,
    output: [
      `${scored.score}/${scored.max} points; ${
        tests.filter((t) => t.status === "passed").length
      }/${tests.length} checks passed (deno task probe)`,
      ...problems,
      ...notes,
    ].join("\n"),
    tests,
  };
}

/** Writes the results.json for `results` on `rubric` to `path`. */
export async function writeGradescope(
  path: string,
  rubric: Rubric,
  results: readonly CheckResult[],
  servers: readonly ServerReport[],
  notes: readonly string[] = [],
): Promise<void> {
  await Deno.writeTextFile(
    path,
    JSON.stringify(
      gradescopeResults(rubric, results, servers, notes),
      null,
      2,
    ) +
      "\n",
  );
}
