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
  ];
}
