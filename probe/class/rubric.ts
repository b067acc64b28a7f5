/**
 * The rubric: points per check group or per check, and the score they give a
 * submission's results. Each entry's points are shared evenly by the results
 * it covers (a check of both servers counts twice), so a submission earns an
 * entry's points in proportion to the checks it passed there. A check named
 * on its own is taken out of its group's share.
 *
 * @module
 */

import { GROUPS } from "../check.ts";
import { serverChecks } from "../checks.ts";
import type { CheckResult } from "../runner.ts";
import { structureChecks } from "../structure.ts";
import { fromUserDir, UsageError } from "../usage.ts";

/** Points per group (`framing`) or per check (`framing.firefox`). */
export interface Rubric {
  /** The entries, in the order the gradebook shows them. */
  points: Record<string, number>;
}

/**
 * The default: the brief's 5.0 points, spread over what the brief asks for,
 * with a quarter point for HEAD, the one rule beyond it that RFC 9110 makes
 * a MUST. The reasoning is in docs/grading-a-class.md ("The default
 * rubric") and docs/probe-checks.md.
 */
export const DEFAULT_RUBRIC: Rubric = {
  points: {
    hello: 1.0, // GET and POST to any path answered hello, <path>, the query ignored
    framing: 0.75, // Firefox can talk to it: HTTP/1.1 as clients send it
    bodies: 0.5, // POST data read and ignored, however it is framed
    responses: 1.0, // a proper HTTP response, whatever comes in
    concurrency: 1.0, // the homework itself: a blocking and a non-blocking server
    methods: 0.25, // beyond the brief: HEAD, as RFC 9110 section 9.1 asks of every server
    structure: 0.5, // importable scripts, one shared handle_connection(client_sock, stuff=None)
  },
};

/** Every check id the probe knows for a submission: `group.name`. */
export function knownCheckIds(): string[] {
  const ids = new Set<string>();
  for (
    const check of [
      ...serverChecks("blocking"),
      ...serverChecks("nb"),
      ...structureChecks(".", "python3"),
    ]
  ) ids.add(`${check.group}.${check.name}`);
  return [...ids];
}

/** Reads a rubric from JSON text; throws RangeError with one line for anything wrong. */
export function parseRubric(text: string, source: string): Rubric {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RangeError(
      `${source}: not JSON (${error instanceof Error ? error.message : error})`,
    );
  }
  const points = (data as { points?: unknown } | null)?.points;
  if (typeof points !== "object" || points === null || Array.isArray(points)) {
    throw new RangeError(
      `${source}: a rubric is {"points": {"GROUP or GROUP.CHECK": POINTS, ...}}`,
    );
  }
  const known = new Set<string>([...GROUPS, ...knownCheckIds()]);
  const entries = Object.entries(points as Record<string, unknown>);
  if (entries.length === 0) throw new RangeError(`${source}: no points given`);
  for (const [name, value] of entries) {
    if (!known.has(name)) {
      throw new RangeError(
        `${source}: unknown check or group ${JSON.stringify(name)} (groups: ${
          GROUPS.join(", ")
        }; checks as GROUP.NAME, e.g. framing.firefox)`,
      );
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `${source}: the points of ${
          JSON.stringify(name)
        } must be a number of at least 0`,
      );
    }
  }
  return { points: Object.fromEntries(entries) as Record<string, number> };
}

/** Reads the rubric file `path` (from the user's folder), or gives the default; throws {@link UsageError} with one line. */
export async function loadRubric(path: string | undefined): Promise<Rubric> {
  if (path === undefined) return DEFAULT_RUBRIC;
  let text: string;
  try {
    text = await Deno.readTextFile(fromUserDir(path));
  } catch (error) {
    throw new UsageError(
      `--rubric ${path}: ${
        error instanceof Deno.errors.NotFound ? "no such file" : String(error)
      }`,
    );
  }
  try {
    return parseRubric(text, `--rubric ${path}`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The rubric's maximum score. */
export function maxScore(rubric: Rubric): number {
  return round(Object.values(rubric.points).reduce((sum, p) => sum + p, 0));
}

/** Rounded to hundredths, as the gradebook shows points. */
export function round(points: number): number {
  return Math.round(points * 100) / 100;
}

/** One rubric entry's share of a submission's results. */
export interface EntryScore {
  /** The group or check id. */
  name: string;
  /** Points earned. */
  score: number;
  /** Points possible. */
  max: number;
  /** Results it covers that passed, and in all (skips left out). */
  passed: number;
  /** Results it covers, skips left out. */
  total: number;
  /** The ids of the results it covers that failed (not those not run), with their server. */
  failed: string[];
}

/** Which rubric entry a result falls under: its check's own entry, else its group's, else none. */
export function entryOf(
  rubric: Rubric,
  result: { group: string; id: string },
): string | undefined {
  if (result.id in rubric.points) return result.id;
  if (result.group in rubric.points) return result.group;
  return undefined;
}

/** The score of `results` on `rubric`, per entry and in all. */
export function score(
  rubric: Rubric,
  results: readonly CheckResult[],
): { score: number; max: number; entries: EntryScore[] } {
  const entries: EntryScore[] = Object.entries(rubric.points).map((
    [name, max],
  ) => ({ name, score: 0, max, passed: 0, total: 0, failed: [] }));
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  for (const result of results) {
    if (result.verdict === "skip") continue;
    const name = entryOf(rubric, result);
    const entry = name === undefined ? undefined : byName.get(name);
    if (entry === undefined) continue;
    entry.total++; // a check not run counts, and scores nothing
    if (result.verdict === "pass") entry.passed++;
    else if (result.verdict === "fail") entry.failed.push(failedName(result));
  }
  for (const entry of entries) {
    entry.score = entry.total
      ? round(entry.max * entry.passed / entry.total)
      : 0;
  }
  return {
    score: round(entries.reduce((sum, entry) => sum + entry.score, 0)),
    max: maxScore(rubric),
    entries,
  };
}

/** `webserve_nb.py:concurrency.idle-neighbour`, or the id alone for a structure check. */
export function failedName(result: CheckResult): string {
  return result.server ? `${result.server}:${result.id}` : result.id;
}
