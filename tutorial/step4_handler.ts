/**
 * Step 4 of the tutorial: step 3's `handleConnection`, made safe to call
 * whenever one read completes, so that the blocking server
 * (`step4_webserve.ts`) and the non-blocking one (`step4_webserve_nb.ts`)
 * share it, as the brief asks. Each call reads at most once, answers every
 * request that read completed, and keeps the rest (half a head, the middle
 * of a body) in its state for the next call.
 *
 * The state is a small machine, one phase per thing we wait for:
 *
 * ```text
 *   HEAD --(no body)-----------------------------------------> answer --> HEAD
 *     |---(Content-Length: n)--> BODY (skip n bytes) --------> answer
 *     '---(chunked)--> CHUNK_SIZE --(n > 0)--> CHUNK_DATA (skip n) --> CHUNK_END (CRLF)
 *                        ^   |                                             |
 *                        |   '--(0)--> TRAILERS --(blank line)--> answer   |
 *                        '-------------------------------------------------'
 *   any phase --(malformed)--> its 4xx (or 500 for a bug of ours), then close
 * ```
 *
 * Read `docs/tutorial.md` beside it: it says what changed since step 3 and
 * why.
 *
 * @module
 */

/** The handler's name, for what it logs. */
const NAME = "step4_handler";

/** How much one read takes: a usual request head fits. */
const READ_SIZE = 16 * 1024;

/** The longest head we wait for: past it we answer 431, so no client can make us buffer without end. */
const MAX_HEAD_BYTES = 64 * 1024;

/** The longest chunk-size or trailer line we wait for, for the same reason. */
const MAX_LINE_BYTES = 4 * 1024;

/**
 * How long we wait on a client, for its next bytes or to take our answer.
 * Then we close: a blocking server serves no one else meanwhile.
 */
const TIMEOUT_MS = 2000;

/** The reason phrase of each status we answer with. */
const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  405: "Method Not Allowed",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
};

/** A token (a method, a field name): RFC 9110 section 5.6.2. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** method SP request-target SP HTTP-version (RFC 9112 section 3). */
const REQUEST_LINE = /^([^ ]+) (\/[!-~]*) HTTP\/([0-9])\.([0-9])$/;

/** NUL, CR, LF and the other controls: never in a field value (RFC 9110 section 5.5). */
// deno-lint-ignore no-control-regex
const BAD_VALUE_CHAR = /[\0-\x08\n-\x1f\x7f]/;

/** What one request head says. */
export interface Request {
  /** `GET`, `POST`, ... */
  method: string;
  /** The request-target as sent, e.g. `/search?q=1`. */
  target: string;
  /** `1.1` or `1.0`. */
  version: string;
  /** The header fields, names lower-cased, each with every value it came with. */
  fields: Map<string, string[]>;
}

/** What the head means for the connection: where the body ends, and what comes after. */
interface Framing {
  /** The path, without the query string (which the brief says to ignore). */
  path: string;
  /** Bytes of body (when not chunked). */
  bodyLength: number;
  /** True for a chunked body. */
  chunked: boolean;
  /** True when the connection stays open after the answer. */
  keepAlive: boolean;
  /** True when the client waits for `100 Continue` before it sends the body. */
  expectsContinue: boolean;
}

/** The phases of a connection: what we wait for next. */
export type Phase =
  | "head"
  | "body"
  | "chunk-size"
  | "chunk-data"
  | "chunk-end"
  | "trailers";

/** The brief's `stuff`: what one connection keeps from one call to the next. */
export interface State {
  /** What we wait for next. */
  phase: Phase;
  /** Bytes read but not used yet (one char per byte): half a head, or the start of a pipelined next request. */
  buffer: string;
  /** The request whose body we are skipping. */
  request?: Request;
  /** What its head means. */
  framing?: Framing;
  /** Bytes of the body (or of the chunk) still to skip. */
  left: number;
}

/** A new connection's state: waiting for a head, nothing read yet. */
export function newState(): State {
  return { phase: "head", buffer: "", left: 0 };
}

