/**
 * `deno task tutorial:grades`: probes every server of the tutorial as its
 * page tells a learner to (`deno task probe --start "deno run --allow-net
 * <file> {port}" --kind <kind>`, its `--json` read back) and rewrites the
 * report card in `docs/tutorial.md`, between its two `tutorial:grades`
 * markers: the probe's check groups as rows, the steps as columns, checks
 * passed out of checks run (and how many were not run, because a check they
 * need failed), and the check the probe says to fix first. With
 * `--check` it rewrites nothing and exits 1 when the committed card differs
 * from what the probe says now.
 *
 * With `--compare` it runs one bench command instead, step 4 beside the
 * engine's two servers, and rewrites the table between the
 * `tutorial:compare` markers: requests per second, and lines of code. Those
 * figures move with the machine, so no test holds them.
 *
 * ```sh
 * deno task tutorial:grades            # rewrite the report card
 * deno task tutorial:grades --check    # is the committed card what the probe says?
 * deno task tutorial:grades --compare  # step 4 beside the engine (about 2 minutes)
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { programCodeLines } from "./code_lines.ts";
import { markdownTable } from "./markdown_table.ts";
import { STEP_FILES, type StepKind } from "./tutorial_steps.ts";

/** The project's root. */
const ROOT = new URL("../", import.meta.url).pathname;

/** The doc the card lives in. */
export const TUTORIAL_DOC = `${ROOT}docs/tutorial.md`;

/** One column of the card: a step's server and the kind it is probed as. */
export interface StepServer {
  /** The column's heading. */
  label: string;
  /** Its file, from the project's root. */
  file: string;
  /** What it serves. */
  kind: StepKind;
}

/** The columns, in order. */
export const STEP_SERVERS: readonly StepServer[] = STEP_FILES.flatMap((
  { file, card },
) => card === undefined ? [] : [{ file, ...card }]);

/** What the card needs of one check of the probe's `--json`. */
export interface CheckOutcome {
  /** `group.name`, e.g. `hello.get-root`. */
  id: string;
  /** Its group, e.g. `hello`. */
  group: string;
  /** Its name, e.g. `get-root`. */
  name: string;
  /** `pass`, `fail`, `skip` (it does not apply), or `not run` (a check it needs failed). */
  verdict: string;
}

/** What the card needs of the probe's `--json` for one step. */
export interface ProbeReport {
  /** Every check, in the order they ran. */
  checks: CheckOutcome[];
  /** The failure the card says to fix first, when one failed. */
  fixFirst?: { id?: string };
}

/** The probe command the page gives for `step`, as words (`deno task probe ...`). */
export function probeCommand(step: StepServer): string[] {
  const start = `deno run --allow-net ${step.file} {port}`;
  return ["deno", "task", "probe", "--start", start, "--kind", step.kind];
}

