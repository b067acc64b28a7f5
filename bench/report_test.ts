import assert from "node:assert/strict";
import {
  formatLatency,
  formatRate,
  markdownTable,
  renderCharts,
  renderMarkdown,
} from "./report.ts";
import {
  type BenchResults,
  median,
  ratioOf,
  summarize,
  type Summary,
} from "./results.ts";
import { checkTargets } from "./targets.ts";

function summary(
  requestsPerSec: number,
  p99Us = 2000,
  userUsPerRequest = 3.2,
): Summary {
  return {
    requestsPerSec,
    p50Us: 500,
    p99Us,
    maxUs: p99Us * 2,
    cpuUsPerRequest: 12.5,
    userUsPerRequest,
    errors: 0,
    rounds: 2,
  };
}

/** A run where every target is measured; `tweak` changes it before use. */
function results(tweak: (r: BenchResults) => void = () => {}): BenchResults {
  const r: BenchResults = {
    info: {
      command: "deno task bench --quick",
      date: "2026-11-23T18:00:00Z",
      machine: "Test CPU, 2 CPUs",
      durationSec: 1,
      rounds: 1,
      loadAverage: "0.50 0.40 0.30",
    },
    servers: [
      { id: "nb", label: "webserve_nb" },
      { id: "nb-log", label: "webserve_nb (access log)" },
      { id: "blocking", label: "webserve (blocking)" },
      { id: "deno-serve", label: "Deno.serve" },
      { id: "node-http", label: "node:http" },
    ],
    skipped: [{
      id: "nginx",
      label: "nginx (1 worker)",
      reason: "nginx is not installed",
    }],
    scenarios: [
      {
        id: "keepalive-1",
        title: "Keep-alive, 1 connection",
        summaries: {
          "blocking": summary(9_000),
          "deno-serve": summary(10_000),
        },
      },
      {
        id: "keepalive-50",
        title: "Keep-alive, 50 connections",
        summaries: {
          "nb": summary(80_000),
          "nb-log": summary(70_000),
          "deno-serve": summary(70_000),
          "node-http": summary(25_000),
        },
      },
      {
        id: "pipeline-16",
        title: "Pipelining, 16 requests deep, 50 connections",
        summaries: {
          "nb": summary(400_000, NaN),
          "deno-serve": summary(90_000),
        },
      },
      {
        id: "close-1",
        title: "New connection per request, 1 connection",
        summaries: {
          "nb": summary(5_500, 2000, 30),
          "deno-floor": summary(5_000, 2000, 34),
        },
      },
      {
        id: "close-8",
        title: "New connection per request, 8 connections",
        summaries: {
          "nb": summary(9_900, 2000, 35),
          "deno-floor": summary(10_000, 2000, 34),
        },
      },
      {
        id: "cores2-keepalive-50",
        title: "2 cores, nothing pinned: keep-alive, 50 connections",
        baseline: "deno-serve-2",
        summaries: {
          "nb-2": summary(150_000),
          "nb-1-spread": summary(100_000),
          "deno-serve-2": summary(120_000),
          "nginx-2": summary(160_000),
        },
      },
    ],
    idleMemory: {
      nb: {
        connections: 5000,
        rssBefore: 30e6,
        rssAfter: 30e6 + 5000 * 4096,
        bytesPerConnection: 4096,
        stillOpen: 5000,
      },
    },
    curve: {
      clients: [1, 16, 256],
      summaries: {
        nb: [summary(10_000), summary(60_000), summary(55_000, 9000)],
        blocking: [summary(12_000), summary(11_000), summary(10_000, 900_000)],
      },
    },
  };
  tweak(r);
  return r;
}

