/**
 * One run's results as Markdown (for `bench/results/` and the terminal) and
 * as SVG charts of the concurrency curve.
 *
 * @module
 */

import { type BenchResults, ratioOf, type Summary } from "./results.ts";
import { lineChart } from "./svg_chart.ts";
import { checkTargets } from "./targets.ts";

/** The baseline every ratio is taken against. */
export const BASELINE_ID = "deno-serve";

/** Formats requests per second with thousands separators: `74,560`. */
export function formatRate(value: number): string {
  return Number.isFinite(value)
    ? Math.round(value).toLocaleString("en-US")
    : "—";
}

/** Formats a latency in microseconds: `525 µs`, `5.34 ms`, `1.20 s`. */
export function formatLatency(us: number): string {
  if (!Number.isFinite(us)) return "—";
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(2)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

/** Formats bytes as KB with one decimal: `6.2 KB`. */
export function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A Markdown table; cells must not contain `|`. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const rule = `|${
    header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")
  }|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function scenarioRow(
  label: string,
  summary: Summary,
  baseline: Summary | undefined,
): string[] {
  const value = baseline ? ratioOf(summary, baseline) : NaN;
  const ratio = Number.isFinite(value) ? `${value.toFixed(2)}x` : "—";
  return [
    label,
    formatRate(summary.requestsPerSec),
    formatLatency(summary.p50Us),
    formatLatency(summary.p99Us),
    ratio,
    formatCpu(summary.cpuUsPerRequest),
    formatCpu(summary.userUsPerRequest),
    String(summary.errors),
  ];
}

/** A CPU time per request in microseconds, or a dash when it was not measured. */
export function formatCpu(us: number | undefined): string {
  return us !== undefined && Number.isFinite(us) ? `${us.toFixed(1)} µs` : "—";
}

/** The chart files {@link renderCharts} produces, by file name. */
export const CHART_FILES = {
  throughput: "concurrency_throughput.svg",
  latency: "concurrency_p99.svg",
} as const;

/** The whole report as Markdown; charts are referenced by their file names beside it. */
export function renderMarkdown(results: BenchResults): string {
  const { info } = results;
  const label = (id: string) =>
    results.servers.find((s) => s.id === id)?.label ?? id;
  const out: string[] = [
    "# Benchmark results",
    "",
    `Produced by \`${info.command}\` on ${info.date}.`,
    "",
    `- Machine: ${info.machine}`,
    `- Load average at start: ${info.loadAverage} (other work on the machine adds noise; compare ratios within this run)`,
    `- Each server pinned to CPU 0 with \`taskset\`, \`wrk -t1\` pinned to CPU 1; ${info.durationSec} s per run, ` +
    `figures are medians of ${info.rounds} round(s), servers alternating within each round. ` +
    "In the 2-core rows neither the servers nor wrk are pinned: every server there has the same two CPUs, shared with wrk.",
    "- Every server answers `hello, <path>`; ratios are requests/s against Deno.serve in the same scenario, the median of the ratios within each round; " +
    "server CPU per request is the user and system time of the server's processes during the run over the requests answered (median of the rounds), " +
    "what the server itself spends, which still separates servers when something outside them limits requests/s; " +
    "of it in user space is the part spent in the server's own code and runtime rather than in the kernel (mostly its TCP stack, alike for every server and the part that moves most with the host); " +
    "errors are wrk socket errors (connect, read, write, timeout) plus non-2xx responses.",
  ];
  for (const skipped of results.skipped) {
    out.push(`- Skipped ${skipped.label}: ${skipped.reason}.`);
  }

  out.push("", "## Targets", "");
  out.push(markdownTable(
    ["Target", "Measured", "Met"],
    checkTargets(results).map((
      c,
    ) => [
      c.target,
      c.measured,
      c.met === undefined ? "—" : c.met ? "yes" : "**no**",
    ]),
  ));

  if (results.baseline) out.push(...baselineSection(results));

  for (const scenario of results.scenarios) {
    const baselineId = scenario.baseline ?? BASELINE_ID;
    const baseline = scenario.summaries[baselineId];
    const rows = results.servers
      .filter((s) => scenario.summaries[s.id])
      .map((s) => scenarioRow(s.label, scenario.summaries[s.id], baseline));
    if (rows.length === 0) continue;
    out.push("", `## ${scenario.title}`, "");
    out.push(
      markdownTable([
        "Server",
        "Requests/s",
        "p50",
        "p99",
        `vs ${label(baselineId)}`,
        "Server CPU per request",
        "of it in user space",
        "Errors",
      ], rows),
    );
  }

  const memoryIds = results.servers.map((s) => s.id).filter((id) =>
    results.idleMemory[id]
  );
  if (memoryIds.length) {
    const connections = results.idleMemory[memoryIds[0]].connections;
    out.push(
      "",
      `## Memory per idle keep-alive connection (${
        connections.toLocaleString("en-US")
      } connections)`,
      "",
    );
    out.push(
      "A separate client process opens the connections, completes one request on each and leaves them idle; " +
        "the server's VmRSS is read before and after. Idle timeouts are raised so the connections stay " +
        "open while measured (project servers `--idle-timeout 60`, node:http `keepAliveTimeout` 120 s, " +
        "nginx `keepalive_timeout` 120 s).",
      "",
    );
    out.push(markdownTable(
      [
        "Server",
        "RSS before",
        "RSS with connections",
        "Per connection",
        "Still open",
      ],
      memoryIds.map((id) => {
        const m = results.idleMemory[id];
        return [
          label(id),
          `${(m.rssBefore / 2 ** 20).toFixed(1)} MB`,
          `${(m.rssAfter / 2 ** 20).toFixed(1)} MB`,
          formatKb(m.bytesPerConnection),
          `${m.stillOpen} / ${m.connections}`,
        ];
      }),
    ));
  }

  const curveIds = results.servers.map((s) => s.id).filter((id) =>
    results.curve.summaries[id]
  );
  if (curveIds.length) {
    out.push(
      "",
      "## Throughput and p99 latency against concurrent clients (keep-alive)",
      "",
    );
    out.push(
      `![Requests/s against concurrent clients](${CHART_FILES.throughput})`,
      "",
      `![p99 and slowest latency against concurrent clients](${CHART_FILES.latency})`,
      "",
      "A client the blocking server keeps waiting shows in the slowest response and in the " +
        "timeouts wrk counts as errors, not in p99: p99 is taken over responses, and the client " +
        "being served answers thousands of them.",
      "",
    );
    const header = [
      "Clients",
      ...curveIds.flatMap((id) => [
        `${label(id)} req/s`,
        "p99",
        "slowest",
        "errors",
      ]),
    ];
    const rows = results.curve.clients.map((clients, i) => [
      String(clients),
      ...curveIds.flatMap((id) => {
        const s = results.curve.summaries[id][i];
        return s
          ? [
            formatRate(s.requestsPerSec),
            formatLatency(s.p99Us),
            formatLatency(s.maxUs),
            String(s.errors),
          ]
          : ["—", "—", "—", "—"];
      }),
    ]);
    out.push(markdownTable(header, rows));
  }
  return out.join("\n") + "\n";
}

