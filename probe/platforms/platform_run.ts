/**
 * What every platform's results document is made from: the checks done so
 * far, those not reached yet (a document written while the grading runs is
 * still true if the grading is stopped), the servers' fates, the rubric and
 * the time taken. One function per platform turns it into that platform's
 * JSON (`gradescope.ts`, `prairielearn_results.ts`); `results_file.ts`
 * writes it after every check.
 *
 * @module
 */

import type { Rubric } from "../class/rubric.ts";
import type { ServerReport } from "../report.ts";
import type { CheckResult } from "../runner.ts";
import { type Share, shares, sumPoints } from "./check_points.ts";

/** A check that has not run yet. */
export interface PendingCheck {
  /** `group.name`. */
  id: string;
  /** Its group. */
  group: string;
  /** What it checks, in a sentence. */
  title: string;
  /** The server it is for (`webserve.py`), if any. */
  server?: string;
}

/** One grading run, done or under way. */
export interface PlatformRun {
  /** The points. */
  rubric: Rubric;
  /** The checks done, in order. */
  results: readonly CheckResult[];
  /** The checks not reached yet (empty once the run is over). */
  pending: readonly PendingCheck[];
  /** The servers, and how each started and stopped. */
  servers: readonly ServerReport[];
  /** Seconds since the grading started. */
  seconds: number;
  /** The probe's version (`probe_files.ts`), if known. */
  version?: string;
  /** Lines the student should read about how the run was made (the sandbox's fallback). */
  notes?: readonly string[];
}

/** One test of a platform's document: a check, done or not reached. */
export type PlatformCheck =
  | { done: true; result: CheckResult }
  | { done: false; pending: PendingCheck };

/** The test name a platform shows: `webserve.py: hello.get-root`. */
export function testName(check: { id: string; server?: string }): string {
  return `${check.server ? `${check.server}: ` : ""}${check.id}`;
}

/** Every check of `run` with its share of the rubric (skips left out), and the total earned. */
export function scoredChecks(run: PlatformRun): {
  checks: Share<PlatformCheck>[];
  earned: number;
  max: number;
  passed: number;
  unreached: { entry: string; points: number }[];
} {
  const all: (PlatformCheck & { id: string; group: string })[] = [
    ...run.results.filter((r) => r.verdict !== "skip").map((result) => ({
      done: true as const,
      result,
      id: result.id,
      group: result.group,
    })),
    ...run.pending.map((pending) => ({
      done: false as const,
      pending,
      id: pending.id,
      group: pending.group,
    })),
  ];
  const split = shares(run.rubric, all);
  const passed = split.shares.filter((s) =>
    s.check.done && s.check.result.verdict === "pass"
  );
  return {
    checks: split.shares,
    earned: sumPoints(passed.map((s) => s.points)),
    max: sumPoints([
      ...split.shares.map((s) => s.points),
      ...split.unreached.map((u) => u.points),
    ]),
    passed: passed.length,
    unreached: split.unreached,
  };
}

/** The lines every platform's summary starts with: the score, and what went wrong with the servers. */
export function summaryLines(run: PlatformRun): string[] {
  const scored = scoredChecks(run);
  const total = scored.checks.length;
  const version = run.version ? `, version ${run.version}` : "";
  const problems = run.servers.filter((s) =>
    s.error || s.stopped?.clean === false
  ).map((s) => `${s.label}: ${s.error ?? s.stopped?.how}`);
  const stopped = run.pending.length
    ? [
      `The grading stopped after ${
        total - run.pending.length
      } of ${total} checks, before the end (a time limit, or the grader failed): the checks it did not reach score 0.`,
    ]
    : [];
  return [
    ...stopped,
    `${scored.earned}/${scored.max} points; ${scored.passed}/${total} checks passed (deno task probe${version})`,
    ...problems,
    ...run.notes ?? [],
  ];
}