Deno.test("median takes the middle value, or the mean of the middle two, ignoring NaN", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([NaN, 5]), 5);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("summarize takes medians over rounds and adds up every kind of error", () => {
  const s = summarize([
    {
      requestsPerSec: 100,
      requests: 300,
      p50Us: 10,
      p99Us: 50,
      maxUs: 70,
      socketErrors: 1,
      non2xx: 2,
      cpuUsPerRequest: 3,
      userUsPerRequest: 1,
    },
    {
      requestsPerSec: 300,
      requests: 900,
      p50Us: 30,
      p99Us: NaN,
      maxUs: 90,
      socketErrors: 0,
      non2xx: 4,
      cpuUsPerRequest: 5,
      userUsPerRequest: 2,
    },
  ]);
  assert.deepEqual(s, {
    requestsPerSec: 200,
    p50Us: 20,
    p99Us: 50,
    cpuUsPerRequest: 4,
    userUsPerRequest: 1.5,
    maxUs: 90,
    errors: 7,
    rounds: 2,
    perRound: [100, 300],
  });
});

Deno.test("ratioOf pairs rounds, so drift between rounds moves both sides alike", () => {
  // The machine is twice as fast in round 2: every server gains alike.
  const server = { ...summary(150), perRound: [100, 200, 110] };
  const baseline = { ...summary(170), perRound: [125, 250, 170] };
  // Per round: 0.8, 0.8, 0.65; the ratio of medians (110 / 170) says 0.65.
  assert.equal(ratioOf(server, baseline), 0.8);
  // Rounds that do not line up fall back to the ratio of the medians.
  const short = { ...summary(150), perRound: [100, 200] };
  assert.equal(ratioOf(short, baseline), 150 / 170);
  assert.ok(Number.isNaN(ratioOf(server, summary(0))));
});

Deno.test("formatLatency picks µs, ms or s and shows a dash for a missing figure", () => {
  assert.equal(formatLatency(525), "525 µs");
  assert.equal(formatLatency(5340), "5.34 ms");
  assert.equal(formatLatency(1_200_000), "1.20 s");
  assert.equal(formatLatency(NaN), "—");
});

Deno.test("formatRate rounds and groups thousands", () => {
  assert.equal(formatRate(74560.42), "74,560");
  assert.equal(formatRate(NaN), "—");
});

Deno.test("markdownTable left-aligns the first column and right-aligns the rest", () => {
  assert.equal(
    markdownTable(["Server", "Requests/s"], [["a", "1"], ["b", "2"]]),
    "| Server | Requests/s |\n| --- | ---: |\n| a | 1 |\n| b | 2 |",
  );
});

Deno.test("checkTargets judges each target from the run's ratios and memory", () => {
  const checks = checkTargets(results());
  assert.deepEqual(checks.map((c) => [c.measured, c.met]), [
    ["1.14x", true], // 80k vs Deno.serve 70k
    ["3.20x", true], // 80k vs node 25k
    ["4.44x", true], // 400k vs 90k
    ["0.90x", true], // 9k vs 10k
    ["4.0 KB", true],
    ["0.88x", true], // 70k logging vs 80k quiet
    ["1.25x", true], // 2 workers 150k vs deno serve --parallel 120k
    ["0.94x", true], // 150k vs nginx with 2 workers 160k
    ["1.50x", undefined], // 2 workers against 1: stated only
    ["1.10x", true], // a connection per request, 1 client: 5.5k vs the floor's 5k
    ["30.0 µs against 34.0 µs", true],
    ["0.99x", false], // 8 clients: 9.9k vs 10k
    ["35.0 µs against 34.0 µs", false],
  ]);
});

Deno.test("checkTargets reports a missed target and one it could not measure", () => {
  const checks = checkTargets(results((r) => {
    r.scenarios[1].summaries["nb-log"] = summary(40_000);
    delete r.scenarios[0].summaries["blocking"];
  }));
  assert.deepEqual(checks[5].met, false);
  assert.deepEqual([checks[3].measured, checks[3].met], [
    "not measured",
    undefined,
  ]);
});

Deno.test("checkTargets fails the memory target when the server closed idle connections", () => {
  const checks = checkTargets(results((r) => r.idleMemory.nb.stillOpen = 4000));
  assert.equal(checks[4].met, false);
});

