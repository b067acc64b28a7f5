/**
 * How many workers a server runs (`--workers N|auto`, the `workers` option
 * of `serve()`), and whether this runtime can run more than one.
 *
 * Each worker holds its own listening sockets on the same port through
 * `SO_REUSEPORT`, which Deno offers only on Linux (elsewhere it ignores the
 * option, and the second socket would fail with "address in use") and only
 * with its `--unstable-net` flag. Without that flag Deno does not throw: it
 * prints a line and ends the process with status 70. So the flag is looked
 * for before any socket is opened, by an API of the same unstable group.
 *
 * And a worker is a thread that loads its code as a dynamic import does:
 * unlike the main module's static imports, Deno checks read permission for
 * each of its files, so workers need `--allow-read` on the project's own
 * folder (only that: `--allow-read=.` from the project root). It is asked
 * for here rather than prompted for.
 *
 * @module
 */

/** The `workers` option: a count, or `"auto"` for one per CPU this process may use. */
export type WorkersOption = number | "auto";

/**
 * Most workers accepted. Each is a thread with its own JavaScript heap (about
 * 10 MB before any connection), so far more workers than cores only costs
 * memory.
 */
export const MAX_WORKERS = 64;

/**
 * The CPUs this process may run on: its affinity mask and CPU quota, as
 * `navigator.hardwareConcurrency` reports them in Deno
 * (`taskset -c 0 deno ...` sees 1).
 */
export function usableCpus(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** The number of workers `option` asks for (default 1), at most {@linkcode MAX_WORKERS}. */
export function resolveWorkers(option: WorkersOption | undefined): number {
  if (option === undefined) return 1;
  const count = option === "auto" ? usableCpus() : option;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(
      `workers must be a whole number from 1 to ${MAX_WORKERS} or "auto", not ${option}`,
    );
  }
  return Math.min(count, MAX_WORKERS);
}

/** The folder holding every module a worker loads: the project root. */
export const PROJECT_DIR: string = new URL("..", import.meta.url).pathname;

/** What {@linkcode workersUnavailable} looks at; the defaults read this runtime. */
export interface WorkerRuntime {
  /** `Deno.build.os`. */
  os: string;
  /** Whether `--unstable-net` is on. */
  unstableNet: boolean;
  /** Whether read access to {@linkcode PROJECT_DIR} is granted. */
  canReadProject: boolean;
}

/** This runtime, as {@linkcode workersUnavailable} needs it. */
export function thisRuntime(): WorkerRuntime {
  return {
    os: Deno.build.os,
    unstableNet: "listenDatagram" in Deno,
    canReadProject:
      Deno.permissions.querySync({ name: "read", path: PROJECT_DIR })
        .state === "granted",
  };
}

/**
 * Why more than one worker cannot run here, as the end of a sentence
 * starting "--workers 2 needs ...", or `undefined` when they can.
 */
export function workersUnavailable(
  runtime: WorkerRuntime = thisRuntime(),
): string | undefined {
  if (runtime.os !== "linux") {
    return `SO_REUSEPORT, which Deno offers only on Linux (this is ${runtime.os})`;
  }
  if (!runtime.unstableNet) {
    return "Deno's --unstable-net flag for SO_REUSEPORT (add it after 'deno run', or run the script from this project, whose deno.json enables it)";
  }
  if (!runtime.canReadProject) {
    return `read access to the server's own modules, which Deno checks for a worker's code (add --allow-read=${PROJECT_DIR})`;
  }
  return undefined;
}

/** Thrown by `serve()` when asked for more workers than this runtime can run. */
export class WorkersUnavailableError extends Error {
  /** Creates the error for a request of `count` workers; `reason` comes from {@linkcode workersUnavailable}. */
  constructor(count: number, reason: string) {
    super(`--workers ${count} needs ${reason}`);
    this.name = "WorkersUnavailableError";
  }
}
