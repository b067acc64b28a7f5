/**
 * What a student's result was graded with, kept in `<student>.json` beside
 * the files' hash: the probe's version (a hash of its own files) and the
 * rubric's. `--resume` trusts an earlier result only when all three are the
 * same; `--students` says which kept results were graded otherwise.
 *
 * @module
 */

import { sha256Hex } from "./hex.ts";
import type { StudentResult } from "./outcome.ts";
import type { Rubric } from "./rubric.ts";

/** The probe and the rubric a result was graded with. */
export interface GradedWith {
  /** The probe's version (`probe/platforms/probe_files.ts`). */
  probe_version: string;
  /** A SHA-256 of the rubric's points, in order (12 hex digits). */
  rubric_hash: string;
}

/** A result as `<student>.json` holds it. */
export type SavedResult = StudentResult & Partial<GradedWith>;

/** The hash of `rubric`: its entries and points, in their order. */
export async function rubricHash(rubric: Rubric): Promise<string> {
  const text = JSON.stringify(Object.entries(rubric.points));
  return (await sha256Hex([new TextEncoder().encode(text)])).slice(0, 12);
}

/** Why `earlier` cannot stand for `student` now, or undefined when it can: same student, files, probe and rubric, and graded (not an error). */
export function whyRegrade(
  earlier: SavedResult,
  now: GradedWith & { student: string; hash: string },
): string | undefined {
  if (earlier.student !== now.student) return "another student's result";
  if (earlier.status === "error") return "the grading failed last time";
  if (earlier.hash !== now.hash) return "the files changed";
  if (earlier.probe_version !== now.probe_version) return "the probe changed";
  if (earlier.rubric_hash !== now.rubric_hash) return "the rubric changed";
  return undefined;
}
