/**
 * Running a server as several workers: threads of this process, each with
 * its own event loop and its own listening sockets on the same port.
 *
 * ```text
 * main thread: the supervisor                    worker threads 1..N (worker.ts)
 *   listen(port) once to learn the addresses
 *   (and that the port is free), close it
 *   start N workers -------------------------->  own SO_REUSEPORT sockets; serveOn()
 *   ready once all say listening <------------  (the kernel hands each new
 *                                                 connection to one of them)
 *   one writer for the access log <-----------  whole lines, batch by batch
 *   stop(): every worker drains --------------> server.stop() within the grace
 *
 * per worker:  starting --listening--> serving --stop--> stopping --stopped--> done
 *                  |                      |
 *                  +------ died ----------+--> restarted while the budget lasts
 *                                              (RESTARTS_PER_MINUTE), else the
 *                                              server stops: finished = reason
 * ```
 *
 * Workers are Web Workers, not child processes: both were measured at
 * commit a503ae4 (see `docs/workers.md`), serving as fast at the same memory; and
 * threads need only read access to the project's modules where processes
 * would need `--allow-run`, share the process's signals and stdout, and let
 * the connection cap be one total in shared memory.
 *
 * @module
 */

import { writeStderr } from "../http/error_log.ts";
import { programName, type ServerKind } from "./cli.ts";
import { releaseWorker, sharedConnectionCounts } from "./connection_cap.ts";
import { listen, type Listeners } from "./listen.ts";
import { LogSink } from "./log_relay.ts";
import {
  DEFAULT_GRACE_MS,
  DEFAULT_PORT,
  type ServeOptions,
  type ServerHandle,
  type WorkerShare,
} from "./options.ts";
import { serverHandle } from "./server_handle.ts";
import { raceTimeout, TIMED_OUT } from "./timers.ts";
import {
  resolveWorkers,
  workersUnavailable,
  WorkersUnavailableError,
} from "./worker_count.ts";
import {
  type FromWorker,
  type LineStream,
  rebuildError,
  type ToWorker,
  type WorkerOptions,
} from "./worker_protocol.ts";

/** Restarts allowed within {@linkcode RESTART_WINDOW_MS}, over all workers; one more death stops the server. */
export const RESTARTS_PER_MINUTE = 3;

/** The window restarts are counted over. */
export const RESTART_WINDOW_MS = 60_000;

/** Past the grace period, how long a worker may take to say it stopped before it is terminated. */
const STOP_MARGIN_MS = 2_000;

/** The module every worker thread runs. */
const WORKER_MODULE = new URL("./worker.ts", import.meta.url);

/** Where the supervisor reports a worker's death: stderr, one line each. */
export type ReportLine = (line: string) => void;

/** A server's loop on sockets already open: the `serveOn` of `webserve.ts` or `webserve_nb.ts`. */
export type ServeOn<Options extends ServeOptions> = (
  listeners: Listeners,
  options: Options,
  share?: WorkerShare,
) => ServerHandle;

/**
 * What both servers' `serve()` does: with one worker (the default), it
 * listens and runs the server's loop on this thread; with more, it starts
 * that many workers, each running the loop on sockets of its own. Returns
 * at once; the server serves in the background until `stop()`. Throws if
 * it cannot listen (see `describeListenError`), or if `workers` asks for
 * more than one where this runtime cannot run them
 * (`WorkersUnavailableError`).
 *
 * @param serverModule the module whose `serveOn` each worker runs
 */
export function startServer<Options extends ServeOptions>(
  serverModule: string,
  kind: ServerKind,
  serveOn: ServeOn<Options>,
  options: Options,
): ServerHandle {
  const workers = resolveWorkers(options.workers);
  if (workers > 1) {
    return serveWithWorkers(serverModule, kind, workers, options);
  }
  return serveOn(
    listen(options.port ?? DEFAULT_PORT, options.hostname),
    options,
  );
}

