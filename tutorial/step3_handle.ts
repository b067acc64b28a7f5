/**
 * Step 3 of the tutorial: step 2, now handling the request properly. The
 * brief's `handleConnection(sock, state?)` returns `[close, state]` and is
 * driven by the brief's blocking loop; each call serves one request:
 * `hello, <path>` for GET and POST (query ignored, HEAD without a body),
 * the body read and thrown away, the connection kept for the next request.
 *
 * ```sh
 * deno run --allow-net tutorial/step3_handle.ts 8080
 * curl -i http://localhost:8080/some/random/url http://localhost:8080/again
 * ```
 *
 * Read `docs/tutorial.md` beside it: it says what to try, and what the probe
 * makes of this step.
 *
 * @module
 */

/** The server's name, for its one line of output. */
const NAME = "step3_handle";

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

/** The brief's `stuff`: what one connection keeps from one call to the next. */
export interface State {
  /** Bytes read but not used yet (one char per byte): the start of a pipelined next request. */
  buffer: string;
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

/**
 * Reads once more into the buffer. TCP delivers a stream of bytes, not
 * messages: one read may hold half a head, or a head and more. Latin-1 maps
 * each byte to one char, so string offsets are byte offsets. False when the
 * client has left, or stays silent between requests; throws 408 when it
 * stalls in the middle of one.
 */
async function readMore(conn: Deno.Conn, state: State, midRequest: boolean) {
  const chunk = new Uint8Array(READ_SIZE);
  const n = await within(conn.read(chunk).catch(() => null), TIMEOUT_MS);
  if (n === TIMED_OUT && midRequest) {
    throw new HttpError(408, "request timed out");
  }
  if (n === TIMED_OUT || n === null) return false;
  state.buffer += new TextDecoder("latin1").decode(chunk.subarray(0, n));
  return true;
}

/** Takes one head (without its blank line) out of the buffer, reading until it is all there; undefined if the client left. */
async function readHead(conn: Deno.Conn, state: State) {
  for (;;) {
    // A client may send an empty line before a request: RFC 9112 section 2.2 says to skip it.
    state.buffer = state.buffer.replace(/^(\r\n)+/, "");
    const end = state.buffer.indexOf("\r\n\r\n");
    if (end >= 0) {
      const head = state.buffer.slice(0, end);
      state.buffer = state.buffer.slice(end + 4);
      return head;
    }
    if (state.buffer.length > MAX_HEAD_BYTES) {
      throw new HttpError(431, "request head too large");
    }
    if (!(await readMore(conn, state, state.buffer !== ""))) return undefined;
  }
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

/** Drops `count` bytes of body, reading as they come; false if the client left. */
async function skipBytes(conn: Deno.Conn, state: State, count: number) {
  for (let left = count; left > 0;) {
    if (state.buffer === "" && !(await readMore(conn, state, true))) {
      return false;
    }
    const taken = Math.min(left, state.buffer.length);
    state.buffer = state.buffer.slice(taken);
    left -= taken;
  }
  return true;
}

/** Takes one CRLF-terminated line out of the buffer; undefined if the client left. */
async function readLine(conn: Deno.Conn, state: State) {
  while (!state.buffer.includes("\r\n")) {
    if (state.buffer.length > MAX_LINE_BYTES) {
      throw new HttpError(400, "chunk line too long");
    }
    if (!(await readMore(conn, state, true))) return undefined;
  }
  const end = state.buffer.indexOf("\r\n");
  const line = state.buffer.slice(0, end);
  state.buffer = state.buffer.slice(end + 2);
  return line;
}

/** Drops a chunked body (RFC 9112 section 7.1): size lines, data, trailer fields; false if the client left. */
async function skipChunked(conn: Deno.Conn, state: State): Promise<boolean> {
  for (;;) {
    const line = await readLine(conn, state);
    if (line === undefined) return false;
    const size = line.split(";")[0].trim(); // chunk-size [ ; chunk-ext ]
    if (!/^[0-9A-Fa-f]{1,15}$/.test(size)) {
      throw new HttpError(400, "malformed chunk size");
    }
    if (parseInt(size, 16) === 0) break;
    if (!(await skipBytes(conn, state, parseInt(size, 16)))) return false;
    const end = await readLine(conn, state);
    if (end === undefined) return false;
    if (end !== "") throw new HttpError(400, "chunk longer than its size");
  }
  for (;;) { // trailer fields, up to a blank line: read, and ignored
    const line = await readLine(conn, state);
    if (line === undefined || line === "") return line === "";
  }
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

/**
 * The brief's `handle_connection`: serves the next request of `conn` (its
 * head, its body, its answer) and resolves to `[close, state]`. Never
 * throws: bad input gets its 4xx and a bug of ours a 500, then the
 * connection closes.
 */
export async function handleConnection(
  conn: Deno.Conn,
  state: State = { buffer: "" },
): Promise<[close: boolean, state: State]> {
  let text: string;
  let close: boolean;
  try {
    const head = await readHead(conn, state);
    if (head === undefined) return [true, state]; // the client left, or stayed silent
    const request = parseHead(head);
    const framing = frame(request);
    const hasBody = framing.chunked || framing.bodyLength > 0;
    if (framing.expectsContinue && hasBody && state.buffer === "") {
      if (!(await send(conn, "HTTP/1.1 100 Continue\r\n\r\n"))) {
        return [true, state];
      }
    }
    const whole = framing.chunked
      ? await skipChunked(conn, state)
      : await skipBytes(conn, state, framing.bodyLength);
    if (!whole) return [true, state];
    text = answer(request, framing);
    close = !framing.keepAlive;
  } catch (error) {
    // Not the client's fault: say so where the server's operator will see it.
    if (!(error instanceof HttpError)) console.error(`${NAME}: a bug:`, error);
    const known = error instanceof HttpError;
    const status = known ? error.status : 500;
    text = response(
      status,
      `${known ? error.message : "internal error"}\n`,
      false,
    );
    close = true;
  }
  return [!(await send(conn, text)) || close, state];
}

/**
 * The brief's blocking loop: accept one connection, call `handleConnection`
 * until it says close, close, then accept the next. While one client is
 * served, the others wait in the kernel's queue of connections not yet
 * accepted; the timeout is what makes an idle client let go.
 */
export async function serve(listener: Deno.Listener): Promise<void> {
  while (true) {
    const conn = await listener.accept();
    let [close, state] = await handleConnection(conn);
    while (!close) [close, state] = await handleConnection(conn, state);
    conn.close();
  }
}

/** The port given as the first argument, or one line of usage and exit 2. */
function portFromArgs(): number {
  const text = Deno.args[0] ?? "";
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) {
    console.error(`usage: deno run --allow-net tutorial/${NAME}.ts <port>`);
    Deno.exit(2);
  }
  return Number(text);
}

// Only when run as a program: importing this file starts nothing.
if (import.meta.main) {
  const port = portFromArgs();
  let listener: Deno.Listener;
  try {
    // 0.0.0.0: every IPv4 interface, as the brief's '' in Python.
    listener = Deno.listen({ hostname: "0.0.0.0", port });
  } catch (error) {
    console.error(`${NAME}: cannot listen on port ${port}: ${error}`);
    Deno.exit(1);
  }
  const { port: bound } = listener.addr as Deno.NetAddr;
  console.log(`${NAME} listening on http://0.0.0.0:${bound}/`);
  await serve(listener);
}
