/**
 * Running `wrk` and reading its report.
 *
 * @module
 */

import { track } from "./processes.ts";

/** What one `wrk --latency` run measured. */
export interface WrkResult {
  /** Completed requests per second over the whole run. */
  requestsPerSec: number;
  /** Completed requests. */
  requests: number;
  /** Median latency in microseconds. */
  p50Us: number;
  /** 99th-percentile latency in microseconds; NaN when wrk's figure is broken. */
  p99Us: number;
  /** The slowest response's latency in microseconds: a starved client shows here, not in p99. */
  maxUs: number;
  /** Connect, read, write and timeout errors together. */
  socketErrors: number;
  /** Responses whose status was not 2xx or 3xx. */
  non2xx: number;
}

const UNIT_TO_US: Record<string, number> = {
  us: 1,
  ms: 1e3,
  s: 1e6,
  m: 60e6,
  h: 3600e6,
};

/** Parses a wrk duration such as `525.00us`, `5.34ms` or `1.02s` into microseconds. */
export function parseWrkDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new SyntaxError(`Not a wrk duration: "${text}"`);
  return Number(match[1]) * UNIT_TO_US[match[2]];
}

/**
 * Reads the report `wrk --latency` prints.
 *
 * Throws `SyntaxError` when the report lacks the requests/s line or the
 * latency distribution (wrk printed an error instead of a report).
 */
export function parseWrkOutput(output: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const p50 = /^\s+50%\s+(\S+)/m.exec(output);
  const p99 = /^\s+99%\s+(\S+)/m.exec(output);
  const total = /^\s*(\d+) requests in /m.exec(output);
  const stats = /^[ \t]+Latency[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)/m.exec(output);
  if (!rps || !p50 || !p99 || !total || !stats) {
    throw new SyntaxError(
      `Not a wrk --latency report: "${output.trim().slice(0, 200)}"`,
    );
  }
  const errors =
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
      output,
    );
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requestsPerSec: Number(rps[1]),
    requests: Number(total[1]),
    p50Us: parseWrkDuration(p50[1]),
    // wrk's histogram can report 0 for p99 when pipelining (its latencies are
    // per batch): a p99 below the median is a broken figure, not a fast one.
    p99Us: parseWrkDuration(p99[1]) < parseWrkDuration(p50[1])
      ? NaN
      : parseWrkDuration(p99[1]),
    maxUs: parseWrkDuration(stats[3]),
    socketErrors: errors
      ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0)
      : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

/** How to run wrk once. */
export interface WrkOptions {
  /** The URL to load, e.g. `http://127.0.0.1:8080/bench`. */
  url: string;
  /** Concurrent connections (`-c`). */
  connections: number;
  /** Run length in seconds (`-d`). */
  durationSec: number;
  /** Extra header lines (`-H`), e.g. `Connection: close`. */
  headers?: string[];
  /** A Lua script (`-s`) and the arguments after `--`. */
  script?: { path: string; args: string[] };
  /** The CPU to pin wrk to with `taskset`, or a list such as `0-1`. */
  cpu: number | string;
  /** Seconds after which wrk reports a request as timed out. */
  timeoutSec?: number;
}

/** The command line (program first) that runs wrk with `options`. */
export function wrkCommand(options: WrkOptions): string[] {
  const args = [
    "taskset",
    "-c",
    String(options.cpu),
    "wrk",
    "-t1",
    `-c${options.connections}`,
    `-d${options.durationSec}s`,
    `--timeout`,
    `${options.timeoutSec ?? 2}s`,
    "--latency",
  ];
  for (const header of options.headers ?? []) args.push("-H", header);
  if (options.script) args.push("-s", options.script.path);
  args.push(options.url);
  if (options.script?.args.length) args.push("--", ...options.script.args);
  return args;
}

/** Runs wrk and parses its report; kills it if it overruns its duration by 15 s. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const [program, ...args] = wrkCommand(options);
  const child = new Deno.Command(program, {
    args,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  track(child);
  const killer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, (options.durationSec + 15) * 1000);
  try {
    const { stdout, stderr } = await child.output();
    const text = new TextDecoder().decode(stdout);
    try {
      return parseWrkOutput(text);
    } catch (error) {
      const problem = new TextDecoder().decode(stderr).trim() ||
        (error as Error).message;
      throw new Error(`wrk failed against ${options.url}: ${problem}`);
    }
  } finally {
    clearTimeout(killer);
  }
}
