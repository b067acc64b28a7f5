/**
 * Step 4 of the tutorial, the blocking server: step 4b, with a
 * `handleConnection` that waits for at most one read per call, so that the
 * non-blocking server (`step4_webserve_nb.ts`) can import it and call it
 * whenever a read comes back, as the brief asks. The head joins the body in
 * the state's machine; a call reads once, answers every request its bytes
 * complete, and keeps the rest (half a head, the middle of a body) in its
 * state for the next call.
 *
 * ```text
 * head --(no body)---------------------------------------------> answer, head
 *   |---(Content-Length: n)--> body (skip n bytes) ------------> answer, head
 *   '---(chunked)--> chunk-size --(n > 0)--> chunk-data (skip n) --> chunk-end
 *                     ^   |                                           |
 *                     |   '--(0)--> trailers --(blank line)--> answer, head
 *                     '-----------------------(CRLF)------------------'
 * any phase --(bad input)--> its 4xx (a bug of ours: 500), then close
 * ```
 *
 * ```sh
 * deno run --allow-net tutorial/step4_webserve.ts 8080
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
const NAME = "step4_webserve";

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

/** What we wait for next: a head, a body's bytes, or a part of a chunked body. */
export type Phase =
  | "head"
  | "body"
  | "chunk-size"
  | "chunk-data"
  | "chunk-end"
  | "trailers";

/**
 * The brief's `stuff`: what a connection keeps from one call to the next.
 * A call may end anywhere in a request now, so it says where.
 */
export interface State {
  /** What we wait for next. */
  phase: Phase;
  /** Bytes read but not used yet (one char per byte): the start of the next request. */
  buffer: string;
  /** Bytes of the body, or of the chunk, still to skip. */
  left: number;
  /** The request whose body we are in, and what its head means. */
  request?: Request;
  framing?: Framing;
}

/** A new connection's state: waiting for a head, nothing read yet. */
export function newState(): State {
  return { phase: "head", buffer: "", left: 0 };
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
const INTERNAL = new HttpError("500 Internal Server Error", "internal error");
const TOO_LARGE = "431 Request Header Fields Too Large";
const CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n"; // "send the body: I am listening"

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
async function send(sock: Socket, text: string): Promise<boolean> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length;) {
    const n = await within(sock.write(bytes.subarray(at)).catch(() => 0));
    if (n === undefined || n === 0) return false;
    at += n;
  }
  return true;
}

/** The client left, or stayed silent between requests: we close, with nothing to say. */
class ClientGone extends Error {}

/** Reads once more, and adds what came to the buffer; in the middle of a request, silence is a 408. */
async function fill(sock: Socket, state: State, inRequest = true) {
  const chunk = new Uint8Array(READ_SIZE);
  const n = await within(sock.read(chunk).catch(() => null));
  need(n !== undefined || !inRequest, "408 Request Timeout", "too slow");
  if (n === undefined || n === null) throw new ClientGone();
  // Latin-1 maps each byte to one char, so string offsets are byte offsets.
  state.buffer += new TextDecoder("latin1").decode(chunk.subarray(0, n));
}

/** Takes the text before `end` out of the buffer; undefined until all of it has come. */
function takeUntil(state: State, end: string): string | undefined {
  const at = state.buffer.indexOf(end);
  need(at >= 0 || state.buffer.length <= MAX_HEAD_BYTES, TOO_LARGE, "long");
  if (at < 0) return undefined;
  const text = state.buffer.slice(0, at);
  state.buffer = state.buffer.slice(at + end.length);
  return text;
}

/** Drops what has come of the body (or chunk): true once all of it has gone by. */
function skip(state: State): boolean {
  const taken = Math.min(state.left, state.buffer.length);
  state.buffer = state.buffer.slice(taken);
  state.left -= taken;
  return state.left === 0;
}

/**
 * Moves the machine on as far as the buffer allows: `more` when it needs
 * another read, `done` when a request's body has all gone by, or the text of
 * a `100 Continue` to send at once.
 */
