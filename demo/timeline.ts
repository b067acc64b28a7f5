/**
 * The text chart of one run: one row per client on a time axis in
 * milliseconds, the same axis for both servers so they can be compared.
 *
 * ```text
 *            0         500       1000      1500      2000      2500 ms
 *            +---------+---------+---------+---------+---------+
 * idle       #~~~~~~~~~~~~~~~~~~~x                                 200 after 4 ms, closed at 1008 ms
 * ordinary 1   o.....................................#             200 after 1907 ms
 * ```
 *
 * @module
 */

import { linearTicks } from "../bench/svg_chart.ts";
import type { ClientRecord, CrowdRun } from "./crowd.ts";
import { type Ink, type Palette, PLAIN, stripAnsi } from "./terminal.ts";

/** How to draw the chart. */
export interface TimelineOptions {
  /** The longest time to show; the axis ends at the next round figure. */
  axisMs: number;
  /** About how many columns the time axis takes (a whole number per tick); default {@link TIMELINE_COLUMNS}. */
  columns?: number;
  /** Colours; default none. */
  palette?: Palette;
}

/** Columns the time axis takes by default. */
export const TIMELINE_COLUMNS = 50;

/** Width of the client names. */
const NAME_WIDTH = 10;

/** Each mark of the chart and what it means, in the order the legend lists them. */
export const MARKS = {
  connected: { char: "o", ink: "connected", meaning: "connected" },
  sending: { char: "-", ink: "sending", meaning: "sending its head" },
  waiting: { char: ".", ink: "waiting", meaning: "waiting" },
  answered: { char: "#", ink: "answered", meaning: "answered" },
  refused: { char: "!", ink: "refused", meaning: "error answer" },
  idle: { char: "~", ink: "idle", meaning: "open, idle" },
  closed: { char: "x", ink: "closed", meaning: "closed by the server" },
  open: { char: ">", ink: "muted", meaning: "still open at the end" },
} as const satisfies Record<
  string,
  { char: string; ink: Ink; meaning: string }
>;

type Mark = (typeof MARKS)[keyof typeof MARKS];

/** The ticks of the shared axis: round figures from 0 to at least `axisMs`. */
export function axisTicks(axisMs: number): number[] {
  return linearTicks(Math.max(axisMs, 1), 5);
}

/** The words beside a row: the answer, and how the connection ended. */
export function describeClient(client: ClientRecord): string {
  const ms = (value: number) => `${Math.round(value)} ms`;
  if (client.end === "refused") return "could not connect";
  const parts: string[] = [];
  // "after": since the client started, as in the summary; "at": on the axis.
  parts.push(
    client.answeredAt === undefined
      ? "no answer"
      : `${client.status} after ${ms(client.answeredAt - client.startedAt)}`,
  );
  if (client.sentAt === undefined) {
    parts.push(`${client.bytesSent}/${client.requestBytes} bytes sent`);
  }
  // An answer saying `Connection: close` already tells the close.
  if (client.end === "server" && !client.answerSaysClose) {
    parts.push(`closed at ${ms(client.endedAt)}`);
  } else if (client.end === "reset") {
    parts.push(`reset at ${ms(client.endedAt)}`);
  } else if (client.end === "demo" && client.answeredAt !== undefined) {
    parts.push("open at the end");
  }
  return parts.join(", ");
}

/** A stretch of a client's row. */
export interface Span {
  /** What the client was doing: sending its head, waiting for its answer, or holding its connection open after it. */
  readonly kind: "sending" | "waiting" | "idle";
  /** From, in ms since the run began. */
  readonly from: number;
  /** To. */
  readonly to: number;
}

/** The stretches of a client's row, in order; the text chart and the SVG draw the same ones. */
export function clientSpans(client: ClientRecord): Span[] {
  if (client.end === "refused") return [];
  const connected = client.connectedAt ?? client.startedAt;
  const waitedUntil = client.answeredAt ?? client.endedAt;
  const spans: Span[] = [];
  if (client.sentAt === undefined) {
    // Still sending its head when it was answered or ended.
    spans.push({ kind: "sending", from: connected, to: waitedUntil });
  } else {
    if (client.sentAt > connected) {
      spans.push({ kind: "sending", from: connected, to: client.sentAt });
    }
    spans.push({ kind: "waiting", from: client.sentAt, to: waitedUntil });
  }
  if (client.answeredAt !== undefined && client.endedAt > client.answeredAt) {
    spans.push({ kind: "idle", from: client.answeredAt, to: client.endedAt });
  }
  return spans;
}