/** What the supervisor knows of one worker. */
interface Slot {
  /** The worker's number, from 1. */
  readonly index: number;
  worker: Worker;
  state: "starting" | "serving" | "stopping" | "done";
  /** Settles the current wait for this worker to be done (stopped or dead). */
  done: () => void;
  /** Resolves once this worker is done. */
  whenDone: Promise<void>;
}

/**
 * Serves `serverModule` (a module exporting `serveOn`) as `count` workers
 * with `options`. Throws `WorkersUnavailableError` where `SO_REUSEPORT`
 * cannot be used, and what `Deno.listen` throws if the port cannot be
 * listened on; a worker that cannot listen rejects `ready`. `report`
 * receives the line saying a worker died (default: stderr).
 */
export function serveWithWorkers(
  serverModule: string,
  kind: ServerKind,
  count: number,
  options: ServeOptions,
  report: ReportLine = writeStderr,
): ServerHandle {
  const unavailable = workersUnavailable();
  if (unavailable !== undefined) {
    throw new WorkersUnavailableError(count, unavailable);
  }
  // Listening once, without SO_REUSEPORT, finds the addresses (the real port
  // for port 0, one socket or two) and fails as one server would on a port
  // in use: a socket with SO_REUSEPORT would join another server's instead.
  const probe = listen(options.port ?? DEFAULT_PORT, options.hostname);
  const { addrs, families } = probe;
  probe.close();
  const { logWriter, traceWriter, workers: _count, ...shared } = options;
  return new Supervisor({
    serverModule,
    name: programName(kind),
    count,
    options: shared,
    addrs,
    families,
    sinks: {
      log: options.quiet ? undefined : new LogSink(logWriter),
      trace: options.trace
        ? new LogSink(traceWriter ?? Deno.stderr, "trace")
        : undefined,
    },
    openConnections: kind === "non-blocking"
      ? sharedConnectionCounts(count)
      : undefined,
    graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
    report,
  }).handle;
}

/** Everything a supervisor needs. */
interface SupervisorConfig {
  serverModule: string;
  name: string;
  count: number;
  options: WorkerOptions;
  addrs: readonly Deno.NetAddr[];
  families: string;
  /** One writer per line stream; none for a stream that is off (`--quiet`). */
  sinks: Record<LineStream, LogSink | undefined>;
  openConnections: Int32Array | undefined;
  graceMs: number;
  report: ReportLine;
}

/** Starts, watches, restarts and stops the workers. */
class Supervisor {
  readonly handle: ServerHandle;
  readonly #config: SupervisorConfig;
  readonly #slots: Slot[] = [];
  /** When the recent restarts happened (monotonic clock). */
  #restarts: number[] = [];
  #stopping = false;
  #listening = 0;
  /** Whether every worker has listened once: before, a death means the server cannot start. */
  #started = false;
  #failure: string | undefined;
  /** Settles the handle's `ready`. */
  readonly #ready = Promise.withResolvers<void>();