/** Runs the probe on `step` as the page does, and reads back its checks. */
export async function probeStep(step: StepServer): Promise<ProbeReport> {
  const json = await Deno.makeTempFile({ prefix: "tutorial-grades-" });
  try {
    const [, ...args] = probeCommand(step);
    const run = await new Deno.Command(Deno.execPath(), {
      args: [...args.slice(0, 1), "-q", ...args.slice(1), "-q", "--json", json],
      cwd: ROOT,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    // Exit 1 means a check failed: the card shows which.
    if (run.code > 1) {
      const why = new TextDecoder().decode(run.stderr).trim();
      throw new Error(`the probe could not run on ${step.file}: ${why}`);
    }
    return JSON.parse(await Deno.readTextFile(json)) as ProbeReport;
  } finally {
    await Deno.remove(json);
  }
}

/**
 * One cell of the card: checks passed out of checks run, and how many were
 * not run because a check they need failed (`0/1, 25 not run`).
 */
export function cardCell(checks: readonly CheckOutcome[]): string {
  const applies = checks.filter((c) => c.verdict !== "skip");
  const run = applies.filter((c) => c.verdict !== "not run");
  const passed = run.filter((c) => c.verdict === "pass").length;
  const notRun = applies.length - run.length;
  return `${passed}/${run.length}${notRun > 0 ? `, ${notRun} not run` : ""}`;
}

/** The check the probe says to fix first (else the first that failed), as the card names it. */
export function fixFirstCell(report: ProbeReport): string {
  const id = report.fixFirst?.id ??
    report.checks.find((c) => c.verdict === "fail")?.id;
  const check = report.checks.find((c) => c.id === id);
  return check === undefined ? "none" : `\`${check.name}\``;
}

/** The card's markdown table: check groups as rows, steps as columns; then what to fix first. */
export function renderCard(reports: readonly ProbeReport[]): string {
  const groups = [
    ...new Set(reports.flatMap((r) => r.checks.map((c) => c.group))),
  ].filter((group) => group !== "structure");
  return markdownTable([
    ["check group", ...STEP_SERVERS.map((s) => s.label)],
    ...groups.map((group) => [
      `\`${group}\``,
      ...reports.map((r) =>
        cardCell(r.checks.filter((c) => c.group === group))
      ),
    ]),
    ["all", ...reports.map((r) => cardCell(r.checks))],
    ["fix this first", ...reports.map(fixFirstCell)],
  ]);
}

/** The steps (by index) whose columns differ between two cards; every step when their rows differ. */
export function differingColumns(a: string, b: string): number[] {
  const cells = (card: string) =>
    card.split("\n").map((row) => row.split("|").map((cell) => cell.trim()));
  const [rowsA, rowsB] = [cells(a), cells(b)];
  const all = STEP_SERVERS.map((_, index) => index);
  if (rowsA.length !== rowsB.length) return all;
  return all.filter((index) =>
    rowsA.some((row, r) => row[index + 2] !== rowsB[r][index + 2])
  );
}

/** Where the text between `<!-- name:begin -->` and `<!-- name:end -->` lines starts and ends in `doc`; throws without them. */
function span(doc: string, name: string): [from: number, to: number] {
  const begin = `<!-- ${name}:begin -->\n`;
  const from = doc.indexOf(begin) + begin.length;
  const to = doc.indexOf(`<!-- ${name}:end -->`, from);
  if (from < begin.length || to < 0) {
    throw new Error(`docs/tutorial.md has no ${name} markers`);
  }
  return [from, to];
}

/** The text between the `name` markers, without the blank lines around it. */
export function between(doc: string, name: string): string {
  const [from, to] = span(doc, name);
  return doc.slice(from, to).trim();
}

/** `doc` with the text between the `name` markers replaced by `text`, set off by blank lines as `deno fmt` sets it. */
export function replaceBetween(
  doc: string,
  name: string,
  text: string,
): string {
  const [from, to] = span(doc, name);
  return `${doc.slice(0, from)}\n${text}\n\n${doc.slice(to)}`;
}

/** Writes `doc` as the tutorial, formatted by `deno fmt` (which wraps the prose around a generated table). */
async function writeDoc(doc: string): Promise<void> {
  await Deno.writeTextFile(TUTORIAL_DOC, doc);
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", TUTORIAL_DOC],
    stdin: "null",
  }).output();
  if (!fmt.success) throw new Error(`deno fmt ${TUTORIAL_DOC} failed`);
}

/**
 * How many steps are probed at once. A probe mostly waits (for a server's
 * timeout, for a second client), and its timing checks compare one client
 * with another rather than race a clock, so two probes side by side give
 * the verdicts one alone gives, in about half the time, and leave the other
 * tests of the suite room.
 */
const PROBES_AT_ONCE = 2;

/** Probes every step, {@link PROBES_AT_ONCE} at a time; the results in the order of the steps. */
export async function gradeSteps(
  onStep: (step: StepServer, ms: number) => void = () => {},
): Promise<ProbeReport[]> {
  const results: ProbeReport[] = [];
  let next = 0;
  const worker = async () => {
    while (next < STEP_SERVERS.length) {
      const index = next++;
      const started = performance.now();
      results[index] = await probeStep(STEP_SERVERS[index]);
      onStep(STEP_SERVERS[index], performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: PROBES_AT_ONCE }, worker));
  return results;
}

/** The servers of the comparison: step 4's two and the engine's two, by their id in `bench/servers.ts`. */
const COMPARED = [
  { label: "step 4", bench: "step4", entry: "tutorial/step4_webserve.ts" },
  {
    label: "step 4, nb",
    bench: "step4-nb",
    entry: "tutorial/step4_webserve_nb.ts",
  },
  { label: "`webserve.ts`", bench: "blocking", entry: "webserve.ts" },
  { label: "`webserve_nb.ts`", bench: "nb", entry: "webserve_nb.ts" },
];

