/**
 * `report.html`: the class on one self-contained page (nothing is fetched;
 * its Content-Security-Policy forbids it). The table of students, sortable by
 * any column; a histogram of the scores (SVG); the checks the class failed
 * most; and per student the failures with their evidence (what was sent,
 * expected and got), what was contained, and the output kept. Everything a
 * submission wrote is escaped.
 *
 * @module
 */

import type { StudentResult } from "./outcome.ts";
import type { Rubric } from "./rubric.ts";

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What the page says about the run. */
export interface ReportContext {
  /** The class folder, as given. */
  classDir: string;
  /** The isolation used, in words. */
  isolation: string;
  /** The limits in force, in words. */
  limits: string;
  /** When the grading ended (ISO). */
  when: string;
  /** Entries skipped as neither a folder nor a .zip. */
  skipped: string[];
}

/** Bins of half a point from 0 to the max: the histogram's bars. */
export function histogram(
  scores: number[],
  max: number,
): { from: number; to: number; count: number }[] {
  const width = max <= 5 ? 0.5 : max / 10;
  const bins: { from: number; to: number; count: number }[] = [];
  for (let from = 0; from < max - 1e-9; from += width) {
    bins.push({ from, to: Math.min(max, from + width), count: 0 });
  }
  if (bins.length === 0) bins.push({ from: 0, to: max, count: 0 });
  for (const score of scores) {
    const index = Math.min(bins.length - 1, Math.floor(score / width + 1e-9));
    bins[index].count++;
  }
  return bins;
}

function svgHistogram(scores: number[], max: number): string {
  const bins = histogram(scores, max);
  const top = Math.max(1, ...bins.map((b) => b.count));
  const barWidth = 40;
  const height = 120;
  const headroom = 20; // room above the tallest bar for its count
  const bars = bins.map((bin, i) => {
    const h = Math.round((bin.count / top) * height);
    const x = 30 + i * barWidth;
    const label = `${bin.from.toFixed(1)}–${bin.to.toFixed(1)}: ${bin.count}`;
    return `<g class="bar"><title>${escapeHtml(label)}</title>` +
      `<rect x="${x}" y="${headroom + height - h}" width="${
        barWidth - 4
      }" height="${h}"></rect>` +
      `<text x="${x + (barWidth - 4) / 2}" y="${
        headroom + height + 14
      }" text-anchor="middle">${bin.from.toFixed(1)}</text>` +
      (bin.count
        ? `<text x="${x + (barWidth - 4) / 2}" y="${
          headroom - 4 + height - h
        }" text-anchor="middle">${bin.count}</text>`
        : "") +
      `</g>`;
  }).join("");
  const width = 40 + bins.length * barWidth;
  return `<svg id="histogram" role="img" aria-label="histogram of the scores" width="${width}" height="${
    headroom + height + 24
  }" viewBox="0 0 ${width} ${
    headroom + height + 24
  }" xmlns="http://www.w3.org/2000/svg">` +
    `<line x1="28" y1="${headroom + height}" x2="${width}" y2="${
      headroom + height
    }" stroke="#555"></line>${bars}</svg>`;
}

