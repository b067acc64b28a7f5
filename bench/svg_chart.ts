/**
 * A small line chart as standalone SVG, written by hand: `docs/performance.md`
 * shows it straight from `bench/results/`.
 *
 * @module
 */

/** One line of the chart. */
export interface Series {
  /** The legend entry. */
  name: string;
  /** Points as `[x, y]`; non-finite values are skipped. */
  points: readonly (readonly [number, number])[];
  /** Draw dashed, in the colour of the series before it (a second measure of the same thing). */
  dashed?: boolean;
}

/** How one axis is scaled and labelled. */
export interface Axis {
  /** The axis title. */
  label: string;
  /** `log` spaces powers evenly (base 2 on x, base 10 on y); `linear` starts at zero. */
  scale: "linear" | "log";
  /** Formats a tick value; defaults to a compact number (`1.5k`, `20k`). */
  format?: (value: number) => string;
}

/** What to draw. */
export interface ChartOptions {
  /** The heading above the plot. */
  title: string;
  /** The horizontal axis. */
  x: Axis;
  /** The vertical axis. */
  y: Axis;
  /** The lines. */
  series: readonly Series[];
  /** Size in pixels; defaults to 640 by 360. */
  width?: number;
  /** Height in pixels. */
  height?: number;
}

/** Colours that stay distinct for common colour-vision deficiencies (Okabe-Ito). */
const COLOURS = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
];

const MARGIN = { top: 40, right: 20, bottom: 50, left: 70 };

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  ).replaceAll('"', "&quot;");
}

/** A compact number: `950`, `1.5k`, `20k`, `1.2M`. */
export function compactNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** Evenly spaced "nice" ticks (1, 2 or 5 times a power of ten) from 0 to at least `max`. */
export function linearTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ??
    10 * power;
  const ticks: number[] = [];
  for (let t = 0; t < max + step / 2; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/** Powers of `base` covering `[min, max]`. */
export function logTicks(min: number, max: number, base: number): number[] {
  const low = Math.floor(Math.log(min) / Math.log(base) + 1e-9);
  const high = Math.ceil(Math.log(max) / Math.log(base) - 1e-9);
  const ticks: number[] = [];
  for (let e = low; e <= high; e++) {
    ticks.push(Number((base ** e).toPrecision(12)));
  }
  return ticks;
}

interface Scale {
  ticks: number[];
  toPixel: (value: number) => number;
}

function makeScale(
  axis: Axis,
  values: number[],
  base: number,
  from: number,
  to: number,
): Scale {
  let ticks: number[];
  if (axis.scale === "log") {
    const positive = values.filter((v) => v > 0);
    ticks = positive.length
      ? logTicks(Math.min(...positive), Math.max(...positive), base)
      : [1, base];
    if (ticks.length < 2) ticks.push(ticks[0] * base);
  } else {
    ticks = linearTicks(values.length ? Math.max(...values) : 1);
  }
  const first = ticks[0];
  const last = ticks[ticks.length - 1];
  const position = axis.scale === "log"
    ? (v: number) =>
      (Math.log(v) - Math.log(first)) / (Math.log(last) - Math.log(first))
    : (v: number) => (v - first) / (last - first);
  return { ticks, toPixel: (v) => from + position(v) * (to - from) };
}

/** Draws `options` as a standalone SVG document. */
export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const usable = (p: readonly [number, number]) =>
    Number.isFinite(p[0]) && Number.isFinite(p[1]) &&
    (options.x.scale !== "log" || p[0] > 0) &&
    (options.y.scale !== "log" || p[1] > 0);
  const series = options.series.map((s) => ({
    ...s,
    points: s.points.filter(usable),
  }));
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const x = makeScale(options.x, xs, 2, left, right);
  const y = makeScale(options.y, ys, 10, bottom, top);
  const formatX = options.x.format ?? compactNumber;
  const formatY = options.y.format ?? compactNumber;
  const px = (n: number) => n.toFixed(1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${
      width / 2
    }" y="22" text-anchor="middle" font-size="15" font-weight="bold">${
      escapeXml(options.title)
    }</text>`,
  ];
  for (const tick of x.ticks) {
    const at = px(x.toPixel(tick));
    out.push(
      `<line x1="${at}" y1="${top}" x2="${at}" y2="${bottom}" stroke="#e5e5e5"/>`,
      `<text x="${at}" y="${bottom + 16}" text-anchor="middle">${
        escapeXml(formatX(tick))
      }</text>`,
    );
  }
  for (const tick of y.ticks) {
    const at = px(y.toPixel(tick));
    out.push(
      `<line x1="${left}" y1="${at}" x2="${right}" y2="${at}" stroke="#e5e5e5"/>`,
      `<text x="${
        left - 6
      }" y="${at}" text-anchor="end" dominant-baseline="middle">${
        escapeXml(formatY(tick))
      }</text>`,
    );
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${
      bottom - top
    }" fill="none" stroke="#999"/>`,
    `<text x="${(left + right) / 2}" y="${height - 12}" text-anchor="middle">${
      escapeXml(options.x.label)
    }</text>`,
    `<text transform="translate(16 ${
      (top + bottom) / 2
    }) rotate(-90)" text-anchor="middle">${escapeXml(options.y.label)}</text>`,
  );
  // The legend goes last, on a white box, so no line crosses it.
  const legend: string[] = [];
  if (series.length) {
    const longest = Math.max(...series.map((s) => s.name.length));
    legend.push(
      `<rect x="${left + 6}" y="${top + 6}" width="${
        44 + longest * 7
      }" height="${
        series.length * 18 + 2
      }" fill="#fff" fill-opacity="0.9" stroke="#ccc"/>`,
    );
  }
  let colourIndex = -1;
  series.forEach((s, index) => {
    if (!s.dashed || colourIndex < 0) colourIndex++;
    const colour = COLOURS[colourIndex % COLOURS.length];
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    const coords = s.points.map((p) =>
      `${px(x.toPixel(p[0]))},${px(y.toPixel(p[1]))}`
    );
    if (coords.length > 1) {
      out.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2.5"${dash} points="${
          coords.join(" ")
        }"/>`,
      );
    }
    for (const c of coords) {
      const [cx, cy] = c.split(",");
      out.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${colour}"/>`);
    }
    const legendY = top + 16 + index * 18;
    legend.push(
      `<line x1="${left + 12}" y1="${legendY}" x2="${
        left + 36
      }" y2="${legendY}" stroke="${colour}" stroke-width="2.5"${dash}/>`,
      `<text x="${left + 42}" y="${legendY}" dominant-baseline="middle">${
        escapeXml(s.name)
      }</text>`,
    );
  });
  out.push(...legend, "</svg>");
  return out.join("\n") + "\n";
}
