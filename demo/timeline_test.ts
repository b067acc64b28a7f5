import assert from "node:assert/strict";
import { BLOCKING_RUN, NON_BLOCKING_RUN } from "./_fixture_runs.ts";
import type { ClientRecord } from "./crowd.ts";
import { ANSI, stripAnsi } from "./terminal.ts";
import {
  axisTicks,
  describeClient,
  MARKS,
  renderLegend,
  renderTimeline,
} from "./timeline.ts";

Deno.test("renderTimeline draws the blocking run: idle until its timeout, trickling until its 408, the ordinary clients waiting behind both", () => {
  assert.equal(
    renderTimeline("webserve (blocking)", BLOCKING_RUN, { axisMs: 2030 }),
    [
      "webserve (blocking)",
      "           0         500       1000      1500      2000      2500 ms",
      "           +---------+---------+---------+---------+---------+",
      "idle       #~~~~~~~~~~~~~~~~~~~x                                200 after 4 ms, closed at 1008 ms",
      "trickling  o---------------------------------------!            408 after 2004 ms, 57/288 bytes sent",
      "ordinary 1   o.....................................#            200 after 1904 ms",
      "ordinary 2   o.....................................#            200 after 1906 ms",
      "ordinary 3   o.....................................#            200 after 1907 ms",
      "ordinary 4   o.....................................#            200 after 1908 ms",
      "ordinary 5   o.....................................#            200 after 1909 ms",
      "ordinary 6   o.....................................#            200 after 1910 ms",
      "ordinary 7   o.....................................#            200 after 1911 ms",
      "ordinary 8   o.....................................#            200 after 1912 ms",
    ].join("\n"),
  );
});

Deno.test("renderTimeline draws the non-blocking run: ordinary clients answered at once, idle and trickling still open at the end", () => {
  assert.equal(
    renderTimeline("webserve_nb (non-blocking)", NON_BLOCKING_RUN, {
      axisMs: 2030,
    }),
    [
      "webserve_nb (non-blocking)",
      "           0         500       1000      1500      2000      2500 ms",
      "           +---------+---------+---------+---------+---------+",
      "idle       #~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~>           200 after 6 ms, open at the end",
      "trickling  o---------------------------------------->           no answer, 55/288 bytes sent",
      "ordinary 1   #                                                  200 after 4 ms",
      "ordinary 2   #                                                  200 after 4 ms",
      "ordinary 3   #                                                  200 after 5 ms",
      "ordinary 4   #                                                  200 after 5 ms",
      "ordinary 5   #                                                  200 after 6 ms",
      "ordinary 6   #                                                  200 after 6 ms",
      "ordinary 7   #                                                  200 after 7 ms",
      "ordinary 8   #                                                  200 after 7 ms",
    ].join("\n"),
  );
});

Deno.test("renderTimeline keeps the ruler even: a whole number of columns between ticks", () => {
  // 1015 ms: ticks 0, 500, 1000, 1500 -> 3 intervals of 17 columns.
  const chart = renderTimeline("t", BLOCKING_RUN, { axisMs: 1015 });
  const ruler = chart.split("\n")[2].trim();
  assert.equal(ruler, ["+", "+", "+", "+"].join("-".repeat(16)));
  assert.deepEqual(axisTicks(1015), [0, 500, 1000, 1500]);
});

Deno.test("renderTimeline in colour shows the same chart once the colour codes are stripped", () => {
  const plain = renderTimeline("webserve (blocking)", BLOCKING_RUN, {
    axisMs: 2030,
  });
  const coloured = renderTimeline("webserve (blocking)", BLOCKING_RUN, {
    axisMs: 2030,
    palette: ANSI,
  });
  assert.notEqual(coloured, plain);
  // The wait, in one run of yellow.
  assert.ok(coloured.includes(`\x1b[33m${".".repeat(37)}\x1b[0m`), coloured);
  assert.equal(stripAnsi(coloured), plain);
});

Deno.test("describeClient names a refusal, a reset and a client never answered", () => {
  const base: ClientRecord = BLOCKING_RUN.clients[2];
  assert.equal(
    describeClient({
      ...base,
      connectedAt: undefined,
      sentAt: undefined,
      answeredAt: undefined,
      end: "refused",
    }),
    "could not connect",
  );
  assert.equal(
    describeClient({
      ...base,
      answeredAt: undefined,
      endedAt: 300,
      end: "reset",
    }),
    "no answer, reset at 300 ms",
  );
  assert.equal(
    describeClient({
      ...base,
      answeredAt: undefined,
      endedAt: 8000,
      end: "demo",
    }),
    "no answer",
  );
});

Deno.test("renderLegend lists every mark the chart uses, with its meaning", () => {
  const legend = renderLegend();
  for (const mark of Object.values(MARKS)) {
    assert.ok(
      legend.includes(`${mark.char} ${mark.meaning}`),
      `${mark.char} missing`,
    );
  }
  assert.equal(stripAnsi(renderLegend(ANSI)), legend);
});