/** The checks the class failed most: `[check, students]`, most first. */
export function mostFailed(results: StudentResult[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const result of results) {
    for (const check of new Set(result.failed)) {
      counts.set(check, (counts.get(check) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function studentDetails(result: StudentResult, index: number): string {
  const checks = result.probe?.checks.filter((c) => c.verdict === "fail") ?? [];
  const failures = checks.map((check) =>
    `<li><code>${escapeHtml(check.server ? `${check.server}: ` : "")}${
      escapeHtml(check.id)
    }</code> ${escapeHtml(check.title)}<dl>` +
    (check.sent ? `<dt>sent</dt><dd>${escapeHtml(check.sent)}</dd>` : "") +
    `<dt>expected</dt><dd>${escapeHtml(check.expected)}</dd>` +
    `<dt>got</dt><dd>${escapeHtml(check.got)}</dd></dl></li>`
  ).join("");
  const outputs = (result.probe?.servers ?? []).flatMap((server) =>
    (["stdout", "stderr"] as const).map((stream) => {
      const captured = server.output?.[stream];
      if (!captured || captured.bytes === 0) return "";
      return `<h4>${
        escapeHtml(server.label)
      }: ${stream} (${captured.bytes} bytes${
        captured.last ? "; the first and the last KiB" : ""
      })</h4><pre>${escapeHtml(captured.first)}</pre>${
        captured.last ? `<p>…</p><pre>${escapeHtml(captured.last)}</pre>` : ""
      }`;
    })
  ).join("");
  const servers = (result.probe?.servers ?? []).map((server) =>
    `<li>${escapeHtml(server.label)}: ${
      escapeHtml(server.error ?? server.stopped?.how ?? "not started")
    }</li>`
  ).join("");
  return `<details class="student" id="student-${index}" data-student="${
    escapeHtml(result.student)
  }"><summary>${
    escapeHtml(result.student)
  }: ${result.score}/${result.max_score}: ${
    escapeHtml(result.reason)
  }</summary>` +
    (servers ? `<ul>${servers}</ul>` : "") +
    (result.contained.length
      ? `<h4>Contained</h4><ul>${
        result.contained.map((line) => `<li>${escapeHtml(line)}</li>`).join("")
      }</ul>`
      : "") +
    (failures ? `<h4>Failures</h4><ol class="failures">${failures}</ol>` : "") +
    outputs +
    (result.probe_output
      ? `<h4>The probe's own stderr</h4><pre>${
        escapeHtml(
          result.probe_output.stderr.first + result.probe_output.stderr.last,
        )
      }</pre>`
      : "") +
    `</details>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; }
th { background: #eee; cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.refused td, tr.error td { color: #a00; }
.bar rect { fill: #4a7ab5; }
.bar text { font-size: 11px; fill: #222; }
details.student { margin: 0.4em 0; border: 1px solid #ddd; padding: 0.3em 0.6em; }
pre { background: #f6f6f6; padding: 0.4em; max-height: 16em; overflow: auto; white-space: pre-wrap; word-break: break-all; }
dt { font-weight: bold; } dd { margin: 0 0 0.3em 1.5em; word-break: break-all; }
`;

// Sorting: a click on a header sorts by that column (numbers as numbers), again to reverse.
// A click on a student's name opens their details.
const SCRIPT = `
"use strict";
(function () {
  var table = document.getElementById("grades");
  var body = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  function key(row, column) {
    var cell = row.cells[column];
    var value = cell.getAttribute("data-value");
    return value === null ? cell.textContent : Number(value);
  }
  function sortBy(column) {
    var header = headers[column];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, column), y = key(b, column);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  for (var i = 0; i < headers.length; i++) {
    headers[i].addEventListener("click", sortBy.bind(null, i));
  }
  body.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-details]");
    if (!link) return;
    var details = document.getElementById(link.getAttribute("data-details"));
    if (details) details.open = true;
  });
})();
`;

/** The whole page. */
export function reportHtml(
  rubric: Rubric,
  results: StudentResult[],
  context: ReportContext,
): string {
  const names = Object.keys(rubric.points);
  const max = results[0]?.max_score ??
    Object.values(rubric.points).reduce((a, b) => a + b, 0);
  const scores = results.map((r) => r.score);
  const mean = scores.length
    ? scores.reduce((a, b) => a + b, 0) / scores.length
    : 0;
  const rows = results.map((result, index) => {
    const byName = new Map(result.entries.map((e) => [e.name, e.score]));
    return `<tr class="${result.status}"><td><a href="#student-${index}" data-details="student-${index}">${
      escapeHtml(result.student)
    }</a></td>` +
      `<td class="num" data-value="${result.score}">${result.score}</td>` +
      names.map((name) => {
        const value = byName.get(name) ?? 0;
        return `<td class="num" data-value="${value}">${value}</td>`;
      }).join("") +
      `<td data-value="${result.failed.length}" class="num">${result.failed.length}</td>` +
      `<td>${escapeHtml(result.reason)}</td></tr>`;
  }).join("\n");
  const failedMost = mostFailed(results).slice(0, 15).map(([check, count]) =>
    `<li><code>${escapeHtml(check)}</code>: ${count} of ${results.length}</li>`
  ).join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>Grades: ${escapeHtml(context.classDir)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Grades: ${escapeHtml(context.classDir)}</h1>
<p id="summary">${results.length} students; mean ${
    mean.toFixed(2)
  } of ${max}; graded ${
    escapeHtml(context.when)
  } by <code>deno task probe --class</code>.</p>
<p>Isolation: ${escapeHtml(context.isolation)}. Limits per program: ${
    escapeHtml(context.limits)
  }.</p>
${
    context.skipped.length
      ? `<p>Skipped (neither a folder nor a .zip): ${
        escapeHtml(context.skipped.join(", "))
      }</p>`
      : ""
  }
<h2>Scores</h2>
${svgHistogram(scores, max)}
<h2>The class table</h2>
<p>Click a column's heading to sort by it; a student's name opens their details.</p>
<table id="grades">
<thead><tr><th>student</th><th>score (of ${max})</th>${
    names.map((name) => `<th>${escapeHtml(name)} (${rubric.points[name]})</th>`)
      .join("")
  }<th>failed</th><th>reason</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>The checks failed most</h2>
<ol id="most-failed">${failedMost || "<li>none</li>"}</ol>
<h2>Per student</h2>
${results.map(studentDetails).join("\n")}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
