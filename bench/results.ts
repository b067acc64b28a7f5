/**
 * The shape of one bench run's results, and how rounds are combined.
 *
 * @module
 */

import type { IdleMemoryResult } from "./idle_memory.ts";
import type { WrkResult } from "./wrk.ts";

/** One wrk run, with the server's CPU time per request measured around it. */
export interface RunResult extends WrkResult {
  /** The server's user and system CPU time during the run over the requests answered, in microseconds. */
  cpuUsPerRequest?: number;
  /** The user-mode part of {@linkcode RunResult.cpuUsPerRequest}: the server's code and runtime, without the kernel's TCP work. */
  userUsPerRequest?: number;
}

/** One server's figures for one scenario, combined over the rounds. */
export interface Summary {
  /** Median requests per second over the rounds. */
  requestsPerSec: number;
  /** Median of the rounds' median latencies, in microseconds. */
  p50Us: number;
  /** Median of the rounds' 99th-percentile latencies, in microseconds. */
  p99Us: number;
  /**
   * Median over the rounds of the server's CPU time per request, in
   * microseconds: what the server itself spends, which still separates
   * servers when something outside them (the load generator, the host)
   * limits requests/s.
   */
  cpuUsPerRequest?: number;
  /**
   * Median over the rounds of the user-mode part of that time: what the
   * server's own code and runtime spend. The rest is the kernel's, mostly
   * its TCP stack, which is alike for every server and moves with the host.
   */
  userUsPerRequest?: number;
  /** The slowest response over all rounds, in microseconds. */
  maxUs: number;
  /** Socket errors and non-2xx responses over all rounds. */
  errors: number;
  /** How many rounds were combined. */
  rounds: number;
  /** Requests per second of each round, in round order: what {@linkcode ratioOf} pairs. */
  perRound?: number[];
}

/** Where and how the figures were produced. */
export interface RunInfo {
  /** The command line that produced them. */
  command: string;
  /** ISO date and time the run started. */
  date: string;
  /** CPU model, core count, kernel and tool versions. */
  machine: string;
  /** Seconds per wrk run. */
  durationSec: number;
  /** Rounds over which each figure is a median. */
  rounds: number;
  /** Load average when the run started: other work on the machine skews figures. */
  loadAverage: string;
}

/** One wrk scenario's combined figures, keyed by server id. */
export interface ScenarioResults {
  /** The scenario's key. */
  id: string;
  /** What the scenario does, for headings. */
  title: string;
  /** The id of the server ratios are taken against, when not Deno.serve (the 2-core rows). */
  baseline?: string;
  /** Figures per server id; servers that did not take part are absent. */
  summaries: Record<string, Summary>;
}

/** Figures for the concurrency curve, per server id, one entry per client count. */
export interface CurveResults {
  /** Client counts, ascending. */
  clients: number[];
  /** Figures per server id, aligned with `clients`. */
  summaries: Record<string, Summary[]>;
}

/** Everything one run of `deno task bench` measured. */
export interface BenchResults {
  /** Provenance. */
  info: RunInfo;
  /** Labels of the servers that ran, by id, in table order; a `--baseline` row names the current server it is compared with. */
  servers: { id: string; label: string; baselineOf?: string }[];
  /** With `--baseline`: the other checkout, and what labels call it (its short commit). */
  baseline?: { dir: string; name: string };
  /** Servers that could not run, and why. */
  skipped: { id: string; label: string; reason: string }[];
  /** The wrk scenarios, in order. */
  scenarios: ScenarioResults[];
  /** Idle-memory figures per server id. */
  idleMemory: Record<string, IdleMemoryResult>;
  /** Throughput and latency against concurrent clients. */
  curve: CurveResults;
}

/** The median of the finite `values` (the mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Combines the wrk runs of several rounds into one summary. */
export function summarize(runs: readonly RunResult[]): Summary {
  return {
    requestsPerSec: median(runs.map((r) => r.requestsPerSec)),
    p50Us: median(runs.map((r) => r.p50Us)),
    p99Us: median(runs.map((r) => r.p99Us)),
    cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest ?? NaN)),
    userUsPerRequest: median(runs.map((r) => r.userUsPerRequest ?? NaN)),
    maxUs: runs.length ? Math.max(...runs.map((r) => r.maxUs)) : NaN,
    errors: runs.reduce((sum, r) => sum + r.socketErrors + r.non2xx, 0),
    rounds: runs.length,
    perRound: runs.map((r) => r.requestsPerSec),
  };
}

/**
 * How many times `server`'s throughput is `baseline`'s: the median of the
 * ratios measured within each round, when both ran in every round, so that
 * the machine drifting between rounds (a shared VM's speed can shift by a
 * third) moves both sides of each ratio alike; otherwise the ratio of the
 * medians.
 */
export function ratioOf(server: Summary, baseline: Summary): number {
  const a = server.perRound, b = baseline.perRound;
  if (a && b && a.length === b.length && a.length > 0) {
    return median(a.map((rps, i) => b[i] > 0 ? rps / b[i] : NaN));
  }
  return baseline.requestsPerSec > 0
    ? server.requestsPerSec / baseline.requestsPerSec
    : NaN;
}
