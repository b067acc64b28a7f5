/**
 * One student's grade: the score on the rubric, a one-line reason, and what
 * the box contained (limits hit, output cut, processes killed), from the
 * inner probe's JSON and the box's own account of the run.
 *
 * @module
 */

import type { CapturedOutput } from "../capture.ts";
import type { ServerReport } from "../report.ts";
import type { CheckResult } from "../runner.ts";
import type { Limits } from "./limits.ts";
import { type EntryScore, failedName, type Rubric, score } from "./rubric.ts";
import { BOX_MEMORY, type BoxedRun } from "./sandbox.ts";

/** One student's result, as `<student>.json` holds it. */
export interface StudentResult {
  /** The student's name (the entry's name). */
  student: string;
  /** `graded`: the probe ran; `refused`: nothing to run (the reason says why); `error`: the grading itself failed. */
  status: "graded" | "refused" | "error";
  /** Points earned. */
  score: number;
  /** Points possible. */
  max_score: number;
  /** One line: why the score is what it is. */
  reason: string;
  /** Points per rubric entry. */
  entries: EntryScore[];
  /** The failed checks, as `server:group.check`. */
  failed: string[];
  /** What the box contained: limits hit, output cut, processes killed. */
  contained: string[];
  /** The limits in force, and the wall clock. */
  limits?: Limits & { wall_ms: number };
  /** The isolation used, in words. */
  isolation: string;
  /** A SHA-256 of the submission's files (for --resume). */
  hash: string;
  /** Where the files were: `zip`, `folder`, and the folder one deeper if nested. */
  source: { type: "folder" | "zip"; nested?: string };
  /** Seconds the run took. */
  seconds: number;
  /** The whole probe result (what `--json` writes), when the probe ran. */
  probe?: ProbeJson;
  /** The inner probe's own output, when it went wrong. */
  probe_output?: { stdout: CapturedOutput; stderr: CapturedOutput };
  /** How many processes the box's memory cgroup still held after the run, killed. */
  escaped?: number;
}

/** The part of the probe's `--json` document read here. */
export interface ProbeJson {
  /** The servers, with how they ended and their output. */
  servers: ServerReport[];
  /** Every check. */
  checks: CheckResult[];
}

/** Which server a report is for: `webserve.py`. */
function serverFile(report: ServerReport): string {
  return report.label.split(" ")[0];
}

/** A launch error, without the command's paths and ports, and only the last line of its stderr (a traceback's exception). */
function shortError(error: string): string {
  const [said, stderr] = error.split("; its last stderr lines: ", 2);
  const short = said.replace(/^python3 (\S+\.py) \d+ /, "").replace(
    /on port \d+/,
    "on the port it was given",
  );
  const last = stderr?.split(" | ").map((line) => line.trim()).filter(Boolean)
    .pop();
  return last ? `${short}; its stderr ends: ${last.slice(0, 160)}` : short;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}

/** What the box contained, in lines, from the probe's report. */
export function containedLines(
  probe: ProbeJson | undefined,
  run: Pick<BoxedRun, "escaped" | "wallClockHit" | "oomKills">,
  wallMs: number,
): string[] {
  const lines: string[] = [];
  for (const server of probe?.servers ?? []) {
    const file = serverFile(server);
    const out = server.output;
    for (const stream of ["stdout", "stderr"] as const) {
      const captured = out?.[stream];
      if (captured && captured.bytes > 2048) {
        lines.push(
          `${file} wrote ${
            mb(captured.bytes)
          } to ${stream}; the first and the last KiB are kept`,
        );
      }
    }
    const stderr = `${out?.stderr.first ?? ""}${out?.stderr.last ?? ""}`;
    if (/MemoryError/.test(stderr)) {
      lines.push(
        `${file} ran out of address space (MemoryError under the limit)`,
      );
    }
    const how = server.stopped?.how ?? "";
    if (/SIGXCPU/.test(how)) lines.push(`${file} hit the CPU-time limit`);
    if (/SIGXFSZ/.test(how)) lines.push(`${file} hit the file-size limit`);
    if (/No space left on device/.test(stderr)) {
      lines.push(`${file} filled its sandbox's disk (No space left on device)`);
    }
    if (
      /Resource temporarily unavailable/.test(stderr) &&
      /fork|thread/.test(stderr)
    ) {
      lines.push(`${file} hit the process-count limit (a fork failed)`);
    }
    const killed = server.stopped?.killed ?? [];
    if (killed.length) {
      lines.push(
        `${file} had ${
          plural(killed.length, "other process", "other processes")
        } (children ignoring SIGTERM, daemons, forks), killed with it: ${
          killed.join(" | ").slice(0, 200)
        }`,
      );
    }
    if (server.stopped && /did not stop within/.test(how)) {
      lines.push(`${file} ignored SIGTERM: killed`);
    }
  }
  if (run.escaped) {
    lines.push(
      `${
        plural(run.escaped, "process", "processes")
      } outlived the run in the box's memory cgroup: killed`,
    );
  }
  if (run.oomKills) {
    lines.push(
      `the box reached its memory cap of ${mb(BOX_MEMORY)}: the kernel killed ${
        plural(run.oomKills, "process", "processes")
      }`,
    );
  }
  if (run.wallClockHit) {
    lines.push(
      `the run passed the wall-clock limit of ${wallMs / 1000} s: killed`,
    );
  }
  return lines;
}

