/**
 * The blocking server: one connection at a time, exactly the classic loop.
 *
 * ```text
 * accept; [close, st] = handleConnection(conn); while (!close) [close, st] = handleConnection(conn, st); close
 * ```
 *
 * Serving one client at a time means one client can hold everyone else
 * back, so every call is raced against a timer chosen by the connection's
 * phase (idle between requests, a request head arriving, a body arriving),
 * and after a time slice the connection is asked to close after its next
 * response so that the next client in the queue gets its turn.
 *
 * @example Start from code
 * ```ts
 * import { serve } from "./webserve.ts";
 * const server = serve({ port: 0, quiet: true });
 * console.log(server.addr.port);
 * await server.stop();
 * ```
 *
 * @module
 */

import {
  closeAfterResponse,
  connectionPhase,
  type ConnectionState,
  handleConnection,
  handleTimeout,
  holdDateClock,
  newConnectionState,
} from "./handler.ts";
import { AccessLog, formatPeer } from "./server/access_log.ts";
import { type CloseReason, Trace, tracePeer } from "./server/trace.ts";
import { runServerCli } from "./server/main.ts";
import {
  closeQuietly,
  listen,
  type Listeners,
  turnOffNagle,
} from "./server/listen.ts";
import {
  BLOCKING_DEFAULTS,
  type BlockingServeOptions,
  DEFAULT_PORT,
  type ServerHandle,
  withDefaults,
  type WorkerShare,
} from "./server/options.ts";
import { delay, raceTimeout, TIMED_OUT } from "./server/timers.ts";
import { resolveWorkers } from "./server/worker_count.ts";
import { serveWithWorkers } from "./server/workers.ts";

export type { BlockingServeOptions, ServerHandle } from "./server/options.ts";

/** How long a 408 may take to write before the connection is closed anyway. */
const TIMEOUT_WRITE_MS = 1_000;

/** Pause after a failed accept (e.g. out of file descriptors) before trying again. */
const ACCEPT_RETRY_MS = 50;

/** The connection being served, as `stop()` needs to see it. */
interface Current {
  readonly conn: Deno.TcpConn;
  state: ConnectionState;
}

/**
 * Starts the blocking server and returns at once; it serves in the
 * background until `stop()`. Throws if it cannot listen (see
 * `describeListenError`), or if `workers` asks for more than one where
 * this runtime cannot run them (`WorkersUnavailableError`).
 */
export function serve(options: BlockingServeOptions = {}): ServerHandle {
  const workers = resolveWorkers(options.workers);
  if (workers > 1) {
    return serveWithWorkers(import.meta.url, "blocking", workers, options);
  }
  return serveOn(
    listen(options.port ?? DEFAULT_PORT, options.hostname),
    options,
  );
}

/**
 * Serves on `listeners` already open: what `serve()` does once it listens,
 * and what each worker does on its own sockets.
 */
export function serveOn(
  listeners: Listeners,
  options: BlockingServeOptions = {},
  share?: WorkerShare,
): ServerHandle {
  const settings = withDefaults(BLOCKING_DEFAULTS, options);
  const log = options.quiet ? undefined : new AccessLog(options.logWriter);
  const trace = options.trace
    ? new Trace(options.traceWriter, share?.worker)
    : undefined;
  const releaseDateClock = holdDateClock();
  let stopping = false;
  let current: Current | undefined;

  /** Serves one connection until it closes or times out. */
  async function serveConnection(conn: Deno.TcpConn): Promise<void> {
    const peer = formatPeer(conn.remoteAddr);
    const traced = trace?.open(tracePeer(conn.remoteAddr));
    const self: Current = {
      conn,
      state: newConnectionState({
        onResponse: log && ((entry) => log.add(peer, entry)),
        onCall: traced?.onCall,
      }),
    };
    current = self;
    const acceptedAt = performance.now();
    let headStartedAt = acceptedAt;
    let sliceOver = false;
    let close = false;
    let kept = false;
    let reason: CloseReason | undefined;
    while (!close) {
      const now = performance.now();
      if (!sliceOver && (stopping || now - acceptedAt >= settings.sliceMs)) {
        // Fairness: the next response ends this connection, letting the next client in.
        closeAfterResponse(self.state);
        sliceOver = true;
        if (!stopping) {
          traced?.note("slice-over", { held_ms: Math.round(now - acceptedAt) });
        }
      }
      const phase = connectionPhase(self.state);
      if (phase === "closed") break;
      if (stopping && phase === "idle") {
        reason = "shutdown";
        break;
      }
      const limit = phase === "idle"
        ? settings.idleTimeoutMs
        : phase === "head"
        ? headStartedAt + settings.headTimeoutMs - now
        : settings.bodyTimeoutMs;
      const call = handleConnection(conn, self.state);
      const outcome = await raceTimeout(call, limit);
      if (outcome === TIMED_OUT) {
        const late = connectionPhase(self.state);
        traced?.note("timeout", {
          phase: late,
          answered: late === "head" || late === "body" ? 408 : "none",
        });
        // 408 if a request is partly in; then closing the socket ends the pending call.
        await raceTimeout(handleTimeout(conn, self.state), TIMEOUT_WRITE_MS);
        closeQuietly(conn);
        [, self.state] = await call;
        reason = stopping ? "shutdown" : "timeout";
        break;
      }
      [close, self.state] = outcome;
      if (!close && !kept) {
        kept = true; // past its first call: Nagle off (see turnOffNagle)
        turnOffNagle(conn);
      }
      if (connectionPhase(self.state) === "head" && phase !== "head") {
        headStartedAt = performance.now();
      }
    }
    closeQuietly(conn);
    // Whatever ends a connection once stop() has begun (it closes an idle one
    // under its pending read) is the shutdown.
    traced?.close(reason ?? (stopping ? "shutdown" : undefined));
    current = undefined;
  }

  const serving = (async () => {
    while (!stopping) {
      let conn: Deno.TcpConn | null;
      try {
        conn = await listeners.accept();
      } catch {
        // Out of file descriptors, or a peer gone before accept: try again shortly.
        await delay(ACCEPT_RETRY_MS);
        continue;
      }
      if (conn === null) break;
      await serveConnection(conn);
    }
  })();

  let resolveFinished: (reason: undefined) => void;
  const finished = new Promise<undefined>((resolve) =>
    resolveFinished = resolve
  );

  let stopped: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping = true;
    listeners.close();
    const busy = current;
    if (busy) {
      closeAfterResponse(busy.state);
      // Waiting for a next request that may never come: end it now.
      if (connectionPhase(busy.state) === "idle") closeQuietly(busy.conn);
    }
    if (await raceTimeout(serving, settings.graceMs) === TIMED_OUT) {
      const late = current;
      if (late) {
        await raceTimeout(
          handleTimeout(late.conn, late.state),
          TIMEOUT_WRITE_MS,
        );
        closeQuietly(late.conn);
      }
      await serving;
    }
    await log?.close();
    await trace?.close();
    releaseDateClock();
    resolveFinished(undefined);
  }

  const [addr] = listeners.addrs;
  return {
    addr,
    addrs: listeners.addrs,
    families: listeners.families,
    ready: Promise.resolve(),
    finished,
    stop: () => (stopped ??= stop()),
    [Symbol.asyncDispose]: () => (stopped ??= stop()),
  };
}

if (import.meta.main) {
  Deno.exit(await runServerCli("blocking", Deno.args, serve));
}
