/**
 * `deno task probe --class DIR --out OUTDIR`: every student's submission,
 * each in its own box (`sandbox.ts`), N at a time; then the gradebook
 * (`grades.csv`, `<student>.json`, `report.html`). One line per student as
 * each is graded, and on a terminal an updating progress line on stderr.
 *
 *     list entries --> per student (N at a time):
 *       hash --> (--resume: same hash in OUTDIR? keep it)
 *            --> fresh copy / unzip --> refused? --> grade 0 with the reason
 *            --> box: inner probe --> score on the rubric --> <student>.json
 *     --> grades.csv, report.html --> exit 0 (1 if the grading itself failed)
 *
 * @module
 */

import { fromUserDir, UsageError } from "../usage.ts";
import { wantsColor } from "../report.ts";
import { gradesCsv, studentFiles } from "./gradebook.ts";
import {
  DEFAULT_LIMITS,
  describeLimits,
  type Limits,
  NPROC_HEADROOM,
} from "./limits.ts";
import { tasksOfMine } from "../procs.ts";
import { gradeRun, refusedResult, type StudentResult } from "./outcome.ts";
import { reportHtml } from "./report_html.ts";
import { loadRubric, type Rubric } from "./rubric.ts";
import { detectIsolation, type Isolation, runBoxed } from "./sandbox.ts";
import { type Entry, hashEntry, listEntries, prepare } from "./submissions.ts";

/** What `--class` asks for. */
export interface ClassPlan {
  /** Always `class`. */
  mode: "class";
  /** The folder of submissions, as given. */
  dir: string;
  /** Where the gradebook goes, as given. */
  out: string;
  /** How many submissions at once. */
  jobs: number;
  /** The rubric file, as given, if any. */
  rubric?: string;
  /** Skip students already graded whose files are unchanged. */
  resume: boolean;
  /** Use namespaces where the machine allows (false: `--no-namespaces`). */
  namespaces: boolean;
  /** The wall-clock limit of one submission, in ms (`--wall-clock`). */
  wallMs: number;
  /** `-q`: a line only for the students below the maximum. */
  quiet: boolean;
}

