/**
 * How far each step of the tutorial is from the one before: the lines of
 * code (`tools/code_lines.ts`: comments and blank lines do not count) that
 * the step adds to the file it grows from, plus those it removes, as `diff`
 * pairs them. A file that grows from nothing counts all its code.
 * `tests/tutorial_test.ts` holds every step to {@link STEP_DIFF_CAP}.
 *
 * ```sh
 * deno run --allow-read tools/step_diffs.ts   # every step, and what it grows from
 * ```
 *
 * @module
 */

import { codeLineFlags } from "./code_lines.ts";
import { STEP_FILES } from "./tutorial_steps.ts";

/** The most lines of code a step may change from the one before. */
export const STEP_DIFF_CAP = 80;

/** Lines added and removed, between two texts. */
export interface LineDiff {
  /** Lines of code only in the new text. */
  added: number;
  /** Lines of code only in the old text. */
  removed: number;
}

/**
 * For each line of `after`, whether it is kept from `before` (a longest
 * common subsequence of lines, the pairing `diff` shows); and the same for
 * `before`.
 */
export function keptLines(
  before: readonly string[],
  after: readonly string[],
): [keptBefore: boolean[], keptAfter: boolean[]] {
  // common[i][j]: the longest common subsequence of before[i..] and after[j..].
  const common = Array.from(
    { length: before.length + 1 },
    () => new Uint32Array(after.length + 1),
  );
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i][j] = before[i] === after[j]
        ? common[i + 1][j + 1] + 1
        : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const keptBefore = before.map(() => false);
  const keptAfter = after.map(() => false);
  for (let i = 0, j = 0; i < before.length && j < after.length;) {
    if (before[i] === after[j]) {
      keptBefore[i++] = true;
      keptAfter[j++] = true;
    } else if (common[i + 1][j] >= common[i][j + 1]) i++;
    else j++;
  }
  return [keptBefore, keptAfter];
}

/** The lines of code `after` adds to `before` and removes from it (`before` undefined: an empty file). */
export function codeDiff(before: string | undefined, after: string): LineDiff {
  const oldLines = before === undefined ? [] : before.split("\n");
  const newLines = after.split("\n");
  const [keptBefore, keptAfter] = keptLines(oldLines, newLines);
  const oldCode = codeLineFlags(before ?? "");
  const newCode = codeLineFlags(after);
  return {
    added: newLines.filter((_, i) => newCode[i] && !keptAfter[i]).length,
    removed: oldLines.filter((_, i) => oldCode[i] && !keptBefore[i]).length,
  };
}

/** One file of the tutorial, and how far it is from the file it grows from. */
export interface StepDiff {
  /** The file, from the project's root. */
  file: string;
  /** The file it grows from, or undefined for a new file. */
  after?: string;
  /** Its diff from that file. */
  diff: LineDiff;
}

/** The diff of every file of {@link STEP_FILES}, read from `root`. */
export async function stepDiffs(root: string): Promise<StepDiff[]> {
  const read = (file: string) => Deno.readTextFile(`${root}${file}`);
  const diffs: StepDiff[] = [];
  for (const { file, after } of STEP_FILES) {
    const before = after === undefined ? undefined : await read(after);
    diffs.push({ file, after, diff: codeDiff(before, await read(file)) });
  }
  return diffs;
}

/** One line per file: lines changed, added and removed, and what it grows from. */
export function formatStepDiffs(diffs: readonly StepDiff[]): string {
  const width = Math.max(...diffs.map((d) => d.file.length));
  return diffs.map(({ file, after, diff }) => {
    const changed = String(diff.added + diff.removed).padStart(3);
    const counts = `+${diff.added} -${diff.removed}`.padEnd(8);
    const from = after === undefined ? "a new file" : `from ${after}`;
    return `${changed} ${counts} ${file.padEnd(width)}  ${from}`;
  }).join("\n");
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url).pathname;
  console.log(formatStepDiffs(await stepDiffs(root)));
}
