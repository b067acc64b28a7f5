/**
 * `deno task probe --class DIR --out OUTDIR`: every student's submission,
 * each in its own box (`sandbox.ts`), N at a time; then the gradebook
 * (`grades.csv`, `<student>.json`, `report.html`). One line per student as
 * each is graded, and on a terminal an updating progress line on stderr.
 * Three stages, one function each:
 *
 *     prepareClass: the folder, the rubric, python3, OUTDIR, the isolation
 *                   and the limits, checked before anything runs; the header
 *     gradeClass:   per student (N at a time):
 *       hash --> (--resume: same hash in OUTDIR? keep it)
 *            --> fresh copy / unzip --> refused? --> grade 0 with the reason
 *            --> box: inner probe --> score on the rubric --> <student>.json
 *     writeGradebook: grades.csv, report.html --> exit 0 (1 if the grading
 *                   itself failed)
 *
 * @module
 */

import type { ClassPlan } from "../plan.ts";
import { fromUserDir, UsageError } from "../usage.ts";
import { commandSucceeds } from "../kit.ts";
import type { Terminal } from "../terminal.ts";
import { gradesCsv, studentFiles } from "./gradebook.ts";
import { DEFAULT_LIMITS, describeLimits, type Limits } from "./limits.ts";
import { gradeRun, refusedResult, type StudentResult } from "./outcome.ts";
import { reportHtml } from "./report_html.ts";
import { loadRubric, type Rubric } from "./rubric.ts";
import {
  detectIsolation,
  type Isolation,
  runBoxed,
  slotUids,
} from "./sandbox.ts";
import { type Entry, hashEntry, listEntries, prepare } from "./submissions.ts";

