/**
 * What lands in OUTDIR besides the report: `grades.csv`, one row per
 * student (RFC 4180), and `<student>.json`, the whole result of each.
 *
 * @module
 */

import type { Rubric } from "./rubric.ts";
import type { StudentResult } from "./outcome.ts";

/** One CSV field, quoted when it holds a comma, a quote, CR or LF (RFC 4180 section 2). */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `grades.csv`: a header, then per student the score, the max, each entry's points, and the failed checks. CRLF line ends. */
export function gradesCsv(rubric: Rubric, results: StudentResult[]): string {
  const names = Object.keys(rubric.points);
  const rows: (string | number)[][] = [[
    "student",
    "score",
    "max_score",
    ...names,
    "failed_checks",
    "reason",
  ]];
  for (const result of results) {
    const byName = new Map(result.entries.map((e) => [e.name, e.score]));
    rows.push([
      result.student,
      result.score,
      result.max_score,
      ...names.map((name) => byName.get(name) ?? 0),
      result.failed.join(" "),
      result.reason,
    ]);
  }
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** A file name for the student's JSON: unsafe characters become `_` (the name itself is inside the file). */
export function studentFile(student: string): string {
  const safe = student.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return `${safe || "_"}.json`;
}

/** Distinct file names for every student, in order (a clash gets `-2`, `-3`). */
export function studentFiles(students: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const used = new Set<string>();
  for (const student of students) {
    let file = studentFile(student);
    for (let n = 2; used.has(file.toLowerCase()); n++) {
      file = studentFile(student).replace(/\.json$/, `-${n}.json`);
    }
    used.add(file.toLowerCase());
    files.set(student, file);
  }
  return files;
}