/** The marks of one row, one per column. */
function rowMarks(
  client: ClientRecord,
  column: (ms: number) => number,
  columns: number,
): (Mark | undefined)[] {
  const cells: (Mark | undefined)[] = new Array(columns + 1).fill(undefined);
  for (const span of clientSpans(client)) {
    for (let c = column(span.from); c <= column(span.to); c++) {
      cells[c] = MARKS[span.kind];
    }
  }
  if (client.end !== "refused") {
    cells[column(client.connectedAt ?? client.startedAt)] = MARKS.connected;
  }
  if (
    client.end === "server" || client.end === "reset" ||
    client.end === "refused"
  ) {
    cells[column(client.endedAt)] = MARKS.closed;
  } else if (client.end === "demo") {
    cells[column(client.endedAt)] = MARKS.open;
  }
  if (client.answeredAt !== undefined) {
    cells[column(client.answeredAt)] =
      client.status !== undefined && client.status < 400
        ? MARKS.answered
        : MARKS.refused;
  }
  return cells;
}

/** Paints a row of marks, one escape sequence per run of the same ink. */
function paint(cells: readonly (Mark | undefined)[], palette: Palette): string {
  let out = "";
  let run = "";
  let ink: Ink | undefined;
  const flush = () => {
    out += ink ? palette[ink](run) : run;
    run = "";
  };
  for (const cell of cells) {
    const cellInk = cell?.ink;
    if (cellInk !== ink) flush(), ink = cellInk;
    run += cell?.char ?? " ";
  }
  flush();
  return out.trimEnd();
}

/** The axis labels and the ruler under them. */
function axisLines(
  ticks: number[],
  columns: number,
  palette: Palette,
): string[] {
  const end = ticks[ticks.length - 1];
  let labels = "";
  const ruler = new Array(columns + 1).fill("-");
  for (const tick of ticks) {
    const at = Math.round((tick / end) * columns);
    labels = labels.padEnd(at) + String(tick) + " ";
    ruler[at] = "+";
  }
  const indent = " ".repeat(NAME_WIDTH + 1);
  return [
    palette.muted(`${indent}${labels}ms`),
    palette.muted(`${indent}${ruler.join("")}`),
  ];
}

/**
 * Draws one run: a heading, the axis, then one row per client with the words
 * of {@link describeClient} beside it.
 */
export function renderTimeline(
  heading: string,
  run: CrowdRun,
  options: TimelineOptions,
): string {
  const palette = options.palette ?? PLAIN;
  const ticks = axisTicks(options.axisMs);
  // A whole number of columns between ticks, so the ruler is even.
  const intervals = ticks.length - 1;
  const columns = intervals *
    Math.max(1, Math.round((options.columns ?? TIMELINE_COLUMNS) / intervals));
  const end = ticks[ticks.length - 1];
  const column = (ms: number) =>
    Math.max(0, Math.min(columns, Math.round((ms / end) * columns)));
  const lines = [
    palette.heading(heading),
    ...axisLines(ticks, columns, palette),
  ];
  for (const client of run.clients) {
    const row = paint(rowMarks(client, column, columns), palette);
    const width = row.length - stripAnsi(row).length + columns + 1;
    lines.push(
      `${client.name.padEnd(NAME_WIDTH)} ${row.padEnd(width)}  ${
        palette.muted(describeClient(client))
      }`,
    );
  }
  return lines.join("\n");
}

/** The legend: every mark and its meaning, four to a line. */
export function renderLegend(palette: Palette = PLAIN): string {
  const entries = Object.values(MARKS).map((mark) =>
    `${palette[mark.ink](mark.char)} ${mark.meaning}`
  );
  const lines: string[] = [];
  for (let at = 0; at < entries.length; at += 4) {
    lines.push(
      (at === 0 ? "legend: " : "        ") +
        entries.slice(at, at + 4).join("   "),
    );
  }
  return lines.join("\n");
}
