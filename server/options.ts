/**
 * What `serve()` accepts and returns, shared by the blocking and the
 * non-blocking server, with each server's default timeouts.
 *
 * Timeouts are in milliseconds here and in seconds on the command line.
 *
 * @module
 */

import type { WorkersOption } from "./worker_count.ts";

/** Where access-log lines go: `Deno.stdout` fits. */
export interface LogWriter {
  /** Writes some prefix of `p`; resolves to how many bytes were taken. */
  write(p: Uint8Array): Promise<number>;
}

/** Options both servers accept. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to bind. Default: all interfaces, IPv6 and IPv4 where the host has them. */
  hostname?: string;
  /** No access log. Default false. */
  quiet?: boolean;
  /** Where the access log goes. Default `Deno.stdout`; with workers, every worker's lines go through this one writer. */
  logWriter?: LogWriter;
  /** Trace every connection and every `handleConnection` call (`server/trace.ts`). Default false. */
  trace?: boolean;
  /** Where the trace goes. Default `Deno.stderr`; with workers, one writer for all. */
  traceWriter?: LogWriter;
  /**
   * How many workers serve, each a thread with its own event loop and its
   * own sockets on the port (`SO_REUSEPORT`, Linux with `--unstable-net`):
   * a count, or `"auto"` for one per CPU this process may use. Default 1:
   * no worker, the server runs on the calling thread.
   */
  workers?: WorkersOption;
  /** Keep-alive idle timeout: how long a connection may wait between requests. */
  idleTimeoutMs?: number;
  /** Deadline for a whole request head, from its first byte; then 408 and close. */
  headTimeoutMs?: number;
  /** Longest wait for the next piece of a request body (or for the client to take a response); then 408 (or plain close) and close. */
  bodyTimeoutMs?: number;
  /** On stop, how long requests in flight may take to finish before their connections are closed. */
  graceMs?: number;
}

/** Options of the blocking server. */
export interface BlockingServeOptions extends ServeOptions {
  /** Fairness: after this long on one connection, its next response ends it (`Connection: close`). */
  sliceMs?: number;
}

/** Options of the non-blocking server. */
export interface NonBlockingServeOptions extends ServeOptions {
  /** Most open connections, in total over all workers; a connection beyond it is answered 503 and closed. */
  maxConnections?: number;
}

/** A running server, as `serve()` returns it. */
export interface ServerHandle {
  /** The main address listened on, with the real port (useful after port 0). */
  readonly addr: Deno.NetAddr;
  /** Every address listened on (two when IPv6 and IPv4 need separate sockets). */
  readonly addrs: readonly Deno.NetAddr[];
  /** Which IP families reach the server, e.g. `"IPv4 and IPv6"`. */
  readonly families: string;
  /**
   * Resolves once every worker listens; with one worker (the default) it is
   * already resolved, since `serve()` returns listening. Rejects with what
   * `Deno.listen` threw if a worker cannot listen (see
   * `describeListenError`); the server is then stopped.
   */
  readonly ready: Promise<void>;
  /**
   * Resolves once the server has stopped and every connection is closed: to
   * `undefined` after `stop()`, or to why it stopped on its own (a worker
   * that kept dying, a worker that could not listen).
   */
  readonly finished: Promise<string | undefined>;
  /**
   * Stops accepting, closes idle connections, lets requests in flight finish
   * (their responses end with `Connection: close`), force-closes whatever is
   * left after the grace period, and flushes the access log.
   */
  stop(): Promise<void>;
  /** Same as `stop()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * What the supervisor gives one worker besides its options: its number
 * (1-based) and, for the non-blocking server, the counters of open
 * connections all workers share (`connection_cap.ts`).
 */
export interface WorkerShare {
  /** This worker's number, from 1. */
  readonly worker: number;
  /** Open connections in total and per worker, in shared memory. */
  readonly openConnections?: Int32Array;
}

/** The port used when none is given to `serve()`. */
export const DEFAULT_PORT = 8080;

/** How long `stop()` lets requests in flight finish: short enough to exit "within a couple of seconds". */
export const DEFAULT_GRACE_MS = 1_500;

/**
 * Blocking defaults. One client holds the whole server, so every limit is
 * short: a second client waits at most about a second behind an idle, a
 * busy or a slow-head connection. A real client sends its head in one
 * packet; only a stalled upload may hold the server longer (the body
 * timeout counts from the last byte received).
 */
export const BLOCKING_DEFAULTS = Object.freeze({
  idleTimeoutMs: 1_000,
  headTimeoutMs: 1_000,
  bodyTimeoutMs: 5_000,
  sliceMs: 1_000,
  graceMs: DEFAULT_GRACE_MS,
});

/**
 * Non-blocking defaults. A waiting connection costs only memory, so limits
 * are generous; the cap stays well below the 20,000 open files a process may
 * hold here, leaving room for the log, the listeners and refused sockets.
 */
export const NON_BLOCKING_DEFAULTS = Object.freeze({
  idleTimeoutMs: 5_000,
  headTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  maxConnections: 10_000,
  graceMs: DEFAULT_GRACE_MS,
});

/** Fills the options not given (or given as `undefined`) from `defaults`. */
export function withDefaults<D extends object, O extends object>(
  defaults: D,
  options: O,
): D & O {
  const given = Object.entries(options).filter(([, value]) =>
    value !== undefined
  );
  return { ...defaults, ...Object.fromEntries(given) } as D & O;
}
