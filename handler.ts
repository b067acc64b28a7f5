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
 * writes, reports each answer to the access log and each call to the trace
 * (through `http/watched_connection.ts`, for a connection that has them),
 * and is the error boundary (the socket's failures close the connection;
 * anything else is a bug, answered 500 and given to `onError`). Beside the
 * call, the two answers a server makes without one: a timeout's 408 and a
 * refusal's 503. The protocol itself (`http/connection.ts` and what it
 * uses) has no socket, app or hook in it, and no clock but the `Date`
 * field's (`http/http_date.ts`, which the servers hold).
 *
 * `createConnectionHandler(app)` builds the plain engine; the speed layer
 * (`http/memo/`) is turned on in one place, the servers' `handleConnection`
 * below.
 *
 * @module
 */

import {
  type Answered,
  Connection,
  type ConnectionState,
  type EngineConfig,
} from "./http/connection.ts";
import {
  type ErrorHook,
  logInternalError,
  reportError,
} from "./http/error_log.ts";
import { helloApp } from "./http/hello_app.ts";
import { HttpError } from "./http/http_error.ts";
import { DEFAULT_LIMITS, type Limits } from "./http/limits.ts";
import { memoFor } from "./http/memo/mod.ts";
import { Output } from "./http/output.ts";
import { plainSeams, type SpeedLayer } from "./http/seams.ts";
import type {
  App,
  CallReport,
  ConnectionPhase,
  HttpRequest,
  HttpResponse,
  Socket,
} from "./http/types.ts";
import { WatchedConnection } from "./http/watched_connection.ts";

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
   * The speed layer: none by default, the plain engine. `memoFor` from
   * `http/memo/mod.ts` is the one the servers run (same bytes, faster when
   * requests repeat); a {@linkcode SpeedLayer} of your own works too.
   */
  memo?: SpeedLayer;
  /**
   * Called with every internal error (an app that throws or returns a
   * malformed response, a hook that throws, a bug in the engine), and the
   * request it was answering. Default: one line on stderr, rate-limited
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

/** The engine both servers share: the hello app, with the speed layer on. */
const SERVERS_ENGINE: Engine = engineOf(helloApp, { memo: memoFor });

/**
 * The one engine both servers share: {@linkcode createConnectionHandler}'s
 * engine around {@linkcode helloApp}, with the speed layer on. This is the
 * one place it is turned on: the servers are what is measured, and
 * everything else builds the plain engine unless it asks.
 */
export function handleConnection(
  sock: Socket,
  state?: ConnectionState,
): Promise<[close: boolean, state: ConnectionState]> {
  return serveCall(SERVERS_ENGINE, sock, state);
}

/**
 * Builds a {@linkcode ConnectionHandler} around an app: the plain engine,
 * unless `options.memo` puts the speed layer in.
 *
 * @param app answers each request; if it throws or rejects, the client gets a 500
 * @param options limits, the speed layer, the error hook
 */
export function createConnectionHandler(
  app: App,
  options: HandlerOptions = {},
): ConnectionHandler {
  const engine = engineOf(app, options);
  return (sock, state) => serveCall(engine, sock, state);
}

function engineOf(app: App, options: HandlerOptions): Engine {
  const seams = (options.memo ?? plainSeams)(app);
  return {
    app: seams.app,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    headReader: seams.headReader,
    writeResponse: seams.writeResponse,
    onError: options.onError ?? logInternalError,
  };
}

/** One call of a handler: see {@linkcode ConnectionHandler}. */
async function serveCall(
  engine: Engine,
  sock: Socket,
  state: ConnectionState | undefined,
): Promise<[close: boolean, state: ConnectionState]> {
  const connection = state instanceof Connection ? state : new Connection();
  // Connections with an access log or a trace only: they time the call.
  const watched = connection instanceof WatchedConnection ? connection : null;
  if (watched !== null) watched.callBegins();
  let read: CallReport["read"] = "none";
  // Taken after the read: a connection waiting for input holds no output buffer.
  let out: Output | null = null;
  try {
    // 1. Read at most once, and not at all while whole requests are buffered.
    if (!connection.closed && !connection.hasPendingInput) {
      const space = connection.readBuffer();
      try {
        const n = await sock.read(space);
        read = n === null ? "eof" : n;
      } catch {
        read = "error"; // reset, or closed by the server's timer
      }
      if (read === "error") connection.close();
      else if (read !== "eof") {
        connection.received(read);
        if (watched !== null) watched.readArrived();
      }
    }
    // 2. Answer what has arrived. (The server's timer may have closed the
    // connection while it read.)
    if (!connection.closed) {
      out = Output.take();
      if (read === "eof") {
        const answered = connection.endOfStream(out);
        if (answered !== null) watched?.report(answered, engine.onError);
      } else {
        const answering = answerRequests(engine, connection, out, watched);
        if (answering !== undefined) await answering;
      }
    }
  } catch (error) {
    // Not the app's: the engine's own bug.
    out ??= Output.take();
    failInternally(engine.onError, connection, out, error, undefined);
  }

  // 3. Write the answers in one write.
  if (out !== null && out.committedLength > 0) {
    const bytes = out.committedBytes();
    connection.writing = true;
    try {
      // Usually one write takes everything: spare the hot path a call.
      const n = await sock.write(bytes);
      if (n < bytes.length) await writeAll(sock, bytes, n);
    } catch {
      connection.close(); // the write failed: the peer is gone
    }
    connection.writing = false;
  }
  out?.release();

  if (watched !== null) watched.callEnds(read, engine.onError);
  // This call's read is over and no other can be pending: the buffer may serve another connection.
  if (connection.closed) connection.releaseInput();
  return [connection.closed, connection];
}

