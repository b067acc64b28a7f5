/**
 * A markdown table, padded as \`deno fmt\` pads one, so that a table a tool
 * writes into a doc is already formatted.
 *
 * @module
 */

/** `rows` (the first is the heading) as a markdown table, padded as `deno fmt` pads it. */
export function markdownTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, i) =>
    Math.max(3, ...rows.map((row) => [...row[i]].length))
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(rows[0]),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...rows.slice(1).map(line),
  ].join("\n");
}
