/**
 * Runs checks one after another, each within its own time limit, so a hung
 * server fails that check and the probe goes on.
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
import type { Target } from "./probe_conn.ts";
import { seconds } from "./requests.ts";

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
  /** PASS, FAIL, or SKIP (does not apply here). */
  verdict: "pass" | "fail" | "skip";
  /** What was sent. */
  sent: string;
  /** What a passing server answers. */
  expected: string;
  /** What came back (for a skip, why it was skipped). */
  got: string;
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

/** Runs `checks` in order against `target`. */
export async function runChecks(
  checks: readonly Check[],
  target: Target,
  events: RunEvents = {},
  server?: string,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [index, check] of checks.entries()) {
    events.onStart?.(check, index);
    const result = await runOne(check, target, server);
    results.push(result);
    events.onResult?.(result, index);
  }
  return results;
}

/** Runs one check within its time limit; never throws. */
export async function runOne(
  check: Check,
  target: Target,
  server?: string,
): Promise<CheckResult> {
  const base = {
    id: checkId(check),
    group: check.group,
    name: check.name,
    title: check.title,
    ...(server === undefined ? {} : { server }),
    expected: check.expected,
  };
  if (check.skip !== undefined) {
    return { ...base, verdict: "skip", sent: "", got: check.skip, ms: 0 };
  }
  const context = new CheckContext(target);
  const started = performance.now();
  const running = check.run(context).catch((error): Verdict => ({
    pass: false,
    sent: "",
    got: `the check could not go on: ${
      error instanceof Error ? error.message : String(error)
    }`,
  }));
  const verdict = await raceTimeout(running, check.timeoutMs);
  const ms = performance.now() - started;
  context.close();
  if (verdict === TIMED_OUT) {
    await raceTimeout(running, WIND_DOWN_MS);
    return {
      ...base,
      verdict: "fail",
      sent: context.sent,
      got: `no verdict within ${
        seconds(check.timeoutMs)
      } (the check's time limit)`,
      ms,
    };
  }
  return {
    ...base,
    verdict: verdict.pass ? "pass" : "fail",
    sent: verdict.sent,
    got: verdict.got,
    ms,
    ...(verdict.note ? { note: verdict.note } : {}),
    ...(verdict.cases ? { cases: verdict.cases } : {}),
  };
}
