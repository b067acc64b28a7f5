/**
 * The two timelines as one standalone SVG, in the style of the bench charts
 * (`bench/svg_chart.ts`: white ground, grey grid, Okabe-Ito colours, sans
 * serif), for the README. One panel per server on a shared time axis; each
 * row is a client, with bars for sending, waiting and idling, and marks for
 * its connect, its answer and its close.
 *
 * @module
 */

import { escapeXml } from "../bench/svg_chart.ts";
import type { ClientRecord, CrowdRun } from "./crowd.ts";
import { axisTicks, clientSpans, describeClient, MARKS } from "./timeline.ts";

/** One server's panel. */
export interface SvgPanel {
  /** Bold, above the rows: `webserve (blocking)`. */
  heading: string;
  /** Under the heading: the summary. */
  summary: string;
  /** What the crowd saw. */
  run: CrowdRun;
}

/** What to draw. */
export interface TimelineSvgOptions {
  /** The heading above both panels. */
  title: string;
  /** The panels, top to bottom. */
  panels: readonly SvgPanel[];
  /** The longest time to show; default the longest run. */
  axisMs?: number;
}

/** Colours that stay distinct for common colour-vision deficiencies (Okabe-Ito), by meaning. */
const COLOUR = {
  connected: "#0072B2",
  sending: "#E69F00",
  waiting: "#D55E00",
  answered: "#009E73",
  refused: "#CC79A7",
  idle: "#56B4E9",
  closed: "#333",
  open: "#999",
} as const;

const WIDTH = 900;
const LEFT = 90;
const PLOT_RIGHT = 600;
const NOTE_X = 612;
const ROW = 18;
const BAR = 8;
const PANEL_HEAD = 44;
const AXIS_SPACE = 46;
const TITLE_SPACE = 40;
const LEGEND_SPACE = 46;

const px = (n: number) => n.toFixed(1);

/** Draws the panels as a standalone SVG document. */
export function timelineSvg(options: TimelineSvgOptions): string {
  const axisMs = options.axisMs ??
    Math.max(1, ...options.panels.map((panel) => panel.run.durationMs));
  const ticks = axisTicks(axisMs);
  const end = ticks[ticks.length - 1];
  const x = (ms: number) =>
    LEFT + (Math.max(0, Math.min(ms, end)) / end) * (PLOT_RIGHT - LEFT);
  const panelHeights = options.panels.map((panel) =>
    PANEL_HEAD + panel.run.clients.length * ROW + AXIS_SPACE
  );
  const height = TITLE_SPACE + panelHeights.reduce((a, b) => a + b, 0) +
    LEGEND_SPACE;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${
      WIDTH / 2
    }" y="22" text-anchor="middle" font-size="15" font-weight="bold">${
      escapeXml(options.title)
    }</text>`,
  ];
  let top = TITLE_SPACE;
  options.panels.forEach((panel, index) => {
    out.push(...drawPanel(panel, top, ticks, x));
    top += panelHeights[index];
  });
  out.push(...drawLegend(top + 8), "</svg>");
  return out.join("\n") + "\n";
}

function drawPanel(
  panel: SvgPanel,
  top: number,
  ticks: readonly number[],
  x: (ms: number) => number,
): string[] {
  const rowsTop = top + PANEL_HEAD;
  const rowsBottom = rowsTop + panel.run.clients.length * ROW;
  const out = [
    `<text x="${LEFT}" y="${top + 14}" font-size="13" font-weight="bold">${
      escapeXml(panel.heading)
    }</text>`,
    `<text x="${LEFT}" y="${top + 32}">${escapeXml(panel.summary)}</text>`,
  ];
  for (const tick of ticks) {
    const at = px(x(tick));
    out.push(
      `<line x1="${at}" y1="${rowsTop}" x2="${at}" y2="${rowsBottom}" stroke="#e5e5e5"/>`,
      `<text x="${at}" y="${
        rowsBottom + 16
      }" text-anchor="middle">${tick}</text>`,
    );
  }
  out.push(
    `<rect x="${LEFT}" y="${rowsTop}" width="${PLOT_RIGHT - LEFT}" height="${
      rowsBottom - rowsTop
    }" fill="none" stroke="#999"/>`,
    `<text x="${PLOT_RIGHT}" y="${
      rowsBottom + 30
    }" text-anchor="end">time since the first client connected (ms)</text>`,
  );
  panel.run.clients.forEach((client, index) => {
    out.push(...drawRow(client, rowsTop + index * ROW + ROW / 2, x));
  });
  return out;
}