function advance(state: State): "more" | "done" | typeof CONTINUE {
  while (true) {
    switch (state.phase) {
      // ANCHOR: head
      case "head": {
        // A client may send an empty line before a request: RFC 9112 section 2.2 says to skip it.
        state.buffer = state.buffer.replace(/^(\r\n)+/, "");
        const head = takeUntil(state, "\r\n\r\n");
        if (head === undefined) return "more";
        state.request = parseHead(head);
        state.framing = frame(state.request);
        state.left = state.framing.bodyLength;
        state.phase = state.framing.chunked ? "chunk-size" : "body";
        if (state.framing.expectsContinue && !state.buffer) return CONTINUE;
        continue;
      }
      // ANCHOR_END: head
      case "body":
        return skip(state) ? "done" : "more";
      case "chunk-size": {
        const sizeLine = takeUntil(state, "\r\n");
        if (sizeLine === undefined) return "more";
        need(CHUNK_SIZE.test(sizeLine), BAD, "bad chunk size");
        state.left = parseInt(sizeLine, 16);
        state.phase = state.left === 0 ? "trailers" : "chunk-data";
        continue;
      }
      case "chunk-data":
        if (!skip(state)) return "more";
        state.phase = "chunk-end";
        continue;
      case "chunk-end": {
        const end = takeUntil(state, "\r\n");
        if (end === undefined) return "more";
        need(end === "", BAD, "chunk longer than its size");
        state.phase = "chunk-size";
        continue;
      }
      case "trailers": {
        // Trailer fields, up to a blank line: read, and ignored.
        const line = takeUntil(state, "\r\n");
        if (line === undefined) return "more";
        if (line === "") return "done";
        continue;
      }
      default: // no such phase: a bug of ours, which a 500 answers
        throw new Error(`no phase ${JSON.stringify(state.phase)}`);
    }
  }
}

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
interface Framing {
  /** Whether the connection stays open for another request. */
  keepAlive: boolean;
  /** How many bytes of body follow the head, when it is not chunked. */
  bodyLength: number;
  /** Whether the body comes in chunks. */
  chunked: boolean;
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
  const coding = fields.get("transfer-encoding")?.toLowerCase();
  const chunked = coding !== undefined;
  // Two framings at once is how requests are smuggled past a proxy: refuse.
  need(!chunked || !fields.has("content-length"), BAD, "two framings");
  need(!chunked || version === "1.1", BAD, "chunked in HTTP/1.0");
  need(!chunked || coding === "chunked", "501 Not Implemented", "coding");
  const host = fields.get("host");
  // RFC 9112 section 3.2: exactly one Host in HTTP/1.1.
  need(host !== undefined || version !== "1.1", BAD, "no Host");
  need(!host?.includes(","), BAD, "two Hosts");
  const expect = fields.get("expect")?.toLowerCase();
  return {
    // HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only if asked.
    keepAlive: version === "1.1"
      ? !options.includes("close")
      : options.includes("keep-alive"),
    bodyLength,
    chunked,
    // curl asks before a large upload, and waits a second for an answer.
    expectsContinue: version === "1.1" && expect === "100-continue" &&
      (chunked || bodyLength > 0),
  };
}

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
 * Answers every request the buffer completes, in order (pipelining), into
 * `out`; true when the connection must close after them.
 */
// ANCHOR: answer
function answerAll(state: State, out: string[]): boolean {
  while (true) {
    const next = advance(state);
    if (next === "more") return false;
    if (next === CONTINUE) {
      out.push(CONTINUE);
      continue;
    }
    // The query string is ignored, as the brief asks.
    const path = state.request!.target.split("?")[0];
    const { keepAlive } = state.framing!;
    const headOnly = state.request!.method === "HEAD";
    out.push(response("200 OK", `hello, ${path}`, keepAlive, headOnly));
    Object.assign(state, newState(), { buffer: state.buffer });
    if (!keepAlive) return true;
  }
}
// ANCHOR_END: answer

/**
 * The brief's `handle_connection`, for both servers: waits for one read
 * (or the timeout), answers every request that read completed, sends the
 * answers in one write, and resolves to `[close, state]`. Never throws: bad
 * input gets its 4xx and a bug of ours a 500, then the connection closes.
 */
// ANCHOR: handle
export async function handleConnection(
  sock: Socket,
  state: State = newState(),
): Promise<[close: boolean, state: State]> {
  const out: string[] = [];
  let close = false;
  try {
    // Silence before a request has begun is an idle client, not a slow one.
    const idle = state.phase === "head" && state.buffer === "";
    await fill(sock, state, !idle);
    close = answerAll(state, out);
  } catch (error) {
    if (error instanceof ClientGone) return [true, state];
    // A 500 is not the client's fault: say why where the server's operator will see it.
    if (!(error instanceof HttpError)) console.error(`${NAME}: a bug:`, error);
    const { status, message } = error instanceof HttpError ? error : INTERNAL;
    out.push(response(status, `${message}\n`, false));
    close = true;
  }
  const sent = out.length === 0 || await send(sock, out.join(""));
  return [!sent || close, state];
}
// ANCHOR_END: handle

/**
 * The brief's blocking loop, as in step 3: accept one connection, call
 * `handleConnection` until it says close, close, then accept the next.
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
