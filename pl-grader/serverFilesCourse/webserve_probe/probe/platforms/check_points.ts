/**
 * Each check's share of the rubric, for the platforms that show one test
 * per check (Gradescope, PrairieLearn). A rubric entry's points are split
 * over the checks it covers in ten-thousandths of a point, the remainder
 * going one unit each to its first checks (largest remainder), so that the
 * shares of an entry add up to its points exactly and every test's points
 * have at most four decimals. A submission's score is then the sum of the
 * shares of the checks it passed: what the platform shows adds up.
 *
 * The class gradebook (`rubric.ts`'s `score`) rounds each entry to
 * hundredths instead, so the two can differ in the third decimal.
 *
 * @module
 */

import { entryOf, type Rubric } from "../class/rubric.ts";

/** Ten-thousandths of a point: a share's unit. */
const UNITS = 10_000;

/** What a check needs to be placed in the rubric. */
export interface PlannedCheck {
  /** `group.name`. */
  id: string;
  /** Its group. */
  group: string;
}

/** A check with its share. */
export interface Share<T> {
  /** The check. */
  check: T;
  /** The rubric entry it falls under (none: it is worth nothing). */
  entry?: string;
  /** Its points, to four decimals. */
  points: number;
}

/** An entry with no check under it: worth its points, none of which can be earned. */
export interface Unreached {
  /** The entry's name. */
  entry: string;
  /** Its points. */
  points: number;
}

/**
 * The share of each of `checks` (in their order; skipped checks left out by
 * the caller) on `rubric`, and the entries no check fell under.
 */
export function shares<T extends PlannedCheck>(
  rubric: Rubric,
  checks: readonly T[],
): { shares: Share<T>[]; unreached: Unreached[] } {
  const byEntry = new Map<string, number[]>();
  const entries = checks.map((check, index) => {
    const entry = entryOf(rubric, check);
    if (entry !== undefined) {
      byEntry.set(entry, [...(byEntry.get(entry) ?? []), index]);
    }
    return entry;
  });
  const units = new Array<number>(checks.length).fill(0);
  const unreached: Unreached[] = [];
  for (const [entry, points] of Object.entries(rubric.points)) {
    const total = Math.round(points * UNITS);
    const members = byEntry.get(entry) ?? [];
    if (members.length === 0) {
      if (total > 0) unreached.push({ entry, points: total / UNITS });
      continue;
    }
    const base = Math.floor(total / members.length);
    const extra = total - base * members.length;
    members.forEach((index, i) => units[index] = base + (i < extra ? 1 : 0));
  }
  return {
    shares: checks.map((check, index) => ({
      check,
      ...(entries[index] === undefined ? {} : { entry: entries[index] }),
      points: units[index] / UNITS,
    })),
    unreached,
  };
}

/** The sum of `points`, without binary floating point's dust (to four decimals). */
export function sumPoints(points: readonly number[]): number {
  return points.reduce((sum, p) => sum + Math.round(p * UNITS), 0) / UNITS;
}