function drawRow(
  client: ClientRecord,
  middle: number,
  x: (ms: number) => number,
): string[] {
  const note = describeClient(client);
  const out = [
    `<g><title>${escapeXml(`${client.name}: ${note}`)}</title>`,
    `<text x="${LEFT - 8}" y="${
      px(middle)
    }" text-anchor="end" dominant-baseline="middle">${
      escapeXml(client.name)
    }</text>`,
  ];
  const bar = (from: number, to: number, colour: string) => {
    const left = x(from);
    const width = Math.max(x(to) - left, 1);
    out.push(
      `<rect x="${px(left)}" y="${px(middle - BAR / 2)}" width="${
        px(width)
      }" height="${BAR}" fill="${colour}"/>`,
    );
  };
  const connected = client.connectedAt ?? client.startedAt;
  const answered = client.answeredAt;
  for (const span of clientSpans(client)) {
    bar(span.from, span.to, COLOUR[span.kind]);
  }
  if (client.end !== "refused") {
    out.push(
      `<circle cx="${px(x(connected))}" cy="${
        px(middle)
      }" r="3.5" fill="${COLOUR.connected}"/>`,
    );
  }
  const endX = px(x(client.endedAt));
  if (client.end === "demo") {
    out.push(
      `<path d="M${endX} ${
        px(middle - 6)
      } l6 6 l-6 6 z" fill="${COLOUR.open}"/>`,
    );
  } else if (client.end !== "client") {
    out.push(
      `<line x1="${endX}" y1="${px(middle - 7)}" x2="${endX}" y2="${
        px(middle + 7)
      }" stroke="${COLOUR.closed}" stroke-width="2"/>`,
    );
  }
  if (answered !== undefined) {
    const colour = client.status !== undefined && client.status < 400
      ? COLOUR.answered
      : COLOUR.refused;
    out.push(diamond(x(answered), middle, colour));
  }
  out.push(
    `<text x="${NOTE_X}" y="${
      px(middle)
    }" dominant-baseline="middle" fill="#444">${escapeXml(note)}</text>`,
    `</g>`,
  );
  return out;
}

function diamond(cx: number, cy: number, colour: string): string {
  return `<path d="M${px(cx)} ${
    px(cy - 6)
  } l6 6 l-6 6 l-6 -6 z" fill="${colour}" stroke="#fff" stroke-width="1"/>`;
}

/** The legend: each mark with the meaning the text chart gives it. */
function drawLegend(top: number): string[] {
  const swatch: Record<keyof typeof MARKS, (x: number, y: number) => string> = {
    connected: (x, y) =>
      `<circle cx="${x + 6}" cy="${y}" r="3.5" fill="${COLOUR.connected}"/>`,
    sending: (x, y) => legendBar(x, y, COLOUR.sending),
    waiting: (x, y) => legendBar(x, y, COLOUR.waiting),
    answered: (x, y) => diamond(x + 6, y, COLOUR.answered),
    refused: (x, y) => diamond(x + 6, y, COLOUR.refused),
    idle: (x, y) => legendBar(x, y, COLOUR.idle),
    closed: (x, y) =>
      `<line x1="${x + 6}" y1="${y - 7}" x2="${x + 6}" y2="${
        y + 7
      }" stroke="${COLOUR.closed}" stroke-width="2"/>`,
    open: (x, y) =>
      `<path d="M${x + 3} ${y - 6} l6 6 l-6 6 z" fill="${COLOUR.open}"/>`,
  };
  const out: string[] = [];
  const perLine = 4;
  const step = (WIDTH - 2 * LEFT) / perLine;
  (Object.keys(MARKS) as (keyof typeof MARKS)[]).forEach((key, index) => {
    const x = LEFT + (index % perLine) * step;
    const y = top + Math.floor(index / perLine) * 20;
    out.push(
      swatch[key](x, y),
      `<text x="${x + 24}" y="${y}" dominant-baseline="middle">${
        escapeXml(MARKS[key].meaning)
      }</text>`,
    );
  });
  return out;
}

function legendBar(x: number, y: number, colour: string): string {
  return `<rect x="${x}" y="${
    y - BAR / 2
  }" width="16" height="${BAR}" fill="${colour}"/>`;
}
