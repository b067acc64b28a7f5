/**
 * `deno task tutorial:grades`: probes every step of the tutorial as a user
 * would (`deno task probe --start "deno run --allow-net tutorial/<file>.ts
 * {port}" --kind ...`, in this process) and rewrites the report card in
 * `docs/tutorial.md`, between its two `tutorial:grades` markers: the probe's
 * check groups as rows, the steps as columns, checks passed out of checks
 * run. With `--check` it rewrites nothing and exits 1 when the committed
 * card differs from what the probe says now.
 *
 * With `--compare` it measures step 4 beside the product's engine
 * (`webserve.ts`, `webserve_nb.ts`) instead, and rewrites the table between
 * the `tutorial:compare` markers: the bad-request corpus, a slow client, a
 * client that never reads, throughput from the bench harness (one short
 * run), and lines of code. Those figures move with the machine, so no test
 * holds them.
 *
 * ```sh
 * deno task tutorial:grades            # rewrite the report card
 * deno task tutorial:grades --check    # is the committed card what the probe says?
 * deno task tutorial:grades --compare  # step 4 against the engine (about 3 minutes)
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { GROUPS, type Kind } from "../probe/check.ts";
import { serverChecks } from "../probe/checks.ts";
import { launch } from "../probe/launch.ts";
import { type CheckResult, runChecks } from "../probe/runner.ts";
import { ROOT } from "../testing/commands.ts";
import { markdownTable } from "./markdown_table.ts";

/** The doc the card lives in. */
export const TUTORIAL_DOC = `${ROOT}docs/tutorial.md`;

/** One column of the card: a step's server and the kind it is probed as. */
export interface StepServer {
  /** The column's heading. */
  label: string;
  /** Its file in `tutorial/`. */
  file: string;
  /** What it serves. */
  kind: Kind;
}

/** The columns, in order. */
export const STEP_SERVERS: readonly StepServer[] = [
  { label: "step 1", file: "step1_hello_world.ts", kind: "blocking" },
  { label: "step 2", file: "step2_parse.ts", kind: "blocking" },
  { label: "step 3", file: "step3_handle.ts", kind: "blocking" },
  // Step 3 held to the non-blocking bounds: the problem step 4 solves.
  { label: "step 3, as nb", file: "step3_handle.ts", kind: "nb" },
  { label: "step 4, blocking", file: "step4_webserve.ts", kind: "blocking" },
  { label: "step 4, non-blocking", file: "step4_webserve_nb.ts", kind: "nb" },
];

/** The command the probe starts for `file`, as the tutorial tells a user to. */
export function startCommand(file: string): string[] {
  return [Deno.execPath(), "run", "--allow-net", `tutorial/${file}`, "{port}"];
}

/** Starts `step`'s server, runs every probe check of its kind against it, and stops it. */
export async function probeStep(step: StepServer): Promise<CheckResult[]> {
  const server = await launch(startCommand(step.file), { cwd: ROOT });
  try {
    return await runChecks(serverChecks(step.kind), {
      hostname: "127.0.0.1",
      port: server.port,
    });
  } finally {
    await server.stop();
  }
}

/** The card's markdown table: check groups as rows, steps as columns, `passed/run`. */
export function renderCard(results: readonly CheckResult[][]): string {
  const groups = GROUPS.filter((g) => g !== "structure");
  const cell = (checks: CheckResult[]) => {
    const run = checks.filter((c) => c.verdict !== "skip");
    return `${run.filter((c) => c.verdict === "pass").length}/${run.length}`;
  };
  const rows = [
    ["check group", ...STEP_SERVERS.map((s) => s.label)],
    ...groups.map((group) => [
      `\`${group}\``,
      ...results.map((checks) => cell(checks.filter((c) => c.group === group))),
    ]),
    ["all", ...results.map((checks) => cell([...checks]))],
  ];
  return markdownTable(rows);
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

/** Probes every step, one after another (a step's timing checks want the CPU to themselves). */
export async function gradeSteps(
  onStep: (step: StepServer, ms: number) => void = () => {},
): Promise<CheckResult[][]> {
  const results: CheckResult[][] = [];
  for (const step of STEP_SERVERS) {
    const started = performance.now();
    results.push(await probeStep(step));
    onStep(step, performance.now() - started);
  }
  return results;
}

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
    console.error("usage: deno task tutorial:grades [--check | --compare]");
    return 2;
  }
  if (values.help) {
    console.log("usage: deno task tutorial:grades [--check | --compare]");
    return 0;
  }
  const doc = await Deno.readTextFile(TUTORIAL_DOC);
  if (values.compare) {
    const { compareWithEngine } = await import("./tutorial_compare.ts");
    const table = await compareWithEngine((line) => console.error(line));
    await writeDoc(replaceBetween(doc, "tutorial:compare", table));
    console.log(table);
    return 0;
  }
  const card = renderCard(
    await gradeSteps((step, ms) =>
      console.error(`probed ${step.file} in ${(ms / 1000).toFixed(1)} s`)
    ),
  );
  console.log(card);
  if (values.check) {
    if (between(doc, "tutorial:grades") === card) return 0;
    console.error(
      "tutorial:grades: docs/tutorial.md's report card is not what the probe says now; run deno task tutorial:grades",
    );
    return 1;
  }
  await writeDoc(replaceBetween(doc, "tutorial:grades", card));
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
