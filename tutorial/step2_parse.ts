/**
 * Step 2 of the tutorial: step 1, now reading the whole request head
 * (however many reads it takes) and parsing it into an object. The answer is
 * still the hard-coded "hello, world"; a head that cannot be parsed gets 400.
 *
 * ```sh
 * deno run --allow-net tutorial/step2_parse.ts 8080
 * curl -i http://localhost:8080/any/path
 * ```
 *
 * Read `docs/tutorial.md` beside it: it says what to try, and what the probe
 * makes of this step.
 *
 * @module
 */

import { listenOnArgs } from "./listen.ts";

/** The server's name, for its one line of output. */
const NAME = "step2_parse";

/**
 * The whole answer, written once. Every response needs its status line; the
 * Content-Length tells the client where the body ends, and `Connection:
 * close` tells it not to send a second request on this connection.
 */
const RESPONSE = "HTTP/1.1 200 OK\r\n" +
  "Content-Type: text/plain\r\n" +
  "Content-Length: 12\r\n" +
  "Connection: close\r\n" +
  "\r\n" +
  "hello, world";

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

/**
 * Writes all of `text`. A write may take only part of what it is given
 * (when the kernel's buffer is full), so we write until all is gone.
 */
async function send(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length;) {
    at += await conn.write(bytes.subarray(at));
  }
}

/**
 * Reads until the blank line that ends the head. TCP delivers a stream of
 * bytes, not messages: one read may hold half a head (or a head and more),
 * so we keep reading and look again. Latin-1 maps each byte to one char, so
 * string offsets are byte offsets. Resolves to the head, or undefined if the
 * client left first.
 */
// ANCHOR: read
async function readHead(conn: Deno.Conn): Promise<string | undefined> {
  const chunk = new Uint8Array(READ_SIZE);
  let buffer = "";
  while (!buffer.includes("\r\n\r\n")) {
    need(buffer.length <= MAX_HEAD_BYTES, TOO_LARGE, "head too large");
    const n = await conn.read(chunk);
    if (n === null) return undefined;
    buffer += new TextDecoder("latin1").decode(chunk.subarray(0, n));
  }
  return buffer.slice(0, buffer.indexOf("\r\n\r\n"));
}
// ANCHOR_END: read

/** Parses a request head (without its blank line); throws {@link HttpError} 400 if it is malformed. */
// ANCHOR: parse
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
// ANCHOR_END: parse

/**
 * Serves one connection: reads the head and parses it, then answers the
 * hard-coded "hello, world" (or, for a head that does not parse, its
 * error). The caller closes the connection.
 */
// ANCHOR: handle
export async function handleConnection(conn: Deno.Conn): Promise<void> {
  let answer = RESPONSE;
  try {
    const head = await readHead(conn);
    if (head === undefined) return;
    const { method, target, version, fields } = parseHead(head);
    const names = [...fields.keys()].join(", ");
    console.log(
      `parsed: ${method} ${target} HTTP/${version}; fields: ${names}`,
    );
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const body = `${error.message}\n`;
    answer = `HTTP/1.1 ${error.status}\r\n` +
      "Content-Type: text/plain\r\n" +
      `Content-Length: ${body.length}\r\n` +
      "Connection: close\r\n" +
      "\r\n" +
      body;
  }
  await send(conn, answer);
}
// ANCHOR_END: handle

/**
 * The brief's blocking loop: accept one connection, serve it, close it,
 * then accept the next. While one client is served, the others wait in the
 * kernel's queue of connections not yet accepted.
 */
export async function serve(listener: Deno.Listener): Promise<void> {
  while (true) {
    const conn = await listener.accept();
    try {
      await handleConnection(conn);
    } catch (error) {
      // The client reset the connection, or went away: serve the next one.
      console.error(`${NAME}: ${(error as Error).message}`);
    }
    conn.close();
  }
}

// Only when run as a program: importing this file starts nothing.
if (import.meta.main) await serve(listenOnArgs(NAME));
