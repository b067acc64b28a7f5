/**
 * Gradescope's autograder results (`/autograder/results/results.json`): the
 * score, and one test per check with its share of the rubric's points, its
 * status and what was sent and came back.
 *
 * The format is Gradescope's "Autograder Specifications" (docs/specs.md of
 * gradescope/autograder_samples, "Output format"): top-level `score` (it
 * overrides the tests' total, so it is set to exactly that total),
 * `execution_time` in seconds, `output`, the formats of the output and the
 * test names and outputs (`text`: nothing a submission printed is rendered as
 * HTML; the top-level default, `simple_format`, would), `stdout_visibility`
 * and per test `name`, `score`, `max_score`, `status` (`passed` or `failed`),
 * `output` and `visibility` (`visible`, `after_due_date`, `after_published`,
 * `hidden`: "Controlling Test Case Visibility").
 *
 * @module
 */

import { resultText } from "../report.ts";
import type { CheckResult } from "../runner.ts";
import {
  type PlatformRun,
  scoredChecks,
  summaryLines,
  testName,
} from "../platforms/platform_run.ts";

/** Gradescope's visibility settings, for tests and for stdout. */
export const VISIBILITIES = [
  "visible",
  "after_due_date",
  "after_published",
  "hidden",
] as const;

/** One of {@link VISIBILITIES}. */
export type Visibility = typeof VISIBILITIES[number];

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
  /** What the check sent, expected and got. */
  output: string;
  /** When the student sees it (absent: Gradescope's default, `visible`). */
  visibility?: Visibility;
}

/** Gradescope's results.json. */
export interface GradescopeResults {
  /** The total score: the sum of the tests' scores. */
  score: number;
  /** Seconds the grading took. */
  execution_time: number;
  /** The whole run, in a line or two. */
  output: string;
  /** How `output` is shown: as plain text. */
  output_format: "text";
  /** How the tests' outputs are shown: as plain text. */
  test_output_format: "text";
  /** How the tests' names are shown: as plain text. */
  test_name_format: "text";
  /** When the student sees the autograder's stdout (absent: Gradescope's default, hidden). */
  stdout_visibility?: Visibility;
  /** One per check. */
  tests: GradescopeTest[];
}

/** A test's output: what the check sent, expected and got; for a failure, where it differs, a command to try and a hint (the card's own words, `report.ts`). */
export function testOutput(result: CheckResult): string {
  return resultText(result);
}

/** The output of a check the grading did not reach. */
export const NOT_REACHED =
  "not reached: the grading stopped before this check (it scores 0)";

/** The results.json document for `run`, with `visibility` on the tests and stdout if given. */
export function gradescopeResults(
  run: PlatformRun,
  visibility?: Visibility,
): GradescopeResults {
  const scored = scoredChecks(run);
  const shown = visibility ? { visibility } : {};
  const tests: GradescopeTest[] = scored.checks.map(({ check, points }) => {
    const passed = check.done && check.result.verdict === "pass";
    return {
      name: testName(check.done ? check.result : check.pending),
      score: passed ? points : 0,
      max_score: points,
      status: passed ? "passed" : "failed",
      output: check.done
        ? testOutput(check.result)
        : `${check.pending.title}\n${NOT_REACHED}`,
      ...shown,
    };
  });
  for (const { entry, points } of scored.unreached) {
    tests.push({
      name: entry,
      score: 0,
      max_score: points,
      status: "failed",
      output: `no check of ${entry} ran, so none of its points were earned`,
      ...shown,
    });
  }
  return {
    score: scored.earned,
    execution_time: Math.round(run.seconds),
    output: summaryLines(run).join("\n"),
    output_format: "text",
    test_output_format: "text",
    test_name_format: "text",
    ...(visibility ? { stdout_visibility: visibility } : {}),
    tests,
  };
}