/** The one bench command of the comparison, as the page names it. */
export const COMPARE_BENCH_ARGS: readonly string[] = [
  "--servers",
  COMPARED.map((c) => c.bench).join(","),
  "--scenarios",
  "keepalive-50,pipeline-16",
  "--rounds",
  "1",
  "--duration",
  "3",
];

/** Runs the bench command once and returns the comparison's markdown: the table, and where it came from. */
async function compareWithEngine(): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "tutorial-bench-" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["task", "bench", ...COMPARE_BENCH_ARGS, "--out", out],
      cwd: ROOT,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!run.success) throw new Error("the bench run failed");
    const results = JSON.parse(await Deno.readTextFile(`${out}/latest.json`));
    const summary = (scenario: string, id: string) =>
      results.scenarios.find((s: { id: string }) => s.id === scenario)
        ?.summaries[id] ?? {};
    const rps = (scenario: string, id: string) =>
      Math.round(summary(scenario, id).requestsPerSec ?? NaN)
        .toLocaleString("en-US");
    const cpu = (scenario: string, id: string) =>
      `${(summary(scenario, id).cpuUsPerRequest ?? NaN).toFixed(1)} µs`;
    const lines = [];
    for (const { entry } of COMPARED) {
      const { files, lines: count } = await programCodeLines(`${ROOT}${entry}`);
      lines.push(`${count} in ${files} files`);
    }
    const table = markdownTable([
      ["", ...COMPARED.map((c) => c.label)],
      [
        "keep-alive, 50 connections: requests/s",
        ...COMPARED.map((c) => rps("keepalive-50", c.bench)),
      ],
      [
        "keep-alive, 50 connections: server CPU per request",
        ...COMPARED.map((c) => cpu("keepalive-50", c.bench)),
      ],
      [
        "pipelining, 16 deep, 50 connections: requests/s",
        ...COMPARED.map((c) => rps("pipeline-16", c.bench)),
      ],
      [
        "pipelining, 16 deep: server CPU per request",
        ...COMPARED.map((c) => cpu("pipeline-16", c.bench)),
      ],
      ["lines of code, every module it loads", ...lines],
    ]);
    const date = new Date().toISOString().slice(0, 10);
    return `${table}\n\nMeasured on ${date} by \`deno task tutorial:grades --compare\`, ` +
      `which runs \`deno task bench ${COMPARE_BENCH_ARGS.join(" ")}\` ` +
      `(2 shared cores, one short run: compare within a row, not with other runs; ` +
      `the CPU per request moves least when the machine is busy).`;
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

const USAGE = "usage: deno task tutorial:grades [--check | --compare]";

/** Runs the task; resolves to the exit status. */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        check: { type: "boolean", default: false },
        compare: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    console.error(`tutorial:grades: ${(error as Error).message}`);
    console.error(USAGE);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const doc = await Deno.readTextFile(TUTORIAL_DOC);
  if (values.compare) {
    const table = await compareWithEngine();
    await writeDoc(replaceBetween(doc, "tutorial:compare", table));
    console.log(table);
    return 0;
  }
  const reports = await gradeSteps((step, ms) =>
    console.error(`probed ${step.file} in ${(ms / 1000).toFixed(1)} s`)
  );
  let card = renderCard(reports);
  if (values.check) {
    const committed = between(doc, "tutorial:grades");
    // A machine busy enough can hold a server past a check's bound: the
    // columns that differ are probed again, one at a time, before the card
    // is called stale.
    for (const index of differingColumns(committed, card)) {
      console.error(`probing ${STEP_SERVERS[index].file} again, alone`);
      reports[index] = await probeStep(STEP_SERVERS[index]);
      card = renderCard(reports);
    }
    console.log(card);
    if (committed === card) return 0;
    console.error(
      "tutorial:grades: docs/tutorial.md's report card is not what the probe says now; run deno task tutorial:grades",
    );
    return 1;
  }
  console.log(card);
  await writeDoc(replaceBetween(doc, "tutorial:grades", card));
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
