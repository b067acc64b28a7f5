/**
 * A raw TCP client for the server tests: writes exact bytes and reads
 * responses framed by Content-Length, so tests see exactly what went over
 * the wire (keep-alive, pipelining, early closes).
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One response as read off the wire. */
export interface RawResponse {
  /** Status code from the status line. */
  status: number;
  /** The status line, e.g. `HTTP/1.1 200 OK`. */
  statusLine: string;
  /** Header fields, names lower-cased (last one wins). */
  headers: Map<string, string>;
  /** The body, decoded as UTF-8. */
  body: string;
}

/** A client connection that speaks bytes, not HTTP. */
export class RawClient {
  readonly conn: Deno.TcpConn;
  #buffered = new Uint8Array(0);
  #eof = false;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  /** Connects to `hostname:port` (default 127.0.0.1). */
  static async connect(
    port: number,
    hostname = "127.0.0.1",
  ): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname, port }));
  }

  /** Writes all of `data`. */
  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    let offset = 0;
    while (offset < bytes.length) {
      offset += await this.conn.write(bytes.subarray(offset));
    }
  }

  /** Reads more bytes into the buffer; false at end of stream (or on a reset). */
  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(16 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(chunk);
    } catch {
      n = null; // A reset reads as the end of the stream here.
    }
    if (n === null) {
      this.#eof = true;
      return false;
    }
    const joined = new Uint8Array(this.#buffered.length + n);
    joined.set(this.#buffered);
    joined.set(chunk.subarray(0, n), this.#buffered.length);
    this.#buffered = joined;
    return true;
  }

  /** Reads one response (interim 1xx responses included); throws if the stream ends first. */
  async readResponse(): Promise<RawResponse> {
    let headEnd: number;
    while ((headEnd = indexOfHeadEnd(this.#buffered)) < 0) {
      if (!(await this.#fill())) {
        throw new Error(
          `connection ended before a response head; had ${
            JSON.stringify(decoder.decode(this.#buffered))
          }`,
        );
      }
    }
    const [statusLine, ...fieldLines] = decoder.decode(
      this.#buffered.subarray(0, headEnd),
    ).split("\r\n");
    const headers = new Map<string, string>();
    for (const line of fieldLines) {
      const colon = line.indexOf(":");
      headers.set(
        line.slice(0, colon).trim().toLowerCase(),
        line.slice(colon + 1).trim(),
      );
    }
    const status = Number(statusLine.split(" ")[1]);
    const length = status < 200
      ? 0
      : Number(headers.get("content-length") ?? 0);
    const total = headEnd + 4 + length;
    while (this.#buffered.length < total) {
      if (!(await this.#fill())) {
        throw new Error("connection ended inside a response body");
      }
    }
    const body = decoder.decode(this.#buffered.subarray(headEnd + 4, total));
    this.#buffered = this.#buffered.slice(total);
    return { status, statusLine, headers, body };
  }

  /** Reads one final (non-1xx) response, skipping interim ones. */
  async readFinalResponse(): Promise<RawResponse> {
    for (;;) {
      const response = await this.readResponse();
      if (response.status >= 200) return response;
    }
  }

  /** Resolves true if the server closes the connection (with nothing more to read) within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) =>
      timer = setTimeout(() => resolve("timeout"), ms)
    );
    const ended = (async () => {
      while (await this.#fill()) { /* keep reading until end of stream */ }
      return "ended" as const;
    })();
    const result = await Promise.race([ended, timeout]);
    clearTimeout(timer);
    if (result === "timeout") {
      this.close(); // Ends the pending read, so no op is left behind.
      await ended;
      return false;
    }
    return true;
  }

  /** Everything read but not yet consumed, as text. */
  get unread(): string {
    return decoder.decode(this.#buffered);
  }

  /** Closes the connection (twice is fine). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }
}

function indexOfHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (
      bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 &&
      bytes[i + 3] === 10
    ) return i;
  }
  return -1;
}

/** A minimal GET request. */
export function get(path: string, extra = ""): string {
  return `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;
}

/** Milliseconds since `start` (a `performance.now()` value). */
export function since(start: number): number {
  return performance.now() - start;
}
