import assert from "node:assert/strict";
import {
  compactNumber,
  escapeXml,
  linearTicks,
  lineChart,
  logTicks,
} from "./svg_chart.ts";

const CHART = {
  title: "Requests per second",
  x: { label: "clients", scale: "log" as const },
  y: { label: "requests/s", scale: "linear" as const },
  series: [
    {
      name: "non-blocking",
      points: [[1, 10_000], [16, 60_000], [256, 55_000]] as [number, number][],
    },
    {
      name: "blocking",
      points: [[1, 12_000], [16, 12_000], [256, 11_000]] as [number, number][],
    },
  ],
};

/** The numeric attribute `name` of every `<tag>` element in `svg`. */
function attributes(svg: string, tag: string, name: string): number[] {
  return [
    ...svg.matchAll(new RegExp(`<${tag}\\b[^>]*\\b${name}="([-\\d.]+)"`, "g")),
  ].map((m) => Number(m[1]));
}

Deno.test("lineChart draws one polyline and one marker per point for each series", () => {
  const svg = lineChart(CHART);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  assert.equal(svg.match(/<polyline /g)?.length, 2);
  assert.equal(svg.match(/<circle /g)?.length, 6);
  assert.ok(svg.includes(">non-blocking</text>"));
  assert.ok(svg.includes(">blocking</text>"));
});

Deno.test("lineChart places points inside the plot, higher values higher up", () => {
  const svg = lineChart({ ...CHART, width: 600, height: 300 });
  const cx = attributes(svg, "circle", "cx");
  const cy = attributes(svg, "circle", "cy");
  for (const x of cx) assert.ok(x >= 0 && x <= 600, `cx ${x} outside`);
  for (const y of cy) assert.ok(y >= 0 && y <= 300, `cy ${y} outside`);
  // non-blocking at 16 clients (60k) is above non-blocking at 1 client (10k).
  assert.ok(cy[1] < cy[0]);
  // On a log axis 16 lies halfway between 1 and 256.
  assert.ok(Math.abs(cx[1] - (cx[0] + cx[2]) / 2) < 0.2);
});

Deno.test("lineChart skips points a log axis cannot show", () => {
  const svg = lineChart({
    ...CHART,
    y: { label: "p99", scale: "log" },
    series: [{ name: "s", points: [[1, 0], [2, NaN], [4, 100], [8, 1000]] }],
  });
  assert.equal(svg.match(/<circle /g)?.length, 2);
  assert.ok(!svg.includes("NaN"));
  assert.ok(!svg.includes("Infinity"));
});

Deno.test("lineChart escapes titles and series names", () => {
  const svg = lineChart({
    ...CHART,
    title: "a < b & c",
    series: [{ name: '"x"', points: [[1, 1]] }],
  });
  assert.ok(svg.includes("a &lt; b &amp; c"));
  assert.ok(svg.includes("&quot;x&quot;"));
  assert.ok(!svg.includes("a < b"));
});

Deno.test("lineChart draws an empty chart without NaN when there is no data", () => {
  const svg = lineChart({ ...CHART, series: [] });
  assert.ok(!svg.includes("NaN"));
});

Deno.test("escapeXml escapes ampersands, angle brackets and double quotes", () => {
  assert.equal(
    escapeXml(`<a href="x">&</a>`),
    "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;",
  );
});

Deno.test("linearTicks covers the maximum with 1-2-5 steps from zero", () => {
  assert.deepEqual(linearTicks(87_000), [
    0,
    20_000,
    40_000,
    60_000,
    80_000,
    100_000,
  ]);
  assert.deepEqual(linearTicks(5), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(linearTicks(0), [0, 1]);
});

Deno.test("logTicks lists the powers of the base around the range", () => {
  assert.deepEqual(logTicks(1, 256, 2), [1, 2, 4, 8, 16, 32, 64, 128, 256]);
  assert.deepEqual(logTicks(40, 5_000, 10), [10, 100, 1_000, 10_000]);
});

Deno.test("compactNumber shortens thousands and millions", () => {
  assert.equal(compactNumber(950), "950");
  assert.equal(compactNumber(1500), "1.5k");
  assert.equal(compactNumber(20_000), "20k");
  assert.equal(compactNumber(1_234_567), "1.23M");
});

Deno.test("lineChart draws a dashed series in the colour of the series before it", () => {
  const svg = lineChart({
    ...CHART,
    series: [
      { name: "a p99", points: [[1, 1], [2, 2]] },
      { name: "a slowest", points: [[1, 3], [2, 4]], dashed: true },
      { name: "b p99", points: [[1, 1], [2, 1]] },
    ],
  });
  const strokes = [...svg.matchAll(/<polyline [^>]*stroke="(#[0-9A-F]+)"/g)]
    .map((m) => m[1]);
  assert.equal(strokes[0], strokes[1]);
  assert.notEqual(strokes[1], strokes[2]);
  assert.equal(svg.match(/<polyline [^>]*stroke-dasharray/g)?.length, 1);
});
