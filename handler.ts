/**
 * The connection engine shared by both servers: `handleConnection(sock,
 * state?)` reads at most once, answers every whole request that has arrived,
 * and returns `[close, state]`.
 *
 * The blocking server calls it in a loop on one connection; the non-blocking
 * server calls it whenever a connection's read completes. The state carries
 * partial input between calls and is opaque to both.
 *
 * This file is the shell around the protocol: it reads, calls the app,
 * writes, and is the one error boundary. The protocol itself (`http/`) has
 * no socket, clock or app in it.
 *
 * @module
 */

import {
  Connection,
  type ConnectionState,
  type EngineConfig,
} from "./http/connection.ts";
import { type ErrorHook, logInternalError } from "./http/error_log.ts";
import { helloApp } from "./http/hello_app.ts";
import { HttpError } from "./http/http_error.ts";
import { DEFAULT_LIMITS, type Limits } from "./http/limits.ts";
import { type Memo, NO_MEMO } from "./http/memo.ts";
import { memoFor } from "./http/memo/mod.ts";
import { Output } from "./http/output.ts";
import { writeErrorResponse } from "./http/response.ts";
import type {
  App,
  CallReport,
  ConnectionOptions,
  ConnectionPhase,
  HttpRequest,
  HttpResponse,
  Socket,
} from "./http/types.ts";

export type { ConnectionState } from "./http/connection.ts";
export {
  createErrorLog,
  type ErrorHook,
  formatErrorLine,
} from "./http/error_log.ts";
export { ALLOWED_METHODS, helloApp } from "./http/hello_app.ts";
export { holdDateClock } from "./http/http_date.ts";
export { HttpError } from "./http/http_error.ts";
export type { Memo, RecalledHead } from "./http/memo.ts";
export {
  DEFAULT_LIMITS,
  type Limits,
  MAX_CHUNK_LINE_BYTES,
  MAX_HEAD_BYTES,
  MAX_HEADER_FIELDS,
  MAX_METHOD_BYTES,
  MAX_TARGET_BYTES,
} from "./http/limits.ts";
export type {
  AccessLogEntry,
  App,
  CallReport,
  ConnectionOptions,
  ConnectionPhase,
  HeaderField,
  HttpRequest,
  HttpResponse,
  Socket,
} from "./http/types.ts";

/**
 * Serves one step of a connection. Reads at most once (not at all when
 * whole requests are still buffered), writes the responses to everything
 * received, and returns whether the caller must now close the connection.
 *
 * Never throws or rejects and never closes the socket: a socket error
 * resolves to `close === true`.
 */
export type ConnectionHandler = (
  sock: Socket,
  state?: ConnectionState,
) => Promise<[close: boolean, state: ConnectionState]>;

/** How {@linkcode createConnectionHandler} builds an engine. */
export interface HandlerOptions {
  /** Overrides of {@linkcode DEFAULT_LIMITS}. */
  limits?: Partial<Limits>;
  /**
   * The speed layer (`http/memo/`): on by default. `false` runs the plain
   * engine, which answers with the same bytes. A {@linkcode Memo} of your
   * own replaces it (`bench:engine` measures one memo at a time so).
   */
  memo?: boolean | Memo;
  /**
   * Called with every internal error answered 500 (an app that throws or
   * returns a malformed response, a bug in the engine), and the request it
   * was answering. Default: one line on stderr, rate-limited
   * ({@linkcode createErrorLog}). It must not throw; if it does, that is
   * ignored.
   */
  onError?: ErrorHook;
}

/** What every call of one handler shares. */
interface Engine extends EngineConfig {
  readonly app: App;
  readonly onError: ErrorHook;
}

/**
 * Builds a {@linkcode ConnectionHandler} around an app.
 *
 * @param app answers each request; if it throws or rejects, the client gets a 500
 * @param options limits, the speed layer, the error hook
 */
export function createConnectionHandler(
  app: App,
  options: HandlerOptions = {},
): ConnectionHandler {
  const memo = options.memo === false
    ? NO_MEMO
    : options.memo === true || options.memo === undefined
    ? memoFor(app)
    : options.memo;
  const engine: Engine = {
    app: memo.app(app),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    memo,
    onError: options.onError ?? logInternalError,
  };

  return async function handleConnection(sock, state) {
    const conn = state instanceof Connection ? state : new Connection();
    // Traced connections only: the trace's clock and counts.
    const onCall = conn.onCall;
    const started = onCall ? performance.now() : 0;
    const before = onCall ? conn.phase : "idle";
    const responses = conn.responses;

    // 1. Read at most once, and not at all while whole requests are buffered.
    let read: CallReport["read"] = "none";
    if (!conn.closed && !conn.hasPendingInput) {
      try {
        const n = await sock.read(conn.readBuffer());
        if (n === null) read = "eof";
        else {
          read = n;
          conn.received(n);
        }
      } catch {
        read = "error";
        conn.close(); // reset, or closed by the server's timer
      }
    }

    // 2. Answer what has arrived, then 3. write the answers in one write.
    // (The server's timer may have closed the connection while it read.)
    if (!conn.closed) {
      const out = Output.take();
      try {
        if (read === "eof") conn.endOfStream(out);
        else {
          const answering = answerRequests(engine, conn, out);
          if (answering !== undefined) await answering;
        }
        if (out.committedLength > 0) {
          conn.writing = true;
          try {
            // Usually one write takes everything: spare the hot path a call.
            const bytes = out.committedBytes();
            const n = await sock.write(bytes);
            if (n < bytes.length) await writeAll(sock, bytes, n);
          } finally {
            conn.writing = false;
          }
        }
      } catch {
        conn.close(); // the write failed: the peer is gone
      } finally {
        out.release();
      }
    }

    // This call's read is over and no other can be pending: the buffer may serve another connection.
    if (conn.closed) conn.releaseInput();
    if (onCall) {
      onCall({
        read,
        before,
        after: conn.phase,
        responses: conn.responses - responses,
        close: conn.closed,
        us: (performance.now() - started) * 1000,
      });
    }
    return [conn.closed, conn];
  };
}

