/**
 * Step 3 of the tutorial: step 2, now handling the request properly. The
 * brief's `handleConnection(sock, state?)` resolves to `[close, state]` and
 * is driven by the brief's blocking loop; each call serves one request:
 * `hello, <path>` for GET and POST (query ignored, HEAD without a body), its
 * body read and thrown away, the connection kept for the next request.
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

import { listenOnArgs } from "./listen.ts";

/** The server's name, for its one line of output. */
const NAME = "step3_handle";

/** How much one read takes: a usual request head fits. */
const READ_SIZE = 16 * 1024;

/** The longest head we wait for: past it we answer 431, so no client can make us buffer without end. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * How long we wait on a client, for its next bytes or to take our answer.
 * Then we close: a blocking server serves no one else meanwhile.
 */
const TIMEOUT_MS = 2000;

/** A method or a field name is a token (RFC 9110 section 5.6.2); a path is visible ASCII. */
const REQUEST_LINE =
  /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\/[!-~]*) HTTP\/(1\.\d)$/;

/** `name: value`, with no space before the colon (RFC 9112 section 5.1 says 400, always). */
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/;

/** chunk-size [ ; chunk-ext ]: hex digits, at most 13 so that the size is exact (under 2^53). */
const CHUNK_SIZE = /^[0-9A-Fa-f]{1,13}[ \t]*(;.*)?$/;

/** NUL and the other controls are never in a field value (RFC 9110 section 5.5). */
// deno-lint-ignore no-control-regex
const BAD_VALUE_CHAR = /[\0-\x08\x0a-\x1f\x7f]/;

/** What one request head says. */
export interface Request {
  /** `GET`, `POST`, ... */
  method: string;
  /** The request-target as sent, e.g. `/search?q=1`. */
  target: string;
  /** `1.1` or `1.0`. */
  version: string;
  /** The header fields by lower-cased name; a field sent twice has its values joined by commas. */
  fields: Map<string, string>;
}

/** The brief's `stuff`: what one connection keeps from one call to the next, the bytes read but not used yet (one char per byte): the start of a pipelined next request. */
export type State = { buffer: string };

/** Bad input: the status line to answer it with (`400 Bad Request`), and why. */
export class HttpError extends Error {
  /** @param status the status code and reason phrase @param message why, for the body */
  constructor(readonly status: string, message: string) {
    super(message);
  }
}

/** Throws {@link HttpError} with `status` unless `ok`: each rule we check is one line. */
function need(ok: unknown, status: string, why: string): asserts ok {
  if (!ok) throw new HttpError(status, why);
}

const BAD = "400 Bad Request";
const INTERNAL = new HttpError("500 Internal Server Error", "internal error");
const CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n"; // "send the body: I am listening"
const TOO_LARGE = "431 Request Header Fields Too Large";

/** What `work` resolves to, or undefined if the client keeps us waiting longer than the timeout. */
function within<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Writes all of `text`. A write may take only part of what it is given
 * (when the kernel's buffer is full), so we write until all is gone. False
 * when the client went away, or stopped reading for longer than the timeout.
 */
async function send(conn: Deno.Conn, text: string): Promise<boolean> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length;) {
    const n = await within(conn.write(bytes.subarray(at)).catch(() => 0));
    if (n === undefined || n === 0) return false;
    at += n;
  }
  return true;
}

/** The client left, or stayed silent between requests: we close, with nothing to say. */
class ClientGone extends Error {}

/** Reads once more into the buffer; in the middle of a request, silence is a 408. */
async function fill(conn: Deno.Conn, state: State, inRequest = true) {
  const chunk = new Uint8Array(READ_SIZE);
  const n = await within(conn.read(chunk).catch(() => null));
  need(n !== undefined || !inRequest, "408 Request Timeout", "too slow");
  if (n === undefined || n === null) throw new ClientGone();
  // Latin-1 maps each byte to one char, so string offsets are byte offsets.
  state.buffer += new TextDecoder("latin1").decode(chunk.subarray(0, n));
}

/**
 * Takes the text before `end` out of the buffer, reading as often as it
 * takes: TCP delivers a stream of bytes, not messages, so one read may hold
 * half a head, or a head and more.
 */
async function readUntil(conn: Deno.Conn, state: State, end: string) {
  while (!state.buffer.includes(end)) {
    need(state.buffer.length <= MAX_HEAD_BYTES, TOO_LARGE, "too long");
    await fill(conn, state, end !== "\r\n\r\n" || state.buffer !== "");
  }
  const text = state.buffer.slice(0, state.buffer.indexOf(end));
  state.buffer = state.buffer.slice(text.length + end.length);
  return text;
}

