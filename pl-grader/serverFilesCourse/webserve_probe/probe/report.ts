/**
 * The report card: one line per check (PASS, FAIL or SKIP), a line on what
 * was sent and what came back under each failure, a summary grouped like the
 * brief's rubric, and the same facts as JSON for `--json`. Pure functions of
 * the results, so the card reads the same in a test as in a terminal.
 *
 * @module
 */

import type { Group } from "./check.ts";
import type { CapturedOutput } from "./capture.ts";
import type { Limits } from "./class/limits.ts";
import type { Leftover } from "./class/reap.ts";
import type { Stopped } from "./launch.ts";
import type { CheckResult } from "./runner.ts";

/** How to print: colour or not (`terminal.ts` decides). */
export interface Style {
  /** Use ANSI colours. */
  color: boolean;
}

const CODES = {
  pass: "32",
  fail: "31",
  skip: "33",
  bold: "1",
  dim: "2",
} as const;

function paint(style: Style, code: keyof typeof CODES, text: string): string {
  return style.color ? `\x1b[${CODES[code]}m${text}\x1b[0m` : text;
}

const TAGS = { pass: "PASS", fail: "FAIL", skip: "SKIP" } as const;

/** The width of the check-name column. */
const NAME_WIDTH = 30;

/** One check as it stands on the card: its line, and for a failure, what was sent and what came back. */
export function resultLines(
  result: CheckResult,
  style: Style,
  indent = "    ",
): string[] {
  const tag = paint(style, result.verdict, TAGS[result.verdict]);
  const line = `${indent}${tag}  ${
    result.name.padEnd(NAME_WIDTH)
  } ${result.title}`;
  if (result.verdict === "pass") {
    return [
      result.note ? `${line}: ${paint(style, "dim", result.note)}` : line,
    ];
  }
  if (result.verdict === "skip") {
    return [`${line}: ${paint(style, "dim", result.got)}`];
  }
  const sent = result.sent ? `sent ${result.sent}; ` : "";
  return [
    line,
    `${indent}      ${paint(style, "dim", `${sent}got ${result.got}`)}`,
  ];
}

/** A group's heading on the card. */
export function groupHeading(
  group: Group,
  style: Style,
  indent = "  ",
): string {
  return `${indent}${paint(style, "bold", group)}`;
}

/** A rubric line of the brief, and which checks speak to it. */
export interface RubricLine {
  /** The brief's requirement, in a few words. */
  title: string;
  /** True for the checks that speak to it. */
  covers(result: { group: Group; name: string }): boolean;
  /** Said when none of its checks ran. */
  notRun?: string;
}

/** The brief's rubric, as the summary groups it. */
export const RUBRIC: readonly RubricLine[] = [
  {
    title: "GET and POST answered with hello, $URL",
    covers: (r) => r.group === "hello" && r.name !== "query-ignored",
  },
  {
    title: "Query strings and POST data read and ignored",
    covers: (r) =>
      r.group === "bodies" ||
      (r.group === "hello" && r.name === "query-ignored"),
  },
  {
    title: "Firefox can talk to it (HTTP/1.1 as clients send it)",
    covers: (r) => r.group === "framing",
  },
  {
    title: "A proper HTTP response, whatever comes in",
    covers: (r) => r.group === "responses",
  },
  {
    title: "Blocking and non-blocking, each as it should",
    covers: (r) => r.group === "concurrency",
  },
  {
    title: "Importable scripts, one shared handle_connection",
    covers: (r) => r.group === "structure",
    notRun: "not run (--submission DIR checks it)",
  },
];

/** Passed, failed and skipped counts of `results`. */
export function tally(
  results: readonly CheckResult[],
): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((r) => r.verdict === "pass").length,
    failed: results.filter((r) => r.verdict === "fail").length,
    skipped: results.filter((r) => r.verdict === "skip").length,
  };
}

/** The last line: `27/30 checks passed, 2 skipped`. */
export function countLine(
  results: readonly CheckResult[],
  style: Style,
): string {
  const { passed, failed, skipped } = tally(results);
  const text = `${passed}/${passed + failed} checks passed${
    skipped ? `, ${skipped} skipped` : ""
  }`;
  return paint(style, "bold", paint(style, failed ? "fail" : "pass", text));
}

/** The summary, one line per rubric line, then the count. */
export function summaryLines(
  results: readonly CheckResult[],
  style: Style,
): string[] {
  const width = Math.max(...RUBRIC.map((line) => line.title.length));
  const lines = [paint(style, "bold", "Summary, by the brief's rubric")];
  for (const rubric of RUBRIC) {
    const covered = results.filter((r) => rubric.covers(r));
    const { passed, failed, skipped } = tally(covered);
    const verdict = failed ? "fail" : passed ? "pass" : "skip";
    const tag = passed + failed === 0
      ? paint(style, "dim", "----")
      : paint(style, verdict, TAGS[verdict]);
    const count = passed + failed === 0
      ? skipped ? `skipped (${skipped})` : rubric.notRun ?? "not run"
      : `${passed}/${passed + failed}${skipped ? `, ${skipped} skipped` : ""}`;
    lines.push(`  ${tag}  ${rubric.title.padEnd(width)}  ${count}`);
  }
  lines.push(countLine(results, style));
  return lines;
}

/** The count shown on stderr while checks run. */
export function progressLine(
  done: number,
  total: number,
  what: string,
): string {
  return `[${done}/${total}] ${what}`;
}

/** A server as the JSON report tells it. */
export interface ServerReport {
  /** How the card names it: the URL, the command, or the file. */
  label: string;
  /** `blocking`, `nb`, or unknown. */
  kind?: string;
  /** The command the probe started it with, if it did. */
  command?: string;
  /** How it ended, if the probe started it. */
  stopped?: Stopped;
  /** Why it could not be probed, if so. */
  error?: string;
  /** Its stdout and stderr (the first and the last KiB), if the probe started it. */
  output?: { stdout: CapturedOutput; stderr: CapturedOutput };
}

/** The whole run, for `--json`. */
export interface RunReport {
  /** `url`, `start` or `submission`. */
  mode: string;
  /** What was probed, as given on the command line. */
  target: string;
  /** The servers probed. */
  servers: ServerReport[];
  /** Every check, in order. */
  results: CheckResult[];
  /** The limits the submission's programs ran under (`--limits`), if any. */
  limits?: Limits;
  /** Processes of the submission left running at the end and killed (inside its own PID namespace). */
  leftovers?: Leftover[];
}

/** The JSON document `--json` writes. */
export function jsonReport(run: RunReport): string {
  const counts = tally(run.results);
  return JSON.stringify(
    {
      probe: "deno task probe",
      mode: run.mode,
      target: run.target,
      servers: run.servers,
      ...(run.limits ? { limits: run.limits } : {}),
      ...(run.leftovers ? { leftovers: run.leftovers } : {}),
      checks: run.results.map((r) => ({ ...r, ms: Math.round(r.ms) })),
      summary: {
        ...counts,
        total: run.results.length,
        rubric: RUBRIC.map((line) => {
          const covered = run.results.filter((r) => line.covers(r));
          return { title: line.title, ...tally(covered) };
        }),
      },
    },
    null,
    2,
  ) + "\n";
}
