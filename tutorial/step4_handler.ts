/**
 * Step 4 of the tutorial: step 3's `handleConnection`, made safe to call
 * whenever one read completes, so that the blocking server
 * (`step4_webserve.ts`) and the non-blocking one (`step4_webserve_nb.ts`)
 * share it, as the brief asks. Each call waits for at most one read,
 * answers every request that read completed, and keeps the rest (half a
 * head, the middle of a body) in its state for the next call.
 *
 * The state is a small machine, one phase per thing we wait for:
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
 * Read `docs/tutorial.md` beside it: it says what changed since step 3, and
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

/** What we wait for next: a head, a body's bytes, or a part of a chunked body. */
export type Phase =
  | "head"
  | "body"
  | "chunk-size"
  | "chunk-data"
  | "chunk-end"
  | "trailers";

/**
 * The brief's `stuff`: what one connection keeps from one call to the next.
 * In step 3 that was only the bytes after a request; now a call may end
 * anywhere, so the state also says where we are.
 */
export interface State {
  /** What we wait for next. */
  phase: Phase;
  /** Bytes read but not used yet (one char per byte). */
  buffer: string;
  /** Bytes of the body, or of the chunk, still to skip. */
  left: number;
  /** The request whose body we are skipping, and what its head means. */
  request?: { head: Request; framing: ReturnType<typeof frame> };
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
 * Moves the machine on as far as the buffer allows. Returns `more` when it
 * needs another read, `done` when a request's body has all gone by, or the
 * text of a `100 Continue` to send at once.
 */
function advance(state: State): "more" | "done" | typeof CONTINUE {
  for (;;) {
    switch (state.phase) {
      case "head": {
        // A client may send an empty line before a request: RFC 9112 section 2.2 says to skip it.
        state.buffer = state.buffer.replace(/^(\r\n)+/, "");
        const text = takeUntil(state, "\r\n\r\n");
        if (text === undefined) return "more";
        const head = parseHead(text), framing = frame(head);
        state.request = { head, framing };
        state.left = framing.bodyLength;
        state.phase = framing.chunked ? "chunk-size" : "body";
        if (framing.expectsContinue && !state.buffer) return CONTINUE;
        continue;
      }
      case "body":
        return skip(state) ? "done" : "more";
      case "chunk-size": {
        const line = takeUntil(state, "\r\n");
        if (line === undefined) return "more";
        need(CHUNK_SIZE.test(line), BAD, "bad chunk size");
        state.left = parseInt(line, 16);
        state.phase = state.left === 0 ? "trailers" : "chunk-data";
        continue;
      }
      case "chunk-data":
        if (!skip(state)) return "more";
        state.phase = "chunk-end";
        continue;
      case "chunk-end": {
        const line = takeUntil(state, "\r\n");
        if (line === undefined) return "more";
        need(line === "", BAD, "chunk too long");
        state.phase = "chunk-size";
        continue;
      }
      case "trailers": { // trailer fields, up to a blank line: read, and ignored
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

/**
 * Answers every request the buffer completes, in order (pipelining), into
 * `out`; true when the connection must close after them.
 */
function answerAll(state: State, out: string[]): boolean {
  for (;;) {
    const next = advance(state);
    if (next === "more") return false;
    if (next === CONTINUE) {
      out.push(CONTINUE);
      continue;
    }
    const { head, framing } = state.request!;
    const body = `hello, ${framing.path}`, headOnly = head.method === "HEAD";
    out.push(response("200 OK", body, framing.keepAlive, headOnly));
    Object.assign(state, newState(), { buffer: state.buffer });
    if (!framing.keepAlive) return true;
  }
}

/**
 * The brief's `handle_connection`, for both servers: waits for one read
 * (or the timeout), answers every request that read completed, sends the
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
    const n = await within(conn.read(chunk).catch(() => null));
    const idle = state.phase === "head" && state.buffer === "";
    need(n !== undefined || idle, "408 Request Timeout", "too slow");
    if (n === undefined || n === null) return [true, state]; // silent, or gone
    // Latin-1 maps each byte to one char, so string offsets are byte offsets.
    state.buffer += new TextDecoder("latin1").decode(chunk.subarray(0, n));
    close = answerAll(state, out);
  } catch (error) {
    // A 500 is not the client's fault: say why where the server's operator will see it.
    if (!(error instanceof HttpError)) console.error(`${NAME}: a bug:`, error);
    const { status, message } = error instanceof HttpError ? error : INTERNAL;
    out.push(response(status, `${message}\n`, false));
    close = true;
  }
  const sent = out.length === 0 || await send(conn, out.join(""));
  return [!sent || close, state];
}