  constructor(config: SupervisorConfig) {
    this.#config = config;
    // Whoever never looks at `ready` must not get an unhandled rejection.
    this.#ready.promise.catch(() => {});
    this.handle = serverHandle(config, () => this.#stop(), this.#ready.promise);
    for (let index = 1; index <= config.count; index++) {
      const slot = { index, state: "starting" } as Slot;
      this.#slots.push(slot);
      this.#start(slot);
    }
  }

  #start(slot: Slot): void {
    const config = this.#config;
    slot.state = "starting";
    slot.whenDone = new Promise((resolve) => slot.done = resolve);
    const worker = new Worker(WORKER_MODULE, {
      type: "module",
      name: `${config.name} worker ${slot.index}`,
    });
    slot.worker = worker;
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (slot.worker === worker) this.#received(slot, event.data);
    };
    worker.onerror = (event) => {
      // Handled here: otherwise the error would end the whole process.
      event.preventDefault();
      if (slot.worker === worker) this.#died(slot, event.message);
    };
    worker.onmessageerror = () => {
      if (slot.worker === worker) {
        this.#died(slot, "a message it sent could not be read");
      }
    };
    this.#send(slot, {
      type: "start",
      serverModule: config.serverModule,
      options: config.options,
      addrs: config.addrs,
      families: config.families,
      share: { worker: slot.index, openConnections: config.openConnections },
    });
  }

  #send(slot: Slot, message: ToWorker): void {
    try {
      slot.worker.postMessage(message);
    } catch {
      // Terminated meanwhile: its death is handled elsewhere.
    }
  }

  #received(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case "listening":
        if (slot.state !== "starting") return;
        slot.state = "serving";
        if (++this.#listening === this.#config.count && !this.#started) {
          this.#started = true;
          this.#ready.resolve();
        }
        if (this.#stopping) this.#send(slot, { type: "stop" });
        return;
      case "failed":
        this.#failed(slot, rebuildError(message.error));
        return;
      case "lines": {
        const sink = this.#config.sinks[message.stream];
        const written = sink ? sink.write(message.bytes) : Promise.resolve();
        written.then(() =>
          this.#send(slot, { type: "written", stream: message.stream })
        );
        return;
      }
      case "stopped":
        this.#finish(slot);
        return;
      case "died":
        this.#died(slot, message.reason);
        return;
    }
  }

  /** A worker could not listen: at start-up the server cannot start; later it is one more death. */
  #failed(slot: Slot, error: Error): void {
    if (!this.#started) {
      this.#finish(slot);
      this.#ready.reject(error);
      this.#giveUp(`worker ${slot.index} could not listen: ${error.message}`);
    } else {
      this.#died(slot, `could not listen: ${error.message}`);
    }
  }

  #died(slot: Slot, reason: string): void {
    if (slot.state === "done") return;
    const wasServing = slot.state === "serving";
    this.#finish(slot);
    if (this.#config.openConnections) {
      releaseWorker(this.#config.openConnections, slot.index);
    }
    if (this.#stopping) return;
    const { name } = this.#config;
    if (!this.#started) {
      // Died before the server ever listened: it cannot start.
      this.#ready.reject(new Error(`worker ${slot.index} died: ${reason}`));
      this.#giveUp(`worker ${slot.index} died while starting (${reason})`);
      return;
    }
    const now = performance.now();
    this.#restarts = this.#restarts.filter((at) =>
      now - at < RESTART_WINDOW_MS
    );
    if (this.#restarts.length >= RESTARTS_PER_MINUTE) {
      this.#config.report(
        `${name}: worker ${slot.index} died (${reason}); ${RESTARTS_PER_MINUTE} restarts within a minute already, stopping`,
      );
      this.#giveUp(
        `workers died ${RESTARTS_PER_MINUTE + 1} times within a minute`,
      );
      return;
    }
    this.#restarts.push(now);
    this.#config.report(
      `${name}: worker ${slot.index} died (${reason}); restarting it (restart ${this.#restarts.length} of at most ${RESTARTS_PER_MINUTE} a minute)`,
    );
    if (wasServing) this.#listening--;
    this.#start(slot);
  }

  /** Marks a worker done and ends its thread. */
  #finish(slot: Slot): void {
    slot.state = "done";
    slot.worker.terminate();
    slot.done();
  }

  /** Stops the server on its own, `finished` saying why. */
  #giveUp(reason: string): void {
    this.#failure ??= reason;
    this.handle.stop();
  }

  /** Stops every worker; resolves to why the server stopped on its own, if it did. */
  async #stop(): Promise<string | undefined> {
    this.#stopping = true;
    const patience = this.#config.graceMs + STOP_MARGIN_MS;
    await Promise.all(this.#slots.map(async (slot) => {
      if (slot.state === "done") return;
      if (slot.state === "serving") {
        slot.state = "stopping";
        this.#send(slot, { type: "stop" });
      }
      // A starting worker is told to stop once it listens.
      if (await raceTimeout(slot.whenDone, patience) === TIMED_OUT) {
        this.#finish(slot);
      }
    }));
    await Promise.all(
      Object.values(this.#config.sinks).map((sink) => sink?.flush()),
    );
    if (!this.#started) {
      this.#ready.reject(new Error("stopped before every worker listened"));
    }
    return this.#failure;
  }
}
