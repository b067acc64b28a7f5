/**
 * The non-blocking server: every connection at once, on one event loop.
 *
 * An accept loop hands each connection to a reader pool, which keeps exactly
 * one `handleConnection` call pending per connection and re-arms it when it
 * settles. Nothing a client does (silence, trickling bytes, never reading,
 * a huge upload) holds anyone else back; coarse sweeps enforce the
 * timeouts, and a cap on open connections answers 503 beyond it.
 *
 * With `workers` above 1 the same loop runs in each of that many threads,
 * each on its own sockets on the port (`server/workers.ts`).
 *
 * @example Start from code
 * ```ts
 * import { serve } from "./webserve_nb.ts";
 * const server = serve({ port: 0, quiet: true });
 * console.log(server.addr.port);
 * await server.stop();
 * ```
 *
 * @module
 */

import { refuseConnection } from "./handler.ts";
import { holdDateClock } from "./http/http_date.ts";
import { AccessLog } from "./server/access_log.ts";
import { ConnectionCap } from "./server/connection_cap.ts";
import { closeQuietly, type Listeners } from "./server/listen.ts";
import { runServerCli } from "./server/main.ts";
import {
  NON_BLOCKING_DEFAULTS,
  type NonBlockingServeOptions,
  type ServerHandle,
  withDefaults,
  type WorkerShare,
} from "./server/options.ts";
import { ReaderPool } from "./server/reader_pool.ts";
import { Trace, tracePeer } from "./server/trace.ts";
import { LAST_WRITE_MS, openState } from "./server/served_connection.ts";
import { serverHandle } from "./server/server_handle.ts";
import { raceTimeout, TIMED_OUT } from "./server/timers.ts";
import { startServer } from "./server/workers.ts";

export type {
  NonBlockingServeOptions,
  ServerHandle,
} from "./server/options.ts";

/**
 * Starts the non-blocking server and returns at once; it serves in the
 * background until `stop()`, in `workers` threads if asked. Throws if it
 * cannot listen or cannot start the workers asked for (see `startServer`).
 */
export function serve(options: NonBlockingServeOptions = {}): ServerHandle {
  return startServer(import.meta.url, "non-blocking", serveOn, options);
}

/**
 * Serves on `listeners` already open: what `serve()` does once it listens,
 * and what each worker does on its own sockets, counting its connections
 * in the totals `share` holds.
 */
export function serveOn(
  listeners: Listeners,
  options: NonBlockingServeOptions = {},
  share?: WorkerShare,
): ServerHandle {
  const settings = withDefaults(NON_BLOCKING_DEFAULTS, options);
  const log = options.quiet ? undefined : new AccessLog(options.logWriter);
  const cap = new ConnectionCap(
    settings.maxConnections,
    share?.openConnections,
    share?.worker,
  );
  const trace = options.trace
    ? new Trace(options.traceWriter, share?.worker)
    : undefined;
  const pool = new ReaderPool(settings, { log, cap, trace });
  const releaseDateClock = holdDateClock();
  const refusing = new Set<Promise<void>>();

  /** Over the cap: a complete 503 with `Connection: close` (logged), then close. */
  function refuse(conn: Deno.TcpConn): void {
    trace?.open(tracePeer(conn.remoteAddr)).close("refused");
    const state = openState(conn, log, undefined);
    const refusal = raceTimeout(refuseConnection(conn, state), LAST_WRITE_MS)
      .then(() => {
        closeQuietly(conn);
        refusing.delete(refusal);
      });
    refusing.add(refusal);
  }

  const accepting = (async () => {
    for (;;) {
      const conn = await listeners.accept();
      if (conn === null) break;
      if (cap.tryTake()) pool.add(conn);
      else refuse(conn);
    }
  })();

  return serverHandle(listeners, async () => {
    listeners.close();
    await accepting;
    pool.beginStop();
    if (await raceTimeout(pool.drained(), settings.graceMs) === TIMED_OUT) {
      pool.forceClose();
      await pool.drained();
    }
    await Promise.all(refusing);
    await pool.close();
    await log?.close();
    await trace?.close();
    releaseDateClock();
  });
}

if (import.meta.main) {
  Deno.exit(await runServerCli("non-blocking", Deno.args, serve));
}
