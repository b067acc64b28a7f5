/**
 * The connection engine shared by both servers: `handleConnection(sock,
 * state?)` reads at most once, answers every whole request that has arrived,
 * and returns `[close, state]`.
 *
 * The blocking server calls it in a loop on one connection; the non-blocking
 * server calls it whenever a connection's read completes. The state carries
 * partial input between calls and is opaque to both.
 *
 * @module
 */

import { ConnectionState } from "./http/connection.ts";
import { helloApp } from "./http/hello_app.ts";
import { HttpError } from "./http/http_error.ts";
import { DEFAULT_LIMITS, type Limits } from "./http/limits.ts";
import { Output } from "./http/output.ts";
import { writeErrorResponse } from "./http/response.ts";
import type {
  App,
  ConnectionOptions,
  ConnectionPhase,
  Socket,
} from "./http/types.ts";

export { ConnectionState } from "./http/connection.ts";
export { ALLOWED_METHODS, helloApp } from "./http/hello_app.ts";
export { holdDateClock } from "./http/http_date.ts";
export {
  DEFAULT_LIMITS,
  type Limits,
  MAX_CHUNK_LINE_BYTES,
  MAX_HEAD_BYTES,
  MAX_HEADER_FIELDS,
  MAX_TARGET_BYTES,
} from "./http/limits.ts";
export type {
  AccessLogEntry,
  App,
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

/**
 * Builds a {@linkcode ConnectionHandler} around an app.
 *
 * @param app answers each request; if it throws or rejects, the client gets a 500
 * @param limits overrides of {@linkcode DEFAULT_LIMITS}
 */
export function createConnectionHandler(
  app: App,
  limits: Partial<Limits> = {},
): ConnectionHandler {
  const config: Limits = { ...DEFAULT_LIMITS, ...limits };

  return async function handleConnection(sock, state) {
    const st = state instanceof ConnectionState ? state : new ConnectionState();
    if (st.closed) return [true, st];
    let ended = false;
    if (!st.hasPendingInput) {
      let n: number | null = null;
      try {
        n = await sock.read(st.readBuffer());
      } catch {
        st.close(); // reset, or closed by the server's timer
      }
      if (st.closed) return [true, st];
      if (n === null) ended = true;
      else st.received(n);
    }

    const out = Output.take();
    try {
      try {
        if (ended) st.endOfStream(out);
        else {
          const pending = st.run(out, app, config);
          if (pending !== undefined) await pending;
        }
      } catch (error) {
        st.failInternally(out, error);
      }
      if (out.committedLength > 0) {
        st.writing = true;
        try {
          // Usually one write takes everything: spare the hot path a call.
          const bytes = out.committedBytes();
          const n = await sock.write(bytes);
          if (n < bytes.length) await writeAll(sock, bytes, n);
        } finally {
          st.writing = false;
        }
      }
    } catch {
      st.close(); // the write failed: the peer is gone
    } finally {
      out.release();
    }
    return [st.closed, st];
  };
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
  return new ConnectionState(options);
}

/** Where a connection is, for a server's timers; a connection not yet started is idle. */
export function connectionPhase(state?: ConnectionState): ConnectionPhase {
  return state?.phase ?? "idle";
}

/** Makes the connection's next response carry `Connection: close` and end it (fairness, shutdown). */
export function closeAfterResponse(state: ConnectionState): void {
  state.closeAfterResponse();
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
  if (state === undefined || state.closed) return;
  const phase = state.phase;
  if (phase !== "head" && phase !== "body") {
    state.close();
    return;
  }
  const out = Output.take();
  try {
    state.fail(out, new HttpError(408, "The request took too long to arrive"));
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
