/**
 * The messages between the supervisor (`workers.ts`, on the main thread)
 * and each worker (`worker.ts`, one thread each), in the order they flow:
 *
 * ```text
 * supervisor                                   worker
 *     | -- start {serverModule, options, addrs} --> |  listenShared(addrs); serveOn(...)
 *     | <-------------- listening ----------------- |  (or failed {error}: could not listen)
 *     | <------- lines {stream, bytes} ------------- |  whole lines, one batch at a time
 *     | -------------- written {stream} ----------> |  the batch is written: send the next
 *     | -------------- stop ----------------------> |  server.stop(): drain within the grace
 *     | <-------------- stopped ------------------- |  then the worker closes itself
 * ```
 *
 * A worker that throws (an uncaught error, an unhandled rejection) says so
 * with `died {reason}` and ends itself, rather than have Deno print the
 * error's stack; anything that ends a worker otherwise reaches the
 * supervisor as an `error` event.
 * Everything here is structured-cloneable; the log's bytes are transferred,
 * not copied.
 *
 * @module
 */

import type { Listeners } from "./listen.ts";
import type { ServeOptions, ServerHandle, WorkerShare } from "./options.ts";

/** What a worker runs: a server module exporting `serveOn`, as `webserve.ts` and `webserve_nb.ts` do. */
export interface ServerModule {
  /** Serves on listeners already open until `stop()`. */
  serveOn(
    listeners: Listeners,
    options: ServeOptions,
    share?: WorkerShare,
  ): ServerHandle;
}

/**
 * The options every worker gets: the server's own, without what cannot
 * cross to another thread (the writers stay with the supervisor) or
 * makes no sense there (the worker count).
 */
export type WorkerOptions = Omit<
  ServeOptions,
  "logWriter" | "traceWriter" | "workers"
>;

/** An error as it crosses threads: the class name (e.g. `AddrInUse`) and message. */
export interface ErrorDescription {
  /** The error's `name`, e.g. `AddrInUse` for `Deno.errors.AddrInUse`. */
  readonly name: string;
  /** Its message. */
  readonly message: string;
}

/** From the supervisor: serve `serverModule` on `addrs`. */
export interface StartMessage {
  /** Message kind. */
  readonly type: "start";
  /** The URL of the server module, imported by the worker. */
  readonly serverModule: string;
  /** The server's options. */
  readonly options: WorkerOptions;
  /** The addresses to listen on, with their real ports. */
  readonly addrs: readonly Deno.NetAddr[];
  /** What those addresses reach, e.g. `"IPv4 and IPv6"`. */
  readonly families: string;
  /** The worker's number and the counters it shares. */
  readonly share: WorkerShare;
}

/**
 * The line streams a worker hands to the supervisor's writers: the access
 * log (stdout) and the trace (stderr).
 */
export type LineStream = "log" | "trace";

/** From the supervisor to a worker. */
export type ToWorker =
  | StartMessage
  | { readonly type: "written"; readonly stream: LineStream }
  | { readonly type: "stop" };

/** From a worker to the supervisor. */
export type FromWorker =
  | { readonly type: "listening" }
  | { readonly type: "failed"; readonly error: ErrorDescription }
  | {
    readonly type: "lines";
    readonly stream: LineStream;
    readonly bytes: Uint8Array;
  }
  | { readonly type: "stopped" }
  | { readonly type: "died"; readonly reason: string };

/** Describes `error` for the other thread. */
export function describeError(error: unknown): ErrorDescription {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

/** Rebuilds a described error, as a `Deno.errors` class where the name is one, so `describeListenError` reads it. */
export function rebuildError(description: ErrorDescription): Error {
  const classes = Deno.errors as unknown as Record<
    string,
    new (message: string) => Error
  >;
  const ErrorClass = Object.hasOwn(classes, description.name)
    ? classes[description.name]
    : Error;
  return new ErrorClass(description.message);
}