/** Drops `count` bytes of body as they arrive, never holding more than a read's worth. */
async function skipBytes(conn: Deno.Conn, state: State, count: number) {
  while (count > state.buffer.length) {
    count -= state.buffer.length;
    state.buffer = "";
    await fill(conn, state);
  }
  state.buffer = state.buffer.slice(count);
}

/** Drops a chunked body (RFC 9112 section 7.1): size lines, data, trailer fields. */
async function skipChunked(conn: Deno.Conn, state: State) {
  for (;;) {
    const line = await readUntil(conn, state, "\r\n");
    need(CHUNK_SIZE.test(line), BAD, "bad chunk size");
    const size = parseInt(line, 16);
    if (size === 0) break;
    await skipBytes(conn, state, size);
    need(await readUntil(conn, state, "\r\n") === "", BAD, "chunk too long");
  }
  // Trailer fields, up to a blank line: read, and ignored.
  while (await readUntil(conn, state, "\r\n") !== "") continue;
}

/** Parses a request head (without its blank line); throws {@link HttpError} 400 if it is malformed. */
export function parseHead(head: string): Request {
  const [line, ...fieldLines] = head.split("\r\n");
  const match = REQUEST_LINE.exec(line);
  need(match, BAD, "malformed request line");
  const fields = new Map<string, string>();
  for (const fieldLine of fieldLines) {
    const field = FIELD_LINE.exec(fieldLine);
    need(field && !BAD_VALUE_CHAR.test(field[2]), BAD, "malformed field");
    const name = field[1].toLowerCase(), before = fields.get(name);
    fields.set(name, before === undefined ? field[2] : `${before},${field[2]}`);
  }
  return { method: match[1], target: match[2], version: match[3], fields };
}

/** Where the body ends and whether the connection goes on: RFC 9112 sections 3.2, 6 and 9.3. */
function frame(request: Request) {
  const { fields, version } = request, http11 = version === "1.1";
  const host = fields.get("host"), length = fields.get("content-length");
  const coding = fields.get("transfer-encoding")?.toLowerCase();
  const options = (fields.get("connection") ?? "").toLowerCase().split(",");
  const asks = (option: string) => options.some((o) => o.trim() === option);
  need(!host?.includes(",") && (host !== undefined || !http11), BAD, "Host");
  // Two framings at once is how requests are smuggled past a proxy: refuse.
  need(!coding || (length === undefined && http11), BAD, "two framings");
  need(!coding || coding === "chunked", "501 Not Implemented", "coding");
  need(length === undefined || /^[0-9]{1,15}$/.test(length), BAD, "bad length");
  const expect = fields.get("expect")?.toLowerCase() === "100-continue";
  const bodyLength = Number(length ?? 0), chunked = coding !== undefined;
  return {
    path: request.target.split("?")[0], // the query string is ignored, as the brief asks
    bodyLength,
    chunked,
    // HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only if asked.
    keepAlive: http11 ? !asks("close") : asks("keep-alive"),
    // The client waits for a 100 before it sends its body.
    expectsContinue: http11 && expect && (chunked || bodyLength > 0),
  };
}

/**
 * One whole response: status line, header fields, and the body (none for
 * HEAD). Every method gets `hello`: the brief asks for GET and POST, and
 * refusing the others (405, 501) is one of the things the engine adds.
 */
function response(status: string, body: string, keep: boolean, head = false) {
  return `HTTP/1.1 ${status}\r\nDate: ${new Date().toUTCString()}\r\n` +
    `Content-Type: text/plain\r\nContent-Length: ${body.length}\r\n` +
    `Connection: ${keep ? "keep-alive" : "close"}\r\n\r\n${head ? "" : body}`;
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
  try {
    // A client may send an empty line before a request: RFC 9112 section 2.2 says to skip it.
    const head = await readUntil(conn, state, "\r\n\r\n");
    const request = parseHead(head.replace(/^(\r\n)+/, ""));
    const framing = frame(request);
    if (framing.expectsContinue && !state.buffer) await send(conn, CONTINUE);
    if (framing.chunked) await skipChunked(conn, state);
    else await skipBytes(conn, state, framing.bodyLength);
    const body = `hello, ${framing.path}`, headOnly = request.method === "HEAD";
    const text = response("200 OK", body, framing.keepAlive, headOnly);
    return [!(await send(conn, text)) || !framing.keepAlive, state];
  } catch (error) {
    if (error instanceof ClientGone) return [true, state];
    // A 500 is not the client's fault: say why where the server's operator will see it.
    if (!(error instanceof HttpError)) console.error(`${NAME}: a bug:`, error);
    const { status, message } = error instanceof HttpError ? error : INTERNAL;
    await send(conn, response(status, `${message}\n`, false));
    return [true, state];
  }
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

// Only when run as a program: importing this file starts nothing.
if (import.meta.main) await serve(listenOnArgs(NAME));
