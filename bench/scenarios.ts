/**
 * The wrk scenarios of `deno task bench`.
 *
 * @module
 */

import { BASELINE_SUFFIX, type ServerSpec } from "./servers.ts";

/** One way of loading a server with wrk. */
export interface WrkScenario {
  /** A short stable key, used in flags and the JSON results. */
  id: string;
  /** A heading for the results. */
  title: string;
  /** Concurrent connections. */
  connections: number;
  /** Extra request header lines. */
  headers?: string[];
  /** Requests sent back to back per write (pipelining), when more than one. */
  pipelineDepth?: number;
  /** Which servers take part. */
  includes(server: ServerSpec): boolean;
  /** `spread`: wrk runs on every CPU, like the servers of the 2-core rows. Default `pinned`. */
  placement?: "pinned" | "spread";
  /** The id of the server ratios are taken against. Default `deno-serve`. */
  baseline?: string;
}

/** The servers of the one-core rows: pinned, and not only in the curve. */
const pinned = (s: ServerSpec) =>
  (s.placement ?? "pinned") === "pinned" && !s.curveOnly;
const everyoneButVariants = (s: ServerSpec) =>
  pinned(s) && s.variantOf === undefined;
const concurrentButVariants = (s: ServerSpec) =>
  everyoneButVariants(s) && s.concurrent;
/** The servers of the 2-core rows. */
const spread = (s: ServerSpec) => s.placement === "spread";

/** A new connection per request with `connections` clients. */
function newConnections(connections: number): WrkScenario {
  return {
    id: `close-${connections}`,
    title:
      `New connection per request (Connection: close), ${connections} connection${
        connections === 1 ? "" : "s"
      }; CPU per request is per connection`,
    connections,
    headers: ["Connection: close"],
    includes: everyoneButVariants,
  };
}

/** The scenarios, in the order they run and are reported. */
export const SCENARIOS: readonly WrkScenario[] = [
  {
    id: "keepalive-1",
    title: "Keep-alive, 1 connection",
    connections: 1,
    includes: everyoneButVariants,
  },
  {
    id: "keepalive-50",
    title: "Keep-alive, 50 connections",
    connections: 50,
    // The access-log target compares logging and quiet here.
    includes: pinned,
  },
  {
    id: "keepalive-500",
    title: "Keep-alive, 500 connections",
    connections: 500,
    // The blocking server's behaviour under many clients is the concurrency curve's subject.
    includes: concurrentButVariants,
  },
  {
    id: "pipeline-16",
    title: "Pipelining, 16 requests deep, 50 connections",
    connections: 50,
    pipelineDepth: 16,
    includes: pinned,
  },
  newConnections(1),
  newConnections(8),
  newConnections(50),
  {
    id: "cores2-keepalive-50",
    title: "2 cores, nothing pinned: keep-alive, 50 connections",
    connections: 50,
    includes: spread,
    placement: "spread",
    baseline: "deno-serve-2",
  },
  {
    id: "cores2-pipeline-16",
    title:
      "2 cores, nothing pinned: pipelining, 16 requests deep, 50 connections",
    connections: 50,
    pipelineDepth: 16,
    includes: spread,
    placement: "spread",
    baseline: "deno-serve-2",
  },
];

/** Client counts of the concurrency curve by default: 1 to 256. */
export const DEFAULT_CURVE_CLIENTS: readonly number[] = [1, 4, 16, 64, 256];

/** The concurrency curve's servers: the project's designs on one core, workers or not. */
export function inCurve(spec: ServerSpec): boolean {
  return spec.project && spec.variantOf === undefined &&
    (spec.placement ?? "pinned") === "pinned";
}

/** The idle-memory scenario's servers: those that hold many connections, on one core, log off. */
export function inIdleMemory(spec: ServerSpec): boolean {
  return spec.concurrent && (spec.placement ?? "pinned") === "pinned" &&
    !spec.curveOnly && spec.id.replace(BASELINE_SUFFIX, "") !== "nb-log";
}
