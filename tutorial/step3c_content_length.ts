/**
 * Step 3c of the tutorial: step 3b, now reading a body whose length the
 * `Content-Length` field gives, and throwing it away, so that it is not
 * taken for the start of the next request. A client that asks before it
 * sends its body (`Expect: 100-continue`) is told to go on. Chunked bodies
 * are step 3d.
 *
 * ```sh
 * deno run --allow-net tutorial/step3c_content_length.ts 8080
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
const NAME = "step3c_content_length";

/** How much one read takes: a usual request head fits. */
const READ_SIZE = 16 * 1024;

/** The longest head we wait for: past it we answer 431, so no client can make us buffer without end. */
const MAX_HEAD_BYTES = 64 * 1024;

/** A method or a field name is a token (RFC 9110 section 5.6.2); a path is visible ASCII. */
const REQUEST_LINE =
  /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\/[!-~]*) HTTP\/(1\.\d)$/;

/** `name: value`, with no space before the colon (RFC 9112 section 5.1 says 400, always). */
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/;

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

/**
 * What `handleConnection` needs of a connection: to read and to write. A
 * `Deno.Conn` is one; so is the scripted socket of the tests.
 */
export interface Socket {
  /** Reads into `buffer`; resolves to the count read, or `null` at the end of the stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes a prefix of `data`; resolves to how many bytes were taken. */
  write(data: Uint8Array): Promise<number>;
}

/** The brief's `stuff`: what a connection keeps from one call to the next. */
export interface State {
  /** Bytes read but not used yet (one char per byte): the start of the next request. */
  buffer: string;
}

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
const TOO_LARGE = "431 Request Header Fields Too Large";
const CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n"; // "send the body: I am listening"

/**
 * Writes all of `text`. A write may take only part of what it is given
 * (when the kernel's buffer is full), so we write until all is gone.
 */
async function send(sock: Socket, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length;) {
    at += await sock.write(bytes.subarray(at));
  }
}

/** The client closed its side of the connection: there is no one to answer. */
class ClientGone extends Error {}

/** Reads once more, and adds what came to the buffer. */
// ANCHOR: read
async function fill(sock: Socket, state: State): Promise<void> {
  const chunk = new Uint8Array(READ_SIZE);
  const n = await sock.read(chunk);
  if (n === null) throw new ClientGone();
  // Latin-1 maps each byte to one char, so string offsets are byte offsets.
  state.buffer += new TextDecoder("latin1").decode(chunk.subarray(0, n));
}

/**
 * Takes the text before `end` out of the buffer, reading as often as it
 * takes: one read may hold half a head, or a head and more.
 */
async function readUntil(sock: Socket, state: State, end: string) {
  while (!state.buffer.includes(end)) {
    need(state.buffer.length <= MAX_HEAD_BYTES, TOO_LARGE, "too long");
    await fill(sock, state);
  }
  const at = state.buffer.indexOf(end);
  const text = state.buffer.slice(0, at);
  state.buffer = state.buffer.slice(at + end.length);
  return text;
}
// ANCHOR_END: read

/** Drops `count` bytes of body as they arrive, never holding more than a read's worth. */
// ANCHOR: skip
async function skipBytes(sock: Socket, state: State, count: number) {
  while (count > state.buffer.length) {
    count -= state.buffer.length;
    state.buffer = "";
    await fill(sock, state);
  }
  state.buffer = state.buffer.slice(count);
}
// ANCHOR_END: skip

/** Parses a request head (without its blank line); throws {@link HttpError} 400 if it is malformed. */
export function parseHead(head: string): Request {
  const [requestLine, ...fieldLines] = head.split("\r\n");
  const request = REQUEST_LINE.exec(requestLine);
  need(request, BAD, "malformed request line");
  const [, method, target, version] = request;
  const fields = new Map<string, string>();
  for (const fieldLine of fieldLines) {
    const field = FIELD_LINE.exec(fieldLine);
    need(field, BAD, "malformed field");
    const [, name, value] = field;
    need(!BAD_VALUE_CHAR.test(value), BAD, "malformed field");
    // A field sent twice is one field whose values are joined by commas.
    const before = fields.get(name.toLowerCase());
    const joined = before === undefined ? value : `${before},${value}`;
    fields.set(name.toLowerCase(), joined);
  }
  return { method, target, version, fields };
}

