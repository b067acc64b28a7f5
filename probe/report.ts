/**
 * The report card. It opens with "Fix this first": the first failure no
 * other explains, with what usually causes it. Then one line per check
 * (PASS, FAIL, SKIP, or `----` for a check not run because a prerequisite
 * did not pass), under each failure what was sent, expected and got, where
 * a byte answer first differs and a command to try it; then a summary
 * grouped like the brief's rubric. `--json` holds the same facts. Pure
 * functions of the results, so the card reads the same in a test as in a
 * terminal.
 *
 * @module
 */

import type { Group } from "./check.ts";
import type { CapturedOutput } from "./capture.ts";
import type { Limits } from "./class/limits.ts";
import type { Stopped } from "./launch.ts";
import type { CheckResult } from "./runner.ts";
import {
  checksPassed,
  explains as explainsText,
  rubricCount,
} from "./messages.ts";

/** How to print: colour or not (`terminal.ts` decides). */
export interface Style {
  /** Use ANSI colours. */
  color: boolean;
}

const CODES = {
  pass: "32",
  fail: "31",
  skip: "33",
  "not run": "2",
  bold: "1",
  dim: "2",
} as const;

function paint(style: Style, code: keyof typeof CODES, text: string): string {
  return style.color ? `\x1b[${CODES[code]}m${text}\x1b[0m` : text;
}

/** Each verdict's mark on the card: a check not run gets dashes, never FAIL (check50's ":|"). */
const TAGS = {
  pass: "PASS",
  fail: "FAIL",
  skip: "SKIP",
  "not run": "----",
} as const;

/** The width of the check-name column. */
const NAME_WIDTH = 30;

/** The width of a failure's labels (`expected:`). */
const LABEL_WIDTH = 10;

/**
 * What a result shows besides its line, as labelled lines: for a failure
 * what was sent, expected and got, where a byte answer first differs, a
 * command that does it again, and (with `hint`) what usually causes it; for
 * a pass what was sent, expected and got; for a check not run, why not. The
 * card, `report.html` and Gradescope's output all show these.
 */
export function resultDetails(
  result: CheckResult,
  hint = true,
): [label: string, text: string][] {
  if (result.verdict === "not run" || result.verdict === "skip") {
    return [["expected", result.expected], ["got", result.got]];
  }
  const details: [string, string][] = [];
  if (result.sent) details.push(["sent", result.sent]);
  details.push(["expected", result.expected], ["got", result.got]);
  if (result.verdict === "pass") return details;
  if (result.difference) details.push(["differs", result.difference]);
  if (result.command) details.push(["try", result.command]);
  if (hint && result.hint) details.push(["hint", result.hint]);
  return details;
}

/** A result as plain text: its id and title, then its details, one per line (Gradescope's per-test output). */
export function resultText(result: CheckResult): string {
  return [
    result.title,
    ...resultDetails(result).map(([label, text]) => `${label}: ${text}`),
  ].join("\n");
}

/** Labelled lines, the labels aligned and dimmed. */
function labelled(
  details: [string, string][],
  style: Style,
  indent: string,
): string[] {
  return details.map(([label, text]) =>
    `${indent}${paint(style, "dim", `${label}:`.padEnd(LABEL_WIDTH))}${text}`
  );
}