/** Everything one class run shares, once prepared. */
interface ClassRun {
  plan: ClassPlan;
  rubric: Rubric;
  isolation: Isolation;
  limits: Limits;
  /** The limits in words, for the header and the report. */
  limitsText: string;
  wallMs: number;
  /** OUTDIR, resolved. */
  out: string;
  /** The students' submissions, in order. */
  entries: Entry[];
  /** What in the class folder is neither a folder nor a zip. */
  skipped: string[];
  /** Each student's `.json` in OUTDIR. */
  files: Map<string, string>;
  /** Where the fresh copies are made. */
  tmp: string;
  /** The process groups of the boxes running now, for an interrupt to kill. */
  running: Set<number>;
  /** As root: the uid of job slot 0 (slot N runs as this + N). */
  uids?: number;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
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
  if (!run.plan.resume) return undefined;
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

/** Grades one student in job slot `slot`: resumed, refused, or boxed and scored. */
async function gradeOne(
  run: ClassRun,
  entry: Entry,
  index: number,
  slot: number,
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
    const uid = run.uids === undefined ? undefined : run.uids + slot;
    const prepared = await prepare(entry, `${work}/files`, uid);
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
      ...(uid !== undefined ? { uid } : {}),
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
          limits: { ...run.limits, wall_ms: run.wallMs },
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
export async function runClass(
  plan: ClassPlan,
  terminal: Terminal,
): Promise<number> {
  const run = await prepareClass(plan, terminal);
  const started = performance.now();
  let results: StudentResult[];
  try {
    results = await gradeClass(run, terminal);
  } finally {
    await Deno.remove(run.tmp, { recursive: true }).catch(() => {});
  }
  return await writeGradebook(
    run,
    results,
    performance.now() - started,
    terminal,
  );
}

/** Checks what the run needs before anything runs, and prints the header. */
async function prepareClass(
  plan: ClassPlan,
  terminal: Terminal,
): Promise<ClassRun> {
  const dir = fromUserDir(plan.dir);
  if (!(await isFolder(dir))) {
    throw new UsageError(`--class ${plan.dir}: no such folder`);
  }
  const rubric = await loadRubric(plan.rubric);
  if (!(await commandSucceeds("python3", ["--version"]))) {
    throw new UsageError("--class needs python3 on PATH");
  }
  if (!(await commandSucceeds("prlimit", ["--cpu=10", "--", "true"]))) {
    throw new UsageError("--class needs prlimit on PATH (Debian's util-linux)");
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
  const isolation = await detectIsolation(
    plan.namespaces,
    plan.requireSandbox,
  );
  const limitsText = describeLimits(DEFAULT_LIMITS, plan.wallMs);
  if (isolation.fallback) terminal.error(`probe: ${isolation.fallback}`);
  terminal.line(
    `deno task probe --class ${plan.dir}: ${entries.length} students, ${plan.jobs} at a time`,
  );
  terminal.line(`isolation: ${isolation.note}`);
  terminal.line(`limits per program: ${limitsText}`);
  if (skipped.length) {
    terminal.line(
      `skipped (neither a folder nor a .zip): ${skipped.join(", ")}`,
    );
  }
  return {
    plan,
    rubric,
    isolation,
    limits: DEFAULT_LIMITS,
    limitsText,
    wallMs: plan.wallMs,
    out,
    entries,
    skipped,
    files: studentFiles(entries.map((e) => e.student)),
    tmp: await classTmp(isolation.root),
    running: new Set(),
    ...(isolation.root ? { uids: slotUids() } : {}),
  };
}

/** Where the copies go; as root, the slots' uids may pass through it to their own copy (in the fallback, they read it there). */
async function classTmp(root: boolean): Promise<string> {
  const tmp = await Deno.makeTempDir({ prefix: "probe-class-" });
  if (root) await Deno.chmod(tmp, 0o711);
  return tmp;
}

/** Grades every student, `--jobs` at a time, a line each as they finish; each `.json` written as it comes. */
async function gradeClass(
  run: ClassRun,
  terminal: Terminal,
): Promise<StudentResult[]> {
  const { entries, plan } = run;
  const onInterrupt = () => {
    terminal.mute();
    terminal.error("probe: interrupted; stopping every submission");
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
  const showProgress = (student: string) => {
    const elapsed = performance.now() - started;
    const left = graded
      ? ` ${timeLeft((elapsed / graded) * (entries.length - done))}`
      : "";
    terminal.progress(`${done}/${entries.length}  ${student} ${left}`);
  };
  const colour = (result: StudentResult) =>
    result.status === "error"
      ? "fail"
      : result.score === result.max_score
      ? "pass"
      : "warn";
  const worker = async (slot: number) => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index];
      showProgress(entry.student);
      const { result, resumed } = await gradeOne(run, entry, index, slot);
      results[index] = result;
      await Deno.writeTextFile(
        `${run.out}/${run.files.get(entry.student)}`,
        JSON.stringify(result, null, 2) + "\n",
      );
      done++;
      if (!resumed) graded++;
      if (!plan.quiet || result.score < result.max_score) {
        terminal.line(
          `${done}/${entries.length}  ${entry.student}  ${
            terminal.paint(
              colour(result),
              `${result.score}/${result.max_score}`,
            )
          }  ${resumed ? "(resumed, files unchanged) " : ""}${result.reason}`,
        );
      }
      showProgress(entry.student);
    }
  };
  try {
    await Promise.all(
      Array.from(
        { length: Math.min(plan.jobs, entries.length) },
        (_, slot) => worker(slot),
      ),
    );
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    terminal.clearProgress();
  }
  return results;
}

/** Writes `grades.csv` and `report.html`, says what was written; 1 when the grading itself failed for anyone. */
async function writeGradebook(
  run: ClassRun,
  results: StudentResult[],
  ms: number,
  terminal: Terminal,
): Promise<number> {
  const { plan, rubric } = run;
  await Deno.writeTextFile(`${run.out}/grades.csv`, gradesCsv(rubric, results));
  await Deno.writeTextFile(
    `${run.out}/report.html`,
    reportHtml(rubric, results, {
      classDir: plan.dir,
      isolation: run.isolation.note,
      limits: run.limitsText,
      when: new Date().toISOString(),
      skipped: run.skipped,
    }),
  );
  const errors = results.filter((r) => r.status === "error");
  const seconds = Math.round(ms / 100) / 10;
  terminal.line(
    `graded ${results.length} students in ${seconds} s; wrote ${plan.out}/grades.csv, ${plan.out}/report.html and one .json per student`,
  );
  if (errors.length) {
    terminal.error(
      `probe: the grading itself failed for ${errors.length} student${
        errors.length === 1 ? "" : "s"
      }: ${errors.map((r) => r.student).join(", ")} (see their .json)`,
    );
    return 1;
  }
  return 0;
}
