/**
 * The wrk scenarios of `deno task bench`.
 *
 * @module
 */

import type { ServerSpec } from "./servers.ts";

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
}

const everyoneButVariants = (s: ServerSpec) => s.variantOf === undefined;
const concurrentButVariants = (s: ServerSpec) =>
  s.concurrent && s.variantOf === undefined;

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
    includes: () => true,
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
    includes: () => true,
  },
  {
    id: "close",
    title: "New connection per request (Connection: close), 50 connections",
    connections: 50,
    headers: ["Connection: close"],
    includes: everyoneButVariants,
  },
];

/** Client counts of the concurrency curve by default: 1 to 256. */
export const DEFAULT_CURVE_CLIENTS: readonly number[] = [1, 4, 16, 64, 256];
