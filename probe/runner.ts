/**
 * Runs checks one after another, each within its own time limit, so a hung
 * server fails that check and the probe goes on. A check whose prerequisite
 * failed (or was itself not run) is not run: its result says which one, and
 * it counts for nothing, as check50's ":|".
 *
 * @module
 */

import {
  type Check,
  CheckContext,
  checkId,
  type Group,
  type Verdict,
} from "./check.ts";
import { raceTimeout, TIMED_OUT } from "./kit.ts";
import {
  notRun,
  noVerdictWithin,
  prerequisiteFailed,
  probeError,
  refused,
} from "./messages.ts";
import type { Target } from "./probe_conn.ts";
import { Deadline, raceDeadline } from "./server_clock.ts";

/** A result's verdict: PASS, FAIL, SKIP (does not apply here), or not run (a prerequisite did not pass). */
export type ResultVerdict = "pass" | "fail" | "skip" | "not run";

/** One check's outcome, as the report card and `--json` show it. */
export interface CheckResult {
  /** `group.name`. */
  id: string;
  /** The check's group. */
  group: Group;
  /** The check's name. */
  name: string;
  /** What it sends and expects. */
  title: string;
  /** The server it ran against, in a submission (`webserve.py`), else unset. */
  server?: string;
  /** PASS, FAIL, SKIP, or not run. */
  verdict: ResultVerdict;
  /** What was sent. */
  sent: string;
  /** What a passing server answers. */
  expected: string;
  /** What came back (for a skip, why it was skipped; not run, why not). */
  got: string;
  /** For a failed byte answer: where it first differs from the expected one. */
  difference?: string;
  /** For a failure: a shell command that sends the same again (the port as `$PORT`). */
  command?: string;
  /** For a failure: what usually causes it. */
  hint?: string;
  /** For a check not run: the id of the failed check at the root of its prerequisites (unset when the server did not start). */
  because?: string;
  /** Milliseconds it took. */
  ms: number;
  /** A figure shown even on a pass (e.g. how long a second client waited). */
  note?: string;
  /** Per-case verdicts, for checks that try several inputs. */
  cases?: Verdict["cases"];
}

/** Hooks for showing progress. */
export interface RunEvents {
  /** A check is about to run (`index` counts from 0). */
  onStart?(check: Check, index: number): void;
  /** A check has its result. */
  onResult?(result: CheckResult, index: number): void;
}

/** After a check's time is up and its connections are closed, how long it may take to wind down. */
const WIND_DOWN_MS = 500;

/** Runs `checks` in order against `target`; a check whose prerequisite did not pass is not run. */
export async function runChecks(
  checks: readonly Check[],
  target: Target,
  events: RunEvents = {},
  server?: string,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  /** Per check that did not pass: the failed check at the root of it (itself, for a failure). */
  const failedRoot = new Map<string, string>();
  for (const [index, check] of checks.entries()) {
    events.onStart?.(check, index);
    const blocker = (check.needs ?? []).find((id) => failedRoot.has(id));
    const root = blocker === undefined ? undefined : failedRoot.get(blocker);
    const result = root === undefined
      ? await runOne(check, target, server)
      : notRunResult(check, server, prerequisiteFailed(root), root);
    if (result.verdict === "fail") failedRoot.set(result.id, result.id);
    if (root !== undefined) failedRoot.set(result.id, root);
    results.push(result);
    events.onResult?.(result, index);
  }
  return results;
}

/** The result of `check` not run, `because` (a clause: "framing.keep-alive failed"); `root` is the failed check's id. */
export function notRunResult(
  check: Check,
  server: string | undefined,
  because: string,
  root?: string,
): CheckResult {
  return {
    ...baseOf(check, server),
    verdict: "not run",
    sent: "",
    got: notRun(because),
    ...(root === undefined ? {} : { because: root }),
    ms: 0,
  };
}

function baseOf(check: Check, server: string | undefined) {
  return {
    id: checkId(check),
    group: check.group,
    name: check.name,
    title: check.title,
    ...(server === undefined ? {} : { server }),
    expected: check.expected,
  };
}

/** Runs one check within its time limit; never throws. */
export async function runOne(
  check: Check,
  target: Target,
  server?: string,
): Promise<CheckResult> {
  const base = baseOf(check, server);
  if (check.skip !== undefined) {
    return { ...base, verdict: "skip", sent: "", got: check.skip, ms: 0 };
  }
  const context = new CheckContext(target);
  const started = performance.now();
  const running = check.run(context).catch((error): Verdict => ({
    pass: false,
    sent: context.sent,
    got: error instanceof Deno.errors.ConnectionRefused
      ? refused(context.host)
      : probeError(error instanceof Error ? error.message : String(error)),
  }));
  const verdict = await raceDeadline(
    running,
    new Deadline(check.timeoutMs, target.clock),
  );
  const ms = performance.now() - started;
  context.close();
  if (verdict === TIMED_OUT) {
    const command = context.commandSoFar();
    await raceTimeout(running, WIND_DOWN_MS);
    return {
      ...base,
      verdict: "fail",
      sent: context.sent,
      got: noVerdictWithin(check.timeoutMs),
      ...(command ? { command } : {}),
      hint: check.hint,
      ms,
    };
  }
  return {
    ...base,
    verdict: verdict.pass ? "pass" : "fail",
    sent: verdict.sent,
    ...(verdict.expected ? { expected: verdict.expected } : {}),
    got: verdict.got,
    ...(verdict.pass ? {} : {
      ...(verdict.difference ? { difference: verdict.difference } : {}),
      ...(verdict.command ? { command: verdict.command } : {}),
      hint: verdict.hint ?? check.hint,
    }),
    ms,
    ...(verdict.note ? { note: verdict.note } : {}),
    ...(verdict.cases ? { cases: verdict.cases } : {}),
  };
}