/**
 * Answers every whole request buffered, in order, into `out`: the machine
 * hands out a request, the app answers it, the machine serializes the
 * answer. This is the one error boundary: anything thrown here but the
 * protocol's own {@linkcode HttpError} (which the machine turns into a 4xx
 * itself) is a bug, answered 500 and reported to `onError`.
 *
 * @returns a promise only when the app answered with one
 */
function answerRequests(
  engine: Engine,
  conn: Connection,
  out: Output,
): void | Promise<void> {
  const now = clock(conn);
  let request: HttpRequest | null = null;
  try {
    for (;;) {
      request = conn.nextRequest(out, engine, now);
      if (request === null) return;
      const response = engine.app(request);
      if (response instanceof Promise) {
        return answerLater(engine, conn, out, request, response);
      }
      conn.respond(out, engine, response, now);
      request = null; // answered: what fails from here on is not its fault
    }
  } catch (error) {
    failInternally(engine, conn, out, error, request);
  }
}

/** Waits for an app's promised response, sends it, and goes on with the requests after it. */
async function answerLater(
  engine: Engine,
  conn: Connection,
  out: Output,
  request: HttpRequest,
  pending: Promise<HttpResponse>,
): Promise<void> {
  try {
    conn.respond(out, engine, await pending, clock(conn));
  } catch (error) {
    failInternally(engine, conn, out, error, request);
    return;
  }
  return answerRequests(engine, conn, out);
}

/** The last resort: a 500 after the responses already committed, the connection closed, and the cause reported. */
function failInternally(
  engine: Engine,
  conn: Connection,
  out: Output,
  error: unknown,
  request: HttpRequest | null,
): void {
  conn.fail(
    out,
    new HttpError(500, "The server failed to answer", { cause: error }),
    clock(conn),
  );
  try {
    engine.onError(error, request ?? undefined);
  } catch {
    // A hook that throws must not take the connection down with it.
  }
}

/** The time for the access log, read only when the connection has one. */
function clock(conn: Connection): number {
  return conn.timed ? performance.now() : 0;
}

/** The one engine both servers share: {@linkcode createConnectionHandler} around {@linkcode helloApp}. */
export const handleConnection: ConnectionHandler = createConnectionHandler(
  helloApp,
);

/**
 * A fresh state for a new connection, carrying per-connection options such
 * as the access log. Passing it to the first call is optional.
 */
export function newConnectionState(
  options?: ConnectionOptions,
): ConnectionState {
  return new Connection(options);
}

/** Where a connection is, for a server's timers; a connection not yet started is idle. */
export function connectionPhase(state?: ConnectionState): ConnectionPhase {
  return state instanceof Connection ? state.phase : "idle";
}

/** Makes the connection's next response carry `Connection: close` and end it (fairness, shutdown). */
export function closeAfterResponse(state: ConnectionState): void {
  if (state instanceof Connection) state.closeAfterResponse();
}

/**
 * For a server's timer: answers `408 Request Timeout` if a request is partly
 * received, writes nothing if the connection is idle or mid-write, and marks
 * the state closed. The caller then closes the socket. Never throws.
 */
export async function handleTimeout(
  sock: Socket,
  state?: ConnectionState,
): Promise<void> {
  if (!(state instanceof Connection) || state.closed) return;
  const phase = state.phase;
  if (phase !== "head" && phase !== "body") {
    state.close();
    return;
  }
  const out = Output.take();
  try {
    state.timeOut(out, clock(state));
    await writeAll(sock, out.committedBytes());
  } catch {
    // The peer is gone; closing is all that is left.
  } finally {
    out.release();
  }
}

/**
 * Answers a connection the server will not serve (over its connection cap)
 * with a complete error response and `Connection: close`. Never throws.
 *
 * @param status the status to answer with: 503 unless told otherwise
 */
export async function refuseConnection(
  sock: Socket,
  status = 503,
): Promise<void> {
  const out = Output.take();
  try {
    writeErrorResponse(
      out,
      new HttpError(status, "The server is at its connection limit"),
    );
    out.commit();
    await writeAll(sock, out.committedBytes());
  } catch {
    // The peer is gone.
  } finally {
    out.release();
  }
}

/** Most writes in a row that may accept nothing before the socket is taken as broken. */
const MAX_EMPTY_WRITES = 8;

/** Writes `bytes` from offset `written` on, continuing after short writes. */
async function writeAll(
  sock: Socket,
  bytes: Uint8Array,
  written = 0,
): Promise<void> {
  let empty = 0;
  while (written < bytes.length) {
    const n = await sock.write(
      written === 0 ? bytes : bytes.subarray(written),
    );
    if (n > 0) {
      written += n;
      empty = 0;
    } else if (++empty > MAX_EMPTY_WRITES) {
      throw new Error("Write made no progress");
    }
  }
}
