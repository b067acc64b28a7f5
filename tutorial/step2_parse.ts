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

/** The server's name, for its one line of output. */
const NAME = "step2_parse";

/**
 * The whole answer, written once. Every response needs its status line; the
 * Content-Length tells the client where the body ends, and `Connection:
 * close` tells it not to send a second request on this connection.
 */
const RESPONSE = "HTTP/1.1 200 OK\r\n" +
  "Content-Type: text/plain; charset=utf-8\r\n" +
  "Content-Length: 12\r\n" +
  "Connection: close\r\n" +
  "\r\n" +
  "hello, world";

/** How much one read takes: a usual request head fits. */
const READ_SIZE = 16 * 1024;

/** The longest head we wait for: past it we answer 431, so no client can make us buffer without end. */
const MAX_HEAD_BYTES = 64 * 1024;

/** The reason phrase of each status we answer with. */
const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  431: "Request Header Fields Too Large",
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

/**
 * Writes all of `bytes`. A write may take only part of what it is given
 * (when the kernel's buffer is full), so we write until all is gone.
 */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
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
async function readHead(conn: Deno.Conn): Promise<string | undefined> {
  const decoder = new TextDecoder("latin1");
  const chunk = new Uint8Array(READ_SIZE);
  let received = "";
  while (!received.includes("\r\n\r\n")) {
    if (received.length > MAX_HEAD_BYTES) {
      throw new HttpError(431, "request head too large");
    }
    const n = await conn.read(chunk);
    if (n === null) return undefined;
    received += decoder.decode(chunk.subarray(0, n));
  }
  return received.slice(0, received.indexOf("\r\n\r\n"));
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

/** A whole error response; the connection closes after it. */
function errorResponse(error: HttpError): string {
  const body = `${error.message}\n`;
  return `HTTP/1.1 ${error.status} ${STATUS_TEXT[error.status]}\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Serves one connection: reads the head and parses it, then answers the
 * hard-coded "hello, world" (or, for a head that does not parse, its
 * error). The caller closes the connection.
 */
export async function handleConnection(conn: Deno.Conn): Promise<void> {
  let answer = RESPONSE;
  try {
    const head = await readHead(conn);
    if (head === undefined) return;
    const request = parseHead(head);
    console.log(`${request.method} ${request.target} HTTP/${request.version}`);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    answer = errorResponse(error);
  }
  await writeAll(conn, new TextEncoder().encode(answer));
}

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
