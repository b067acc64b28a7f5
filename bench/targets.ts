/**
 * The performance targets, checked against one run's figures.
 *
 * @module
 */

import { type BenchResults, ratioOf, type Summary } from "./results.ts";

/** One target and how the run did against it. */
export interface TargetCheck {
  /** The target as the issue states it. */
  target: string;
  /** The measured value, formatted (e.g. `1.23x`), or `not measured`. */
  measured: string;
  /** True when met, false when missed, undefined when not measured. */
  met: boolean | undefined;
}

/** The most memory an idle keep-alive connection may take, in bytes. */
export const IDLE_BYTES_TARGET = 8 * 1024;

function summaryOf(
  results: BenchResults,
  scenario: string,
  server: string,
): Summary | undefined {
  return results.scenarios.find((s) => s.id === scenario)?.summaries[server];
}

function ratioCheck(
  target: string,
  numerator: Summary | undefined,
  denominator: Summary | undefined,
  atLeast: number,
): TargetCheck {
  const ratio = numerator && denominator
    ? ratioOf(numerator, denominator)
    : NaN;
  if (!Number.isFinite(ratio)) {
    return { target, measured: "not measured", met: undefined };
  }
  return { target, measured: `${ratio.toFixed(2)}x`, met: ratio >= atLeast };
}

/** A figure stated beside the targets, not judged: `met` stays undefined. */
function ratioNote(
  target: string,
  numerator: Summary | undefined,
  denominator: Summary | undefined,
): TargetCheck {
  const check = ratioCheck(target, numerator, denominator, 0);
  return { ...check, met: undefined };
}

/** User-space CPU per request of `server` at or under `reference`'s. */
function userCpuCheck(
  target: string,
  server: Summary | undefined,
  reference: Summary | undefined,
): TargetCheck {
  const ours = server?.userUsPerRequest, theirs = reference?.userUsPerRequest;
  if (
    ours === undefined || theirs === undefined || !Number.isFinite(ours) ||
    !Number.isFinite(theirs)
  ) {
    return { target, measured: "not measured", met: undefined };
  }
  return {
    target,
    measured: `${ours.toFixed(1)} µs against ${theirs.toFixed(1)} µs`,
    met: ours <= theirs,
  };
}

/** Checks every target the issue sets that this run measured. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const idle = results.idleMemory["nb"];
  return [
    ratioCheck(
      "Non-blocking, keep-alive, 50 connections: at least 1.0x Deno.serve",
      summaryOf(results, "keepalive-50", "nb"),
      summaryOf(results, "keepalive-50", "deno-serve"),
      1.0,
    ),
    ratioCheck(
      "Non-blocking, keep-alive, 50 connections: at least 2x node:http",
      summaryOf(results, "keepalive-50", "nb"),
      summaryOf(results, "keepalive-50", "node-http"),
      2,
    ),
    ratioCheck(
      "Non-blocking, 16-deep pipelining: at least 4x Deno.serve",
      summaryOf(results, "pipeline-16", "nb"),
      summaryOf(results, "pipeline-16", "deno-serve"),
      4,
    ),
    ratioCheck(
      "Blocking, one keep-alive client: at least 0.8x Deno.serve",
      summaryOf(results, "keepalive-1", "blocking"),
      summaryOf(results, "keepalive-1", "deno-serve"),
      0.8,
    ),
    idle
      ? {
        target:
          `Idle keep-alive connections: at most 8 KB each (${idle.connections} connections)`,
        measured: `${(idle.bytesPerConnection / 1024).toFixed(1)} KB`,
        met: idle.bytesPerConnection <= IDLE_BYTES_TARGET &&
          idle.stillOpen === idle.connections,
      }
      : {
        target: "Idle keep-alive connections: at most 8 KB each",
        measured: "not measured",
        met: undefined,
      },
    ratioCheck(
      "Access log on: at least 80% of the --quiet throughput (keep-alive, 50 connections)",
      summaryOf(results, "keepalive-50", "nb-log"),
      summaryOf(results, "keepalive-50", "nb"),
      0.8,
    ),
    ratioCheck(
      "2 cores, keep-alive, 50 connections: webserve_nb --workers 2 at least 1.0x deno serve --parallel",
      summaryOf(results, "cores2-keepalive-50", "nb-2"),
      summaryOf(results, "cores2-keepalive-50", "deno-serve-2"),
      1.0,
    ),
    ratioCheck(
      "2 cores, keep-alive, 50 connections: webserve_nb --workers 2 at least 0.9x nginx with 2 workers",
      summaryOf(results, "cores2-keepalive-50", "nb-2"),
      summaryOf(results, "cores2-keepalive-50", "nginx-2"),
      0.9,
    ),
    ratioNote(
      "2 cores, keep-alive, 50 connections: webserve_nb --workers 2 against --workers 1 (stated, no target)",
      summaryOf(results, "cores2-keepalive-50", "nb-2"),
      summaryOf(results, "cores2-keepalive-50", "nb-1-spread"),
    ),
    ...[1, 8].flatMap((clients) => [
      ratioCheck(
        `New connection per request, ${clients} connection${
          clients === 1 ? "" : "s"
        }: webserve_nb at least 1.0x the Deno TCP floor`,
        summaryOf(results, `close-${clients}`, "nb"),
        summaryOf(results, `close-${clients}`, "deno-floor"),
        1.0,
      ),
      userCpuCheck(
        `New connection per request, ${clients} connection${
          clients === 1 ? "" : "s"
        }: webserve_nb's user-space CPU per connection at or under the floor's`,
        summaryOf(results, `close-${clients}`, "nb"),
        summaryOf(results, `close-${clients}`, "deno-floor"),
      ),
    ]),
  ];
}