/**
 * The `--baseline` comparison: each current project server against the same
 * server of the other checkout, scenario by scenario, as the median of the
 * ratios within each round (both ran in every round, alternating).
 */
function baselineSection(results: BenchResults): string[] {
  const { name, dir } = results.baseline!;
  const pairs = results.servers.filter((s) => s.baselineOf);
  const label = (id: string) =>
    results.servers.find((s) => s.id === id)?.label ?? id;
  const rows: string[][] = [];
  const compare = (
    title: string,
    base: { id: string; baselineOf?: string },
    now: Summary | undefined,
    then: Summary | undefined,
  ) => {
    if (!now || !then) return;
    rows.push([
      title,
      label(base.baselineOf!),
      formatRate(now.requestsPerSec),
      formatRate(then.requestsPerSec),
      `${ratioOf(now, then).toFixed(2)}x`,
      formatCpu(now.cpuUsPerRequest),
      formatCpu(then.cpuUsPerRequest),
    ]);
  };
  for (const scenario of results.scenarios) {
    for (const base of pairs) {
      compare(
        scenario.title,
        base,
        scenario.summaries[base.baselineOf!],
        scenario.summaries[base.id],
      );
    }
  }
  results.curve.clients.forEach((clients, i) => {
    for (const base of pairs) {
      compare(
        `Concurrency curve, ${clients} clients`,
        base,
        results.curve.summaries[base.baselineOf!]?.[i],
        results.curve.summaries[base.id]?.[i],
      );
    }
  });
  return [
    "",
    `## Against the baseline ${name}`,
    "",
    `The project's servers of \`${dir}\` (${name}) ran as rows of their own, alternating with the rest in every round; ` +
    "the ratio is this checkout's requests/s over the baseline's, the median of the ratios within each round.",
    "",
    markdownTable([
      "Scenario",
      "Server",
      "Requests/s now",
      `Requests/s @ ${name}`,
      "Ratio",
      "CPU per request now",
      `CPU per request @ ${name}`,
    ], rows),
  ];
}

/** The concurrency curve as two SVG charts, keyed by file name. */
export function renderCharts(results: BenchResults): Record<string, string> {
  // The charts in docs/performance.md: the current servers only, not `--baseline` rows.
  const ids = results.servers.filter((s) => !s.baselineOf).map((s) => s.id)
    .filter((id) => results.curve.summaries[id]);
  const label = (id: string) =>
    results.servers.find((s) => s.id === id)?.label ?? id;
  const series = (pick: (s: Summary) => number, suffix = "", dashed = false) =>
    ids.map((id) => ({
      name: label(id) + suffix,
      dashed,
      points: results.curve.clients.map((c, i) =>
        [c, pick(results.curve.summaries[id][i])] as const
      ),
    }));
  const x = { label: "concurrent keep-alive clients", scale: "log" as const };
  return {
    [CHART_FILES.throughput]: lineChart({
      title: "Requests per second (server on one core)",
      x,
      y: { label: "requests/s", scale: "linear" },
      series: series((s) => s?.requestsPerSec ?? NaN),
    }),
    [CHART_FILES.latency]: lineChart({
      title: "Latency: p99 (solid) and slowest response (dashed)",
      x,
      y: {
        label: "latency (ms)",
        scale: "log",
        format: (us) => `${Number((us / 1000).toPrecision(3))}`,
      },
      series: interleave(
        series((s) => s?.p99Us ?? NaN, " p99"),
        series((s) => s?.maxUs ?? NaN, " slowest", true),
      ),
    }),
  };
}

/** `[a0, b0, a1, b1, ...]`: each server's dashed line follows its solid one. */
function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  return a.flatMap((item, i) => (i < b.length ? [item, b[i]] : [item]));
}