/** The one-line reason for a graded submission's score. */
export function reasonOf(
  probe: ProbeJson,
  failed: string[],
  total: number,
  notRun = 0,
): string {
  const notStarted = probe.servers.filter((s) => s.error).map((s) =>
    `${serverFile(s)}: ${shortError(s.error ?? "")}`
  );
  const parts: string[] = [];
  if (notStarted.length) parts.push(...notStarted);
  if (failed.length === 0 && notRun === 0) return "every check passed";
  const shown = failed.slice(0, 4).join(", ");
  if (failed.length) {
    parts.push(
      `failed ${failed.length} of ${total} checks: ${shown}${
        failed.length > 4 ? `, and ${failed.length - 4} more` : ""
      }`,
    );
  }
  if (notRun) parts.push(`${notRun} not run`); // their prerequisite failed, or their server did not start
  return parts.join("; ");
}

/** The result of a run of the box, scored on `rubric`. */
export function gradeRun(
  base: Pick<
    StudentResult,
    "student" | "isolation" | "hash" | "source" | "limits"
  >,
  run: BoxedRun,
  rubric: Rubric,
  wallMs: number,
): StudentResult {
  const probe = run.json as ProbeJson | undefined;
  const contained = containedLines(probe, run, wallMs);
  const common = {
    ...base,
    seconds: Math.round(run.ms / 100) / 10,
    contained,
    ...(run.escaped ? { escaped: run.escaped } : {}),
  };
  if (probe === undefined || !Array.isArray(probe.checks)) {
    const empty = score(rubric, []);
    return {
      ...common,
      status: run.wallClockHit ? "graded" : "error",
      score: 0,
      max_score: empty.max,
      reason: run.wallClockHit
        ? `the whole submission ran past the wall-clock limit of ${
          wallMs / 1000
        } s`
        : `the probe itself failed (exit ${run.code}): ${
          run.output.stderr.last || run.output.stderr.first
        }`.split("\n").filter(Boolean).slice(0, 2).join(" | "),
      entries: empty.entries,
      failed: [],
      probe_output: run.output,
    };
  }
  const scored = score(rubric, probe.checks);
  const failed = probe.checks.filter((c) => c.verdict === "fail").map(
    failedName,
  );
  const ran = probe.checks.filter((c) => c.verdict !== "skip").length;
  const notRun = probe.checks.filter((c) => c.verdict === "not run").length;
  const reason = reasonOf(probe, failed, ran, notRun);
  return {
    ...common,
    status: "graded",
    score: scored.score,
    max_score: scored.max,
    reason: contained.length
      ? `${reason}; contained: ${contained[0]}${
        contained.length > 1 ? `, and ${contained.length - 1} more` : ""
      }`
      : reason,
    entries: scored.entries,
    failed,
    probe,
  };
}

/** The result for a submission with nothing to run. */
export function refusedResult(
  base: Pick<StudentResult, "student" | "isolation" | "hash" | "source">,
  reason: string,
  rubric: Rubric,
): StudentResult {
  const empty = score(rubric, []);
  return {
    ...base,
    status: "refused",
    score: 0,
    max_score: empty.max,
    reason,
    entries: empty.entries,
    failed: [],
    contained: [],
    seconds: 0,
  };
}