/** Bad input: the status to answer it with, and why. */
export class HttpError extends Error {
  /** The status code, e.g. 400. */
  readonly status: number;
  /** @param status the status code @param message why, for the body */
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const TIMED_OUT = Symbol("timed out");

/** What `work` resolves to, or {@link TIMED_OUT} after `ms`; we then stop waiting for it. */
async function within<T>(work: Promise<T>, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Writes all of `text`, within the timeout. A write may take only part of
 * what it is given (when the kernel's buffer is full), so we write until all
 * is gone. False when the client went away or stopped reading.
 */
async function send(conn: Deno.Conn, text: string): Promise<boolean> {
  const bytes = new TextEncoder().encode(text);
  const writing = (async () => {
    for (let at = 0; at < bytes.length;) {
      at += await conn.write(bytes.subarray(at));
    }
  })();
  return await within(writing.then(() => true, () => false), TIMEOUT_MS) ===
    true;
}

/** Parses a request head (without its blank line); throws {@link HttpError} 400 if it is malformed. */
export function parseHead(head: string): Request {
  const [line, ...fieldLines] = head.split("\r\n");
  const match = REQUEST_LINE.exec(line);
  if (!match || !TOKEN.test(match[1])) {
    throw new HttpError(400, "malformed request line");
  }
  const fields = new Map<string, string[]>();
  for (const fieldLine of fieldLines) {
    const colon = fieldLine.indexOf(":");
    const name = fieldLine.slice(0, colon);
    // No space before the colon: RFC 9112 section 5.1 says 400, always.
    const value = fieldLine.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (colon < 1 || !TOKEN.test(name) || BAD_VALUE_CHAR.test(value)) {
      throw new HttpError(400, "malformed header field");
    }
    const key = name.toLowerCase();
    fields.set(key, [...(fields.get(key) ?? []), value]);
  }
  return {
    method: match[1],
    target: match[2],
    version: `${match[3]}.${match[4]}`,
    fields,
  };
}

/** The comma-separated values of a field, lower-cased (`Connection: close, Upgrade`). */
function listOf(request: Request, name: string): string[] {
  const values = (request.fields.get(name) ?? []).join(",").toLowerCase();
  return values.split(",").map((v) => v.trim()).filter((v) => v !== "");
}

/** Where the body ends and whether the connection goes on: RFC 9112 sections 3.2, 6 and 9.3. */
function frame(request: Request): Framing {
  const http11 = request.version === "1.1";
  if (request.version[0] !== "1") {
    throw new HttpError(505, "only HTTP/1.x is spoken here");
  }
  const hosts = request.fields.get("host") ?? [];
  if (hosts.length > 1 || (http11 && hosts.length === 0)) {
    throw new HttpError(400, "a request needs one Host field");
  }
  const lengths = request.fields.get("content-length");
  const codings = listOf(request, "transfer-encoding");
  // Two framings at once is how requests are smuggled past a proxy: refuse.
  if (codings.length > 0 && (lengths || !http11)) {
    throw new HttpError(
      400,
      "Transfer-Encoding with Content-Length or HTTP/1.0",
    );
  }
  if (codings.length > 0 && codings.join() !== "chunked") {
    throw new HttpError(501, "only the chunked transfer coding is understood");
  }
  if (lengths && (lengths.length > 1 || !/^[0-9]{1,15}$/.test(lengths[0]))) {
    throw new HttpError(400, "malformed Content-Length");
  }
  const connection = listOf(request, "connection");
  return {
    path: request.target.split("?")[0],
    bodyLength: Number(lengths?.[0] ?? 0),
    chunked: codings.length > 0,
    // HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only if asked.
    keepAlive: http11
      ? !connection.includes("close")
      : connection.includes("keep-alive"),
    expectsContinue: http11 &&
      listOf(request, "expect").includes("100-continue"),
  };
}

/** One whole response: status line, header fields, and the body (none for HEAD). */
function response(
  status: number,
  body: string,
  keepAlive: boolean,
  headOnly = false,
  extra = "",
): string {
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n` +
    `Date: ${new Date().toUTCString()}\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${body.length}\r\n${extra}` +
    `Connection: ${keepAlive ? "keep-alive" : "close"}\r\n\r\n` +
    (headOnly ? "" : body);
}

/** The app: `hello, <path>` for GET, POST and HEAD; 405 for any other method. */
function answer(request: Request, framing: Framing): string {
  if (!["GET", "HEAD", "POST"].includes(request.method)) {
    const allow = "Allow: GET, HEAD, POST\r\n";
    return response(
      405,
      "only GET, HEAD and POST\n",
      framing.keepAlive,
      false,
      allow,
    );
  }
  const body = `hello, ${framing.path}`;
  return response(200, body, framing.keepAlive, request.method === "HEAD");
}

/** Takes one CRLF-terminated line out of the buffer; undefined until it is all there. */
function takeLine(state: State): string | undefined {
  const end = state.buffer.indexOf("\r\n");
  if (end < 0) {
    if (state.buffer.length > MAX_LINE_BYTES) {
      throw new HttpError(400, "chunk line too long");
    }
    return undefined;
  }
  const line = state.buffer.slice(0, end);
  state.buffer = state.buffer.slice(end + 2);
  return line;
}

/** Drops what has arrived of the body (or chunk); true once all of it has gone by. */
function skip(state: State): boolean {
  const taken = Math.min(state.left, state.buffer.length);
  state.buffer = state.buffer.slice(taken);
  state.left -= taken;
  return state.left === 0;
}

/**
 * Moves the machine as far as the buffer allows. Resolves to the text to
 * send (a `100 Continue`, an answer) when a phase produces one, `done` when
 * a request's body has all gone by, or `more` when it needs another read.
 */
function step(state: State): "more" | "done" | string {
  switch (state.phase) {
    case "head": {
      // A client may send an empty line before a request: RFC 9112 section 2.2 says to skip it.
      state.buffer = state.buffer.replace(/^(\r\n)+/, "");
      const end = state.buffer.indexOf("\r\n\r\n");
      if (end < 0) {
        if (state.buffer.length > MAX_HEAD_BYTES) {
          throw new HttpError(431, "request head too large");
        }
        return "more";
      }
      const request = parseHead(state.buffer.slice(0, end));
      const framing = frame(request);
      state.buffer = state.buffer.slice(end + 4);
      Object.assign(state, { request, framing, left: framing.bodyLength });
      state.phase = framing.chunked ? "chunk-size" : "body";
      const hasBody = framing.chunked || framing.bodyLength > 0;
      if (framing.expectsContinue && hasBody && state.buffer === "") {
        return "HTTP/1.1 100 Continue\r\n\r\n";
      }
      return step(state);
    }
    case "body":
      return skip(state) ? "done" : "more";
    case "chunk-size": {
      const line = takeLine(state);
      if (line === undefined) return "more";
      const size = line.split(";")[0].trim(); // chunk-size [ ; chunk-ext ]
      if (!/^[0-9A-Fa-f]{1,15}$/.test(size)) {
        throw new HttpError(400, "malformed chunk size");
      }
      state.left = parseInt(size, 16);
      state.phase = state.left === 0 ? "trailers" : "chunk-data";
      return step(state);
    }
    case "chunk-data":
      if (!skip(state)) return "more";
      state.phase = "chunk-end";
      return step(state);
    case "chunk-end": {
      const line = takeLine(state);
      if (line === undefined) return "more";
      if (line !== "") throw new HttpError(400, "chunk longer than its size");
      state.phase = "chunk-size";
      return step(state);
    }
    case "trailers": { // trailer fields, up to a blank line: read, and ignored
      const line = takeLine(state);
      if (line === undefined) return "more";
      return line === "" ? "done" : step(state);
    }
  }
}

/**
 * Answers every request the buffer completes, in order (pipelining), into
 * `out`; true when the connection must close after them.
 */
function answerAll(state: State, out: string[]): boolean {
  for (;;) {
    const next = step(state);
    if (next === "more") return false;
    if (next !== "done") {
      out.push(next);
      continue;
    }
    const { request, framing } = state as Required<State>;
    out.push(answer(request, framing));
    Object.assign(state, newState(), { buffer: state.buffer });
    if (!framing.keepAlive) return true;
  }
}

/**
 * The brief's `handle_connection`, safe for both servers: waits for one
 * read (or the timeout), answers every request it completed, sends the
 * answers in one write, and resolves to `[close, state]`. Never throws: bad
 * input gets its 4xx and a bug of ours a 500, then the connection closes.
 */
export async function handleConnection(
  conn: Deno.Conn,
  state: State = newState(),
): Promise<[close: boolean, state: State]> {
  const out: string[] = [];
  let close = false;
  try {
    const chunk = new Uint8Array(READ_SIZE);
    const n = await within(conn.read(chunk).catch(() => null), TIMEOUT_MS);
    const idle = state.phase === "head" && state.buffer === "";
    if (n === TIMED_OUT && !idle) throw new HttpError(408, "request timed out");
    if (n === TIMED_OUT || n === null) return [true, state]; // silent, or gone
    state.buffer += new TextDecoder("latin1").decode(chunk.subarray(0, n));
    close = answerAll(state, out);
  } catch (error) {
    // Not the client's fault: say so where the server's operator will see it.
    if (!(error instanceof HttpError)) console.error(`${NAME}: a bug:`, error);
    const known = error instanceof HttpError;
    const status = known ? error.status : 500;
    out.push(
      response(status, `${known ? error.message : "internal error"}\n`, false),
    );
    close = true;
  }
  const sent = out.length === 0 || await send(conn, out.join(""));
  return [!sent || close, state];
}