/** One check as it stands on the card: its line, and for a failure what was sent, expected and got, and how to try it. */
export function resultLines(
  result: CheckResult,
  style: Style,
  indent = "    ",
): string[] {
  const tag = paint(style, result.verdict, TAGS[result.verdict]);
  const name = result.name.padEnd(NAME_WIDTH);
  if (result.verdict === "not run") {
    return [`${indent}${tag}  ${name} ${paint(style, "dim", result.got)}`];
  }
  const line = `${indent}${tag}  ${name} ${result.title}`;
  if (result.verdict === "pass") {
    return [
      result.note ? `${line}: ${paint(style, "dim", result.note)}` : line,
    ];
  }
  if (result.verdict === "skip") {
    return [`${line}: ${paint(style, "dim", result.got)}`];
  }
  return [
    line,
    ...labelled(resultDetails(result, false), style, `${indent}      `),
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

/** What the card opens with: the one failure to fix first, and what it explains. */
export type FixFirst =
  | {
    /** The first failed check that no other failure explains. */
    result: CheckResult;
    /** How many checks were not run because of it (on any server). */
    explained: number;
    /** The other servers on which the same check fails. */
    alsoOn: string[];
  }
  | {
    /** A server that did not start, before any failure. */
    server: string;
    /** Why it did not start. */
    error: string;
    /** How many checks were not run because of it. */
    explained: number;
    alsoOn: string[];
  };

/**
 * The first failure in the order the checks ran, which no other failure
 * explains (a check whose prerequisite failed is not run, so it cannot be
 * it): a failed check, or a server that did not start. Undefined when
 * nothing failed.
 */
export function fixFirst(
  results: readonly CheckResult[],
  servers: readonly ServerReport[] = [],
): FixFirst | undefined {
  const first = results.find((r) =>
    r.verdict === "fail" || (r.verdict === "not run" && !r.because)
  );
  if (first === undefined) return undefined;
  if (first.verdict === "not run") {
    const server = first.server ?? "the server";
    return {
      server,
      error: servers.find((s) => s.label.split(" ")[0] === first.server)
        ?.error ?? first.got,
      explained: results.filter((r) =>
        r.verdict === "not run" && r.server === first.server
      ).length,
      alsoOn: [],
    };
  }
  return {
    result: first,
    explained: results.filter((r) => r.because === first.id).length,
    alsoOn: results.filter((r) =>
      r !== first && r.id === first.id && r.verdict === "fail" && r.server
    ).map((r) => r.server as string),
  };
}

/** The card's opening block: "Fix this first", the failure with its hint, and what else it explains. */
export function fixFirstLines(fix: FixFirst, style: Style): string[] {
  const heading = paint(style, "bold", "Fix this first");
  const explains = explainsNote(fix);
  if ("server" in fix) {
    return [
      `${heading}: ${fix.server} did not start`,
      `  ${fix.error}`,
      ...(explains ? [`  (${explains})`] : []),
    ];
  }
  const { result } = fix;
  const where = result.server ? ` on ${result.server}` : "";
  return [
    `${heading}: ${paint(style, "fail", result.id)}${where}`,
    `  ${result.title}`,
    ...labelled(resultDetails(result), style, "  "),
    ...(explains ? [`  (${explains})`] : []),
  ];
}

function explainsNote(fix: FixFirst): string {
  return explainsText(fix.explained, fix.alsoOn);
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

/** The brief's rubric, as the summary groups it: one line per group, the rules beyond the brief last but the structure. */
export const RUBRIC: readonly RubricLine[] = [
  {
    title: "GET and POST answered with hello, $URL, the query ignored",
    covers: (r) => r.group === "hello",
  },
  {
    title: "Firefox can talk to it (HTTP/1.1 as clients send it)",
    covers: (r) => r.group === "framing",
  },
  {
    title: "POST data read and ignored",
    covers: (r) => r.group === "bodies",
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
    title: "Beyond the brief: HEAD, as RFC 9110 asks",
    covers: (r) => r.group === "methods",
  },
  {
    title: "Importable scripts, one shared handle_connection",
    covers: (r) => r.group === "structure",
    notRun: "not run (--submission DIR checks it)",
  },
];

/** Passed, failed, not run and skipped counts of `results`. */
export function tally(
  results: readonly CheckResult[],
): { passed: number; failed: number; notRun: number; skipped: number } {
  const count = (verdict: CheckResult["verdict"]) =>
    results.filter((r) => r.verdict === verdict).length;
  return {
    passed: count("pass"),
    failed: count("fail"),
    notRun: count("not run"),
    skipped: count("skip"),
  };
}

/** The last line: `27/30 checks passed, 2 not run, 1 skipped` (a check not run counts as not passed). */
export function countLine(
  results: readonly CheckResult[],
  style: Style,
): string {
  const { passed, failed, notRun, skipped } = tally(results);
  const text = checksPassed(passed, passed + failed + notRun, skipped, notRun);
  return paint(
    style,
    "bold",
    paint(style, failed + notRun ? "fail" : "pass", text),
  );
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
    const { passed, failed, notRun, skipped } = tally(covered);
    const run = passed + failed + notRun;
    const verdict = failed + notRun ? "fail" : "pass";
    const tag = run === 0
      ? paint(style, "dim", "----")
      : paint(style, verdict, TAGS[verdict]);
    const count = run === 0
      ? skipped ? `skipped (${skipped})` : rubric.notRun ?? "not run"
      : rubricCount(passed, run, skipped, notRun);
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
}

/** The JSON document `--json` writes. */
export function jsonReport(run: RunReport): string {
  const counts = tally(run.results);
  const fix = fixFirst(run.results, run.servers);
  return JSON.stringify(
    {
      probe: "deno task probe",
      mode: run.mode,
      target: run.target,
      servers: run.servers,
      ...(run.limits ? { limits: run.limits } : {}),
      checks: run.results.map((r) => ({ ...r, ms: Math.round(r.ms) })),
      ...(fix ? { fixFirst: fixFirstJson(fix) } : {}),
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

/** "Fix this first" as `--json` holds it. */
function fixFirstJson(fix: FixFirst): Record<string, unknown> {
  return "server" in fix
    ? {
      server: fix.server,
      didNotStart: fix.error,
      notRunBecause: fix.explained,
    }
    : {
      id: fix.result.id,
      ...(fix.result.server ? { server: fix.result.server } : {}),
      title: fix.result.title,
      hint: fix.result.hint,
      notRunBecause: fix.explained,
      alsoFailsOn: fix.alsoOn,
    };
}