/** What a request's head means for its answer and for the connection. */
// ANCHOR: frame
interface Framing {
  /** Whether the connection stays open for another request. */
  keepAlive: boolean;
  /** How many bytes of body follow the head. */
  bodyLength: number;
  /** Whether the client waits for `100 Continue` before it sends its body. */
  expectsContinue: boolean;
}

/** Reads what the head says: RFC 9112 sections 6.3 for the body, 9.3 for the connection. */
function frame(request: Request): Framing {
  const { fields, version } = request;
  const connection = fields.get("connection") ?? "";
  const options = connection.toLowerCase().split(",").map((o) => o.trim());
  const length = fields.get("content-length") ?? "0";
  // Digits only: a sign, a space, or two fields (joined by a comma) is refused.
  need(/^[0-9]{1,15}$/.test(length), BAD, "bad Content-Length");
  const bodyLength = Number(length);
  const expect = fields.get("expect")?.toLowerCase();
  return {
    // HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only if asked.
    keepAlive: version === "1.1"
      ? !options.includes("close")
      : options.includes("keep-alive"),
    bodyLength,
    // curl asks before a large upload, and waits a second for an answer.
    expectsContinue: version === "1.1" && expect === "100-continue" &&
      bodyLength > 0,
  };
}
// ANCHOR_END: frame

/**
 * One whole response: status line, header fields, and the body (none for
 * HEAD). Every method gets `hello`: the brief asks for GET and POST, and
 * refusing the others (405, 501) is one of the things the engine adds.
 */
function response(
  status: string,
  body: string,
  keepAlive: boolean,
  headOnly = false,
): string {
  return `HTTP/1.1 ${status}\r\n` +
    `Date: ${new Date().toUTCString()}\r\n` +
    "Content-Type: text/plain\r\n" +
    `Content-Length: ${body.length}\r\n` +
    `Connection: ${keepAlive ? "keep-alive" : "close"}\r\n` +
    "\r\n" +
    (headOnly ? "" : body);
}

/**
 * The brief's `handle_connection`: serves the next request of `sock` (its
 * head, its body, its answer) and resolves to `[close, state]`. Bad input
 * gets its 4xx, then the connection closes.
 */
// ANCHOR: handle
export async function handleConnection(
  sock: Socket,
  state: State = { buffer: "" },
): Promise<[close: boolean, state: State]> {
  try {
    const head = await readUntil(sock, state, "\r\n\r\n");
    // A client may send an empty line before a request: RFC 9112 section 2.2 says to skip it.
    const request = parseHead(head.replace(/^(\r\n)+/, ""));
    const framing = frame(request);
    if (framing.expectsContinue && state.buffer === "") {
      await send(sock, CONTINUE);
    }
    await skipBytes(sock, state, framing.bodyLength);
    // The query string is ignored, as the brief asks.
    const path = request.target.split("?")[0];
    const { keepAlive } = framing;
    const headOnly = request.method === "HEAD";
    await send(sock, response("200 OK", `hello, ${path}`, keepAlive, headOnly));
    return [!keepAlive, state];
  } catch (error) {
    if (error instanceof ClientGone) return [true, state];
    if (!(error instanceof HttpError)) throw error;
    await send(sock, response(error.status, `${error.message}\n`, false));
    return [true, state];
  }
}
// ANCHOR_END: handle

/**
 * The brief's blocking loop: accept one connection, call `handleConnection`
 * until it says close, close, then accept the next. While one client is
 * served, the others wait in the kernel's queue of connections not yet
 * accepted.
 */
export async function serve(listener: Deno.Listener): Promise<void> {
  while (true) {
    const conn = await listener.accept();
    try {
      let [close, state] = await handleConnection(conn);
      while (!close) [close, state] = await handleConnection(conn, state);
    } catch (error) {
      // The client reset the connection, or went away: serve the next one.
      console.error(`${NAME}: ${(error as Error).message}`);
    }
    conn.close();
  }
}

// Only when run as a program: importing this file starts nothing.
if (import.meta.main) await serve(listenOnArgs(NAME));
