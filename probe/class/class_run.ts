/**
 * `deno task probe --class DIR --out OUTDIR`: every student's submission,
 * each in its own box (`sandbox.ts`), N at a time; then the gradebook
 * (`grades.csv`, `<student>.json`, `report.html`). One line per student as
 * each is graded, and on a terminal an updating progress line on stderr.
 * Three stages, one function each:
 *
 *     prepareClass: the folder, the rubric, python3, OUTDIR, the isolation
 *                   and the limits, checked before anything runs; the header
 *     gradeClass:   per student (N at a time; with --students, the named ones):
 *       hash --> (--resume: same files, probe and rubric in OUTDIR? keep it)
 *            --> fresh copy / unzip --> refused? --> grade 0 with the reason
 *            --> box: inner probe --> score on the rubric --> <student>.json
 *     writeGradebook: grades.csv, report.html (with --students, the others'
 *                   results as OUTDIR holds them) --> exit 0 (1 if the
 *                   grading itself failed)
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
import { probeVersion } from "../platforms/probe_files.ts";
import {
  type GradedWith,
  rubricHash,
  type SavedResult,
  whyRegrade,
} from "./graded_with.ts";
import { progressText } from "./progress.ts";
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
  /** The indices of the entries graded in this run (all but with `--students`). */
  selected: number[];
  /** The probe and the rubric every result of this run is graded with. */
  gradedWith: GradedWith;
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

/** The result OUTDIR holds for `entry`, if any. */
async function earlierResult(
  run: ClassRun,
  entry: Entry,
): Promise<SavedResult | undefined> {
  try {
    return JSON.parse(
      await Deno.readTextFile(`${run.out}/${run.files.get(entry.student)}`),
    ) as SavedResult;
  } catch {
    return undefined;
  }
}

/** A result kept from an earlier run, when `--resume` may keep it: the same files, probe and rubric. */
async function kept(
  run: ClassRun,
  entry: Entry,
  hash: string,
): Promise<SavedResult | undefined> {
  if (!run.plan.resume) return undefined;
  const earlier = await earlierResult(run, entry);
  return earlier &&
      whyRegrade(earlier, {
          ...run.gradedWith,
          student: entry.student,
          hash,
        }) ===
        undefined
    ? earlier
    : undefined;
}

/** Grades one student in job slot `slot`: resumed, refused, or boxed and scored. */
async function gradeOne(
  run: ClassRun,
  entry: Entry,
  index: number,
  slot: number,
): Promise<{ result: SavedResult; resumed: boolean }> {
  const result = await gradeFresh(run, entry, index, slot);
  return "resumed" in result
    ? { result: result.resumed, resumed: true }
    : { result: { ...result, ...run.gradedWith }, resumed: false };
}

/** A student's result, fresh, or kept from an earlier run. */
async function gradeFresh(
  run: ClassRun,
  entry: Entry,
  index: number,
  slot: number,
): Promise<StudentResult | { resumed: SavedResult }> {
  const hash = await hashEntry(entry);
  const earlier = await kept(run, entry, hash);
  if (earlier) return { resumed: earlier };
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
      return refusedResult(base, prepared.refused, run.rubric);
    }
    const boxed = await runBoxed(prepared.dir, {
      isolation: run.isolation,
      limits: run.limits,
      wallMs: run.wallMs,
      jsonPath: `${work}/probe.json`,
      ...(uid !== undefined ? { uid } : {}),
      running: run.running,
    });
    return gradeRun(
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
    );
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** Runs `--class`; resolves to the exit status. Throws {@link UsageError} for a usage error. */
export async function runClass(
  plan: ClassPlan,
  terminal: Terminal,
): Promise<number> {
  const run = await prepareClass(plan, terminal);
  const started = performance.now();
  let results: SavedResult[];
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
  const selected = selectStudents(entries, plan.students);
  const isolation = await detectIsolation(
    plan.namespaces,
    plan.requireSandbox,
  );
  const limitsText = describeLimits(DEFAULT_LIMITS, plan.wallMs);
  if (isolation.fallback) terminal.error(`probe: ${isolation.fallback}`);
  terminal.line(
    `deno task probe --class ${plan.dir}: ${
      plan.students
        ? `${selected.length} of ${entries.length} students again`
        : `${entries.length} students`
    }, ${plan.jobs} at a time`,
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
    selected,
    gradedWith: {
      probe_version: await probeVersion(),
      rubric_hash: await rubricHash(rubric),
    },
    skipped,
    files: studentFiles(entries.map((e) => e.student)),
    tmp: await classTmp(isolation.root),
    running: new Set(),
    ...(isolation.root ? { uids: slotUids() } : {}),
  };
}

/** The indices of the entries `--students` names (all without it); throws {@link UsageError} for a name not in the class. */
function selectStudents(entries: Entry[], students?: string[]): number[] {
  if (students === undefined) return entries.map((_, index) => index);
  const known = new Map(entries.map((entry, index) => [entry.student, index]));
  const unknown = students.filter((name) => !known.has(name));
  if (unknown.length) {
    throw new UsageError(
      `--students: not in the class: ${unknown.join(", ")} (it has ${
        entries.slice(0, 5).map((e) => e.student).join(", ")
      }${entries.length > 5 ? ", ..." : ""})`,
    );
  }
  return students.map((name) => known.get(name)!);
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
): Promise<SavedResult[]> {
  const { plan } = run;
  const entries = run.selected.map((index) => run.entries[index]);
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

  const results: SavedResult[] = new Array(entries.length);
  const started = performance.now();
  let done = 0;
  let graded = 0; // graded in this run (not resumed): the time estimate's base
  let next = 0;
  const showProgress = (student: string) =>
    terminal.progress(progressText({
      done,
      total: entries.length,
      graded,
      elapsedMs: performance.now() - started,
      student,
    }));
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
      const { result, resumed } = await gradeOne(
        run,
        entry,
        run.selected[index],
        slot,
      );
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
          }  ${
            resumed ? "(kept: same files, probe and rubric) " : ""
          }${result.reason}`,
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
  results: SavedResult[],
  ms: number,
  terminal: Terminal,
): Promise<number> {
  const { plan, rubric } = run;
  if (plan.students) results = await withTheOthers(run, results, terminal);
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

/**
 * With `--students`: the results just graded, and every other student's as
 * OUTDIR holds it, in the class's order. Says which others have none (left
 * out of the gradebook) and which were graded with another probe or rubric.
 */
async function withTheOthers(
  run: ClassRun,
  graded: SavedResult[],
  terminal: Terminal,
): Promise<SavedResult[]> {
  const fresh = new Map(
    run.selected.map((index, i) => [index, graded[i]]),
  );
  const all: SavedResult[] = [];
  const missing: string[] = [];
  const stale: string[] = [];
  for (const [index, entry] of run.entries.entries()) {
    const result = fresh.get(index) ?? await earlierResult(run, entry);
    if (!result || result.student !== entry.student) {
      missing.push(entry.student);
      continue;
    }
    if (
      result.probe_version !== run.gradedWith.probe_version ||
      result.rubric_hash !== run.gradedWith.rubric_hash
    ) stale.push(entry.student);
    all.push(result);
  }
  if (missing.length) {
    terminal.error(
      `probe: not in the gradebook, no result in ${run.plan.out} yet: ${
        missing.join(", ")
      } (grade them with --resume)`,
    );
  }
  if (stale.length) {
    terminal.error(
      `probe: graded with another probe or rubric than this run: ${
        stale.join(", ")
      } (regrade them with --resume)`,
    );
  }
  return all;
}