/**
 * Answers every whole request buffered, in order, into `out`: the machine
 * hands out a request, the app answers it, the machine serializes the
 * answer. Bad input is answered with the machine's 4xx; anything else
 * thrown here (the app, its response, the head reader) is a bug, answered
 * 500 and reported to `onError`.
 *
 * @returns a promise only when the app answered with one
 */
function answerRequests(
  engine: Engine,
  connection: Connection,
  out: Output,
  watched: WatchedConnection | null,
): void | Promise<void> {
  for (;;) {
    let request: HttpRequest | null;
    try {
      request = connection.nextRequest(out, engine);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const refused = connection.fail(out, error);
      watched?.report(refused, engine.onError);
      return;
    }
    if (request === null) return;
    let answered: Answered;
    try {
      const response = engine.app(request);
      if (response instanceof Promise) {
        return answerLater(engine, connection, out, watched, request, response);
      }
      answered = connection.respond(out, engine, response);
    } catch (error) {
      failInternally(engine.onError, connection, out, error, request);
      return;
    }
    watched?.report(answered, engine.onError);
  }
}

/** Waits for an app's promised response, sends it, and goes on with the requests after it. */
async function answerLater(
  engine: Engine,
  connection: Connection,
  out: Output,
  watched: WatchedConnection | null,
  request: HttpRequest,
  pending: Promise<HttpResponse>,
): Promise<void> {
  let answered: Answered;
  try {
    const response = await pending;
    answered = connection.respond(out, engine, response);
  } catch (error) {
    failInternally(engine.onError, connection, out, error, request);
    return;
  }
  watched?.report(answered, engine.onError);
  return answerRequests(engine, connection, out, watched);
}

/**
 * The last resort: reports `error`, then answers 500 after the responses
 * already committed and closes. If not even the 500 can be made, the
 * connection closes after what was committed.
 */
function failInternally(
  onError: ErrorHook,
  connection: Connection,
  out: Output,
  error: unknown,
  request: HttpRequest | undefined,
): void {
  reportError(onError, error, request);
  let answered: Answered;
  try {
    answered = connection.fail(
      out,
      new HttpError(500, "The server failed to answer", { cause: error }),
    );
  } catch (failure) {
    out.rollback();
    connection.close();
    reportError(onError, failure);
    return;
  }
  if (connection instanceof WatchedConnection) {
    connection.report(answered, onError);
  }
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
 * received, writes nothing if the connection is idle or busy, and marks
 * the state closed. The caller then closes the socket. Never throws.
 *
 * @param onError told of internal errors (a log hook that throws), as the handler's option
 */
export async function handleTimeout(
  sock: Socket,
  state?: ConnectionState,
  onError: ErrorHook = logInternalError,
): Promise<void> {
  if (!(state instanceof Connection) || state.closed) return;
  const phase = state.phase;
  if (phase !== "head" && phase !== "body") {
    state.close();
    return;
  }
  await answerLast(sock, state, 408, onError);
}

/**
 * Answers a connection the server will not serve (over its connection cap)
 * with a complete `503` and `Connection: close`, logged through `state`'s
 * access log if it has one. Never throws.
 *
 * @param state the refused connection's, for its hooks; optional
 * @param onError told of internal errors (a log hook that throws), as the handler's option
 */
export async function refuseConnection(
  sock: Socket,
  state?: ConnectionState,
  onError: ErrorHook = logInternalError,
): Promise<void> {
  const connection = state instanceof Connection ? state : new Connection();
  await answerLast(sock, connection, 503, onError);
  connection.releaseInput();
}

/** Answers a connection's last response, a 408 or a 503, and writes it. */
async function answerLast(
  sock: Socket,
  connection: Connection,
  status: 408 | 503,
  onError: ErrorHook,
): Promise<void> {
  const out = Output.take();
  try {
    const answered = status === 408 ? connection.timeOut(out) : connection.fail(
      out,
      new HttpError(503, "The server is at its connection limit"),
    );
    if (connection instanceof WatchedConnection) {
      connection.report(answered, onError);
    }
  } catch (error) {
    failInternally(onError, connection, out, error, undefined);
  }
  try {
    await writeAll(sock, out.committedBytes());
  } catch {
    // The peer is gone; closing is all that is left.
  }
  out.release();
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
