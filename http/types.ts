/**
 * The shapes shared by the engine, the apps and the servers.
 *
 * @module
 */

/**
 * What `handleConnection` needs of a connection: a `Deno.Conn` fits.
 *
 * `read` resolves to the number of bytes read, or `null` at end of stream.
 * `write` may accept fewer bytes than it was given; the engine writes the
 * rest itself.
 */
export interface Socket {
  /** Reads into `p`; resolves to the count read, or `null` at end of stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes some prefix of `p`; resolves to how many bytes were taken. */
  write(p: Uint8Array): Promise<number>;
}

/** One header field as received: the name as sent (any case) and the value with surrounding whitespace removed. */
export type HeaderField = readonly [name: string, value: string];

/**
 * A parsed request head, as an app sees it. The body is read and discarded by
 * the engine. Every request is a new object with its own field list, on
 * every path (the memo's too): what an app does with one never reaches
 * another. The one exception is the hello app under the speed layer: it
 * reads nothing but the method and the path, so a repeated head hands it the
 * same request again (`memo/mod.ts`).
 */
export interface HttpRequest {
  /** The method token, case as sent (methods are case-sensitive): `"GET"`. */
  readonly method: string;
  /** The request target exactly as sent: `"/a/b?x=1"` or `"http://h/a?x"`. */
  readonly target: string;
  /** The target's path, without the query: `"/a/b"`. */
  readonly path: string;
  /** The query without its `?`, or `""` when there is none. */
  readonly query: string;
  /** The protocol version of the request. */
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  /** All header fields, in the order received. */
  readonly headers: readonly HeaderField[];
}

/** What an app answers. The engine adds `Date`, `Content-Length` and `Connection`. */
export interface HttpResponse {
  /** A final status code, 200 to 599. */
  status: number;
  /** The body; a string is sent as UTF-8. */
  body: string | Uint8Array;
  /**
   * Extra header fields. `Content-Type` defaults to
   * `text/plain; charset=utf-8`. Framing fields (`Content-Length`,
   * `Transfer-Encoding`, `Connection`) belong to the engine and are refused.
   */
  headers?: Record<string, string>;
}

/** An application: turns a request head into a response. May be async. */
export type App = (
  request: HttpRequest,
) => HttpResponse | Promise<HttpResponse>;

/** One line of the access log, produced as each response is queued for writing. */
export interface AccessLogEntry {
  /** The request method, or `"-"` when the request line could not be read. */
  method: string;
  /** The request target, or `"-"` when it could not be read. */
  target: string;
  /** The status answered. */
  status: number;
  /** Bytes of the response, head and body. */
  bytes: number;
  /** Milliseconds from the request's first byte being read to its response being queued. */
  durationMs: number;
}

/** What one `handleConnection` call did, as a trace reports it. */
export interface CallReport {
  /**
   * Bytes read; `"none"` when the call did not read (whole requests were
   * already buffered, or the connection was closed); `"eof"` at end of
   * stream; `"error"` when the read failed (a reset, or the server's timer
   * closed the socket).
   */
  read: number | "none" | "eof" | "error";
  /** The connection's phase before the call. */
  before: ConnectionPhase;
  /** Its phase after the call. */
  after: ConnectionPhase;
  /** Responses the call wrote (the engine's error responses too; `100 Continue` is not one). */
  responses: number;
  /** The close flag the call returned. */
  close: boolean;
  /** How long the call took, in microseconds. */
  us: number;
}

/** Per-connection options, given when a server creates a connection's state. */
export interface ConnectionOptions {
  /** Called once for every response the connection sends (the access log). */
  onResponse?: (entry: AccessLogEntry) => void;
  /** Called after every `handleConnection` call on the connection (the trace). */
  onCall?: (report: CallReport) => void;
  /**
   * The clock both hooks are timed by, in milliseconds: `performance.now`
   * unless a test sets its own. Read only for a connection with a hook.
   */
  now?: () => number;
}

/**
 * Where a connection is, as a server's timers see it.
 *
 * - `idle`: between requests, nothing buffered (keep-alive idle timeout).
 * - `head`: part of a request head has arrived (request-head deadline).
 * - `body`: reading a request body (body progress timeout).
 * - `answering`: the app is working out a response (an async app).
 * - `writing`: responses are being written (the client is not reading).
 * - `closed`: the connection is done; the caller must close it.
 */
export type ConnectionPhase =
  | "idle"
  | "head"
  | "body"
  | "answering"
  | "writing"
  | "closed";
