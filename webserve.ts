/**
 * The blocking server: one connection at a time. Its heart is the classic
 * loop, which `examples/blocking_minimal.ts` shows alone:
 *
 * ```text
 * accept; [close, st] = handleConnection(conn); while (!close) [close, st] = handleConnection(conn, st); close
 * ```
 *
 * Most of `serveConnection` is what goes around it. Serving one client at a
 * time means one client can hold everyone else back, so every call is raced
 * against a timer chosen by the connection's phase (idle between requests,
 * a request head arriving, a body arriving), and after a time slice the
 * connection is asked to close after its next response so that the next
 * client in the queue gets its turn; and `stop()` must end the connection
 * in hand gracefully.
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
  handleConnection,
  handleTimeout,
} from "./handler.ts";
import { holdDateClock } from "./http/http_date.ts";
import { AccessLog } from "./server/access_log.ts";
import { type CloseReason, Trace } from "./server/trace.ts";
import { runServerCli } from "./server/main.ts";
import { closeQuietly, type Listeners } from "./server/listen.ts";
import {
  BLOCKING_DEFAULTS,
  type BlockingServeOptions,
  type ServerHandle,
  withDefaults,
  type WorkerShare,
} from "./server/options.ts";
import { LAST_WRITE_MS, ServedConnection } from "./server/served_connection.ts";
import { serverHandle } from "./server/server_handle.ts";
import { raceTimeout, TIMED_OUT } from "./server/timers.ts";
import { startServer } from "./server/workers.ts";

export type { BlockingServeOptions, ServerHandle } from "./server/options.ts";

/**
 * Starts the blocking server and returns at once; it serves in the
 * background until `stop()`, in `workers` threads if asked. Throws if it
 * cannot listen or cannot start the workers asked for (see `startServer`).
 */
export function serve(options: BlockingServeOptions = {}): ServerHandle {
  return startServer(import.meta.url, "blocking", serveOn, options);
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
  /** The connection being served, as `stop()` needs to see it. */
  let current: ServedConnection | undefined;

  /** Serves one connection until it closes or times out. */
  async function serveConnection(conn: Deno.TcpConn): Promise<void> {
    const acceptedAt = performance.now();
    const served = new ServedConnection(conn, acceptedAt, log, trace);
    current = served;
    let sliceOver = false;
    let close = false;
    let reason: CloseReason | undefined;
    while (!close) {
      const now = performance.now();
      if (!sliceOver && (stopping || now - acceptedAt >= settings.sliceMs)) {
        // Fairness: the next response ends this connection, letting the next client in.
        closeAfterResponse(served.state);
        sliceOver = true;
        if (!stopping) {
          served.trace?.note("slice-over", {
            held_ms: Math.round(now - acceptedAt),
          });
        }
      }
      const phase = connectionPhase(served.state);
      if (phase === "closed") break;
      if (stopping && phase === "idle") {
        reason = "shutdown";
        break;
      }
      const call = handleConnection(conn, served.state);
      const outcome = await raceTimeout(
        call,
        served.deadline(settings, now) - now,
      );
      if (outcome === TIMED_OUT) {
        const late = connectionPhase(served.state);
        served.trace?.note("timeout", {
          phase: late,
          answered: late === "head" || late === "body" ? 408 : "none",
        });
        // 408 if a request is partly in; then closing the socket ends the pending call.
        await raceTimeout(handleTimeout(conn, served.state), LAST_WRITE_MS);
        closeQuietly(conn);
        [, served.state] = await call;
        reason = stopping ? "shutdown" : "timeout";
        break;
      }
      let state;
      [close, state] = outcome;
      if (close) served.state = state;
      else served.settled(state, performance.now());
    }
    closeQuietly(conn);
    // Whatever ends a connection once stop() has begun (it closes an idle one
    // under its pending read) is the shutdown.
    served.trace?.close(reason ?? (stopping ? "shutdown" : undefined));
    current = undefined;
  }

  const serving = (async () => {
    for (;;) {
      const conn = await listeners.accept();
      if (conn === null) break;
      await serveConnection(conn);
    }
  })();

  return serverHandle(listeners, async () => {
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
        await raceTimeout(handleTimeout(late.conn, late.state), LAST_WRITE_MS);
        closeQuietly(late.conn);
      }
      await serving;
    }
    await log?.close();
    await trace?.close();
    releaseDateClock();
  });
}

if (import.meta.main) {
  Deno.exit(await runServerCli("blocking", Deno.args, serve));
}
