/**
 * PrairieLearn's external-grader results (`/grade/results/results.json`):
 * the score from 0 to 1 on the rubric, and one test per check.
 *
 * The format is PrairieLearn's "External Grading" page ("Grading results",
 * docs/Dev-Guide/How-To-Guide/externalGrading.md of PrairieLearn/PrairieLearn):
 * `score` a number in [0.0, 1.0] (mandatory when gradable), `gradable`
 * (false: "invalid, not gradable", no points awarded or lost and no attempt
 * used), `format_errors` (a string or an array of strings, when not
 * gradable), `message`, `output`, and `tests`, each with `name`,
 * `description`, `points`, `max_points`, `message` and `output`, as the
 * `<pl-external-grader-results>` element renders them. The file should stay
 * under 1 MB.
 *
 * @module
 */

import { NOT_REACHED, testOutput } from "../class/gradescope.ts";
import {
  type PlatformRun,
  scoredChecks,
  summaryLines,
  testName,
} from "./platform_run.ts";

/** One test of PrairieLearn's results.json. */
export interface PrairieLearnTest {
  /** `webserve.py: hello.get-root`. */
  name: string;
  /** What the check checks. */
  description: string;
  /** Points earned. */
  points: number;
  /** Points possible. */
  max_points: number;
  /** `passed`, or `failed: ` and what came back. */
  message: string;
  /** What the check sent, expected and got. */
  output: string;
}

/** PrairieLearn's results.json for a submission it could grade. */
export interface PrairieLearnGraded {
  /** Always true here. */
  gradable: true;
  /** The fraction of the rubric's points earned, in [0, 1]. */
  score: number;
  /** The score in points, and what went wrong with the servers. */
  message: string;
  /** The same summary, for the output panel. */
  output: string;
  /** One per check. */
  tests: PrairieLearnTest[];
}

/** PrairieLearn's results.json for a submission it cannot grade: no attempt used. */
export interface PrairieLearnNotGradable {
  /** Always false here. */
  gradable: false;
  /** What is wrong with the submission's form, one line each. */
  format_errors: string[];
  /** The same, in one message. */
  message: string;
}

/** Either document. */
export type PrairieLearnResults = PrairieLearnGraded | PrairieLearnNotGradable;

/** Longest test output kept, so that the whole file stays well under PrairieLearn's 1 MB. */
const OUTPUT_CAP = 4000;

function capped(text: string): string {
  return text.length <= OUTPUT_CAP
    ? text
    : `${text.slice(0, OUTPUT_CAP)}\n... (${
      text.length - OUTPUT_CAP
    } more characters cut)`;
}

/** The results.json document for `run`. */
export function prairieLearnResults(run: PlatformRun): PrairieLearnGraded {
  const scored = scoredChecks(run);
  const tests: PrairieLearnTest[] = scored.checks.map(({ check, points }) => {
    if (!check.done) {
      return {
        name: testName(check.pending),
        description: check.pending.title,
        points: 0,
        max_points: points,
        message: NOT_REACHED,
        output: "",
      };
    }
    const passed = check.result.verdict === "pass";
    return {
      name: testName(check.result),
      description: check.result.title,
      points: passed ? points : 0,
      max_points: points,
      message: passed ? "passed" : `failed: got ${check.result.got}`,
      output: capped(testOutput(check.result)),
    };
  });
  for (const { entry, points } of scored.unreached) {
    tests.push({
      name: entry,
      description: `the rubric's entry ${entry}`,
      points: 0,
      max_points: points,
      message: `no check of ${entry} ran, so none of its points were earned`,
      output: "",
    });
  }
  const summary = summaryLines(run).join("\n");
  return {
    gradable: true,
    score: scored.max ? Math.round(scored.earned / scored.max * 1e6) / 1e6 : 0,
    message: summary,
    output: summary,
    tests,
  };
}

/** The document for a submission missing `files`: not gradable, so the student loses no attempt. */
export function notGradable(files: readonly string[]): PrairieLearnNotGradable {
  const errors = files.map((file) =>
    `the submission has no ${file} (it needs webserve.py and webserve_nb.py)`
  );
  return { gradable: false, format_errors: errors, message: errors.join("\n") };
}