Deno.test("renderMarkdown states provenance, skips, targets, every scenario and the charts", () => {
  const md = renderMarkdown(results());
  assert.ok(md.includes("`deno task bench --quick`"));
  assert.ok(md.includes("Test CPU, 2 CPUs"));
  assert.ok(md.includes("Skipped nginx (1 worker): nginx is not installed."));
  assert.ok(md.includes("## Targets"));
  assert.ok(md.includes("## Keep-alive, 50 connections"));
  assert.ok(
    md.includes(
      "| webserve_nb | 80,000 | 500 µs | 2.00 ms | 1.14x | 12.5 µs | 3.2 µs | 0 |",
    ),
  );
  assert.ok(
    md.includes(
      "| webserve_nb | 400,000 | 500 µs | — | 4.44x | 12.5 µs | 3.2 µs | 0 |",
    ),
  );
  assert.ok(
    md.includes("| webserve_nb | 28.6 MB | 48.1 MB | 4.0 KB | 5000 / 5000 |"),
  );
  assert.ok(
    md.includes(
      "![Requests/s against concurrent clients](concurrency_throughput.svg)",
    ),
  );
  assert.ok(
    md.includes(
      "| 256 | 55,000 | 9.00 ms | 18.00 ms | 0 | 10,000 | 900.00 ms | 1.80 s | 0 |",
    ),
  );
  assert.ok(!md.includes("NaN"));
});

Deno.test("renderMarkdown takes the 2-core rows' ratios against deno serve --parallel", () => {
  const md = renderMarkdown(results((r) =>
    r.servers.push(
      { id: "nb-2", label: "webserve_nb --workers 2" },
      { id: "deno-serve-2", label: "deno serve --parallel (2 workers)" },
    )
  ));
  assert.ok(md.includes("| vs deno serve --parallel (2 workers) |"), md);
  assert.ok(
    md.includes(
      "| webserve_nb --workers 2 | 150,000 | 500 µs | 2.00 ms | 1.25x |",
    ),
  );
});

Deno.test("renderMarkdown compares each server with its --baseline row, round by round", () => {
  const md = renderMarkdown(results((r) => {
    r.baseline = { dir: "/tmp/old", name: "abc1234" };
    r.servers.push({
      id: "nb@base",
      label: "webserve_nb @ abc1234",
      baselineOf: "nb",
    });
    r.scenarios[1].summaries["nb"] = {
      ...summary(80_000),
      perRound: [90_000, 70_000],
    };
    r.scenarios[1].summaries["nb@base"] = {
      ...summary(72_000),
      perRound: [80_000, 70_000],
    };
    r.curve.summaries["nb@base"] = [
      summary(5_000),
      summary(30_000),
      summary(55_000),
    ];
  }));
  assert.ok(md.includes("## Against the baseline abc1234"));
  // Round ratios 1.125 and 1.0: their median.
  assert.ok(
    md.includes(
      "| Keep-alive, 50 connections | webserve_nb | 80,000 | 72,000 | 1.06x | 12.5 µs | 12.5 µs |",
    ),
    md,
  );
  assert.ok(
    md.includes(
      "| Concurrency curve, 1 clients | webserve_nb | 10,000 | 5,000 | 2.00x |",
    ),
  );
  // The baseline row is in the tables, not in the charts of docs/performance.md.
  assert.ok(md.includes("| webserve_nb @ abc1234 | 72,000 |"));
});

Deno.test("renderCharts draws one line per project server in each chart", () => {
  const charts = renderCharts(results());
  assert.deepEqual(Object.keys(charts).sort(), [
    "concurrency_p99.svg",
    "concurrency_throughput.svg",
  ]);
  for (const svg of Object.values(charts)) {
    assert.ok(svg.includes("webserve (blocking)"));
  }
  const withBaseline = renderCharts(results((r) => {
    r.servers.push({ id: "nb@base", label: "old nb", baselineOf: "nb" });
    r.curve.summaries["nb@base"] = r.curve.summaries.nb;
  }));
  for (const svg of Object.values(withBaseline)) {
    assert.ok(!svg.includes("old nb"));
  }
});