/** Everything one class run shares. */
interface ClassRun {
  rubric: Rubric;
  isolation: Isolation;
  limits?: Limits;
  wallMs: number;
  out: string;
  tmp: string;
  resume: boolean;
  files: Map<string, string>;
  running: Set<number>;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

async function hasPython(): Promise<boolean> {
  try {
    return (await new Deno.Command("python3", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output()).success;
  } catch {
    return false;
  }
}

/** A result kept from an earlier run, when `--resume` may keep it. */
async function kept(
  run: ClassRun,
  entry: Entry,
  hash: string,
): Promise<StudentResult | undefined> {
  if (!run.resume) return undefined;
  try {
    const earlier = JSON.parse(
      await Deno.readTextFile(`${run.out}/${run.files.get(entry.student)}`),
    ) as StudentResult;
    return earlier.hash === hash && earlier.status !== "error" &&
        earlier.student === entry.student
      ? earlier
      : undefined;
  } catch {
    return undefined;
  }
}

/** Grades one student: resumed, refused, or boxed and scored. */
async function gradeOne(
  run: ClassRun,
  entry: Entry,
  index: number,
): Promise<{ result: StudentResult; resumed: boolean }> {
  const hash = await hashEntry(entry);
  const earlier = await kept(run, entry, hash);
  if (earlier) return { result: earlier, resumed: true };
  const work = `${run.tmp}/${index}`;
  const base = {
    student: entry.student,
    isolation: run.isolation.note,
    hash,
    source: { type: entry.type },
  };
  try {
    const prepared = await prepare(entry, `${work}/files`);
    if ("refused" in prepared) {
      return {
        result: refusedResult(base, prepared.refused, run.rubric),
        resumed: false,
      };
    }
    const boxed = await runBoxed(prepared.dir, {
      isolation: run.isolation,
      limits: run.limits,
      wallMs: run.wallMs,
      jsonPath: `${work}/probe.json`,
      running: run.running,
    });
    return {
      result: gradeRun(
        {
          ...base,
          source: {
            type: entry.type,
            ...(prepared.nested ? { nested: prepared.nested } : {}),
          },
          ...(run.limits
            ? { limits: { ...run.limits, wall_ms: run.wallMs } }
            : {}),
        },
        boxed,
        run.rubric,
        run.wallMs,
      ),
      resumed: false,
    };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** `1.5 min left`, `40 s left`. */
function timeLeft(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 90 ? `${Math.round(s / 60)} min left` : `${s} s left`;
}

/** Runs `--class`; resolves to the exit status. Throws {@link UsageError} for a usage error. */
export async function runClass(plan: ClassPlan): Promise<number> {
  const dir = fromUserDir(plan.dir);
  if (!(await isFolder(dir))) {
    throw new UsageError(`--class ${plan.dir}: no such folder`);
  }
  const rubric = await loadRubric(plan.rubric);
  if (!(await hasPython())) {
    throw new UsageError("--class needs python3 on PATH");
  }
  const out = fromUserDir(plan.out);
  try {
    await Deno.mkdir(out, { recursive: true });
    const probe = `${out}/.probe-write-test`;
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    throw new UsageError(
      `--out ${plan.out}: cannot write there (${
        error instanceof Error ? error.message : error
      })`,
    );
  }
  const { entries, skipped } = await listEntries(dir);
  const isolation = await detectIsolation(plan.namespaces);
  const color = wantsColor(Deno.stdout.isTerminal(), Deno.env.get("NO_COLOR"));
  const progressShown = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  // RLIMIT_NPROC counts all the user runs (a browser's threads too): the headroom goes on top.
  const mine = isolation.root ? undefined : await tasksOfMine();
  const limits = !isolation.prlimit
    ? undefined
    : mine === undefined
    ? DEFAULT_LIMITS
    : { ...DEFAULT_LIMITS, nproc: mine + NPROC_HEADROOM };
  const wallMs = plan.wallMs;
  const limitsText = limits
    ? describeLimits(limits, wallMs)
    : `none (no prlimit); ${wallMs / 1000} s wall clock`;
  if (isolation.mode === "host") console.error(`probe: ${isolation.note}`);
  console.log(
    `deno task probe --class ${plan.dir}: ${entries.length} students, ${plan.jobs} at a time`,
  );
  console.log(`isolation: ${isolation.note}`);
  console.log(`limits per program: ${limitsText}`);
  if (skipped.length) {
    console.log(`skipped (neither a folder nor a .zip): ${skipped.join(", ")}`);
  }

  const run: ClassRun = {
    rubric,
    isolation,
    ...(limits ? { limits } : {}),
    wallMs,
    out,
    tmp: await Deno.makeTempDir({ prefix: "probe-class-" }),
    resume: plan.resume,
    files: studentFiles(entries.map((e) => e.student)),
    running: new Set(),
  };
  const onInterrupt = () => {
    console.error("\nprobe: interrupted; stopping every submission");
    for (const pid of run.running) {
      try {
        Deno.kill(-pid, "SIGKILL");
      } catch { /* gone */ }
    }
    Deno.remove(run.tmp, { recursive: true }).catch(() => {}).finally(() =>
      Deno.exit(130)
    );
  };
  Deno.addSignalListener("SIGINT", onInterrupt);

  const results: StudentResult[] = new Array(entries.length);
  const started = performance.now();
  let done = 0;
  let graded = 0; // graded in this run (not resumed): the time estimate's base
  let next = 0;
  let progress = false;
  const showProgress = (student: string) => {
    if (!progressShown) return;
    const elapsed = performance.now() - started;
    const left = graded
      ? ` ${timeLeft((elapsed / graded) * (entries.length - done))}`
      : "";
    Deno.stderr.writeSync(
      encoder.encode(`\r\x1b[K${done}/${entries.length}  ${student} ${left}`),
    );
    progress = true;
  };
  const line = (text: string) => {
    if (progress) Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
    progress = false;
    console.log(text);
  };
  const paint = (result: StudentResult, text: string) =>
    !color
      ? text
      : `\x1b[${
        result.status === "error"
          ? "31"
          : result.score === result.max_score
          ? "32"
          : "33"
      }m${text}\x1b[0m`;
  const worker = async () => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index];
      showProgress(entry.student);
      const { result, resumed } = await gradeOne(run, entry, index);
      results[index] = result;
      await Deno.writeTextFile(
        `${out}/${run.files.get(entry.student)}`,
        JSON.stringify(result, null, 2) + "\n",
      );
      done++;
      if (!resumed) graded++;
      if (!plan.quiet || result.score < result.max_score) {
        line(
          `${done}/${entries.length}  ${entry.student}  ${
            paint(result, `${result.score}/${result.max_score}`)
          }  ${resumed ? "(resumed, files unchanged) " : ""}${result.reason}`,
        );
      }
      showProgress(entry.student);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(plan.jobs, entries.length) }, worker),
    );
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (progress) Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
    await Deno.remove(run.tmp, { recursive: true }).catch(() => {});
  }
  await Deno.writeTextFile(`${out}/grades.csv`, gradesCsv(rubric, results));
  await Deno.writeTextFile(
    `${out}/report.html`,
    reportHtml(rubric, results, {
      classDir: plan.dir,
      isolation: isolation.note,
      limits: limitsText,
      when: new Date().toISOString(),
      skipped,
    }),
  );
  const errors = results.filter((r) => r.status === "error");
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(
    `graded ${results.length} students in ${seconds} s; wrote ${plan.out}/grades.csv, ${plan.out}/report.html and one .json per student`,
  );
  if (errors.length) {
    console.error(
      `probe: the grading itself failed for ${errors.length} student${
        errors.length === 1 ? "" : "s"
      }: ${errors.map((r) => r.student).join(", ")} (see their .json)`,
    );
    return 1;
  }
  return 0;
}
