/**
 * The one raw TCP client for tests: it sends exact bytes (a string is sent
 * one byte per char, so `\xNN` is any byte) and reads back exactly what the
 * server wrote: one response at a time, framed by its Content-Length and
 * checked by the strict parser ({@linkcode RawClient}), or everything until
 * the server closes ({@linkcode readUntilClosed}, {@linkcode exchange}).
 * Nothing here speaks HTTP for the test, so keep-alive, pipelining and
 * early closes are seen as they happen on the wire.
 *
 * @module
 */

import { closeQuietly, writeAll } from "../wire/socket.ts";
import { raceTimeout, TIMED_OUT } from "../wire/timers.ts";
import { concat, fromLatin1, latin1 } from "../wire/bytes.ts";
import { type ParsedResponse, parseResponse } from "../wire/response_parser.ts";

/** Bytes as given, or a string's chars as bytes (Latin-1). */
function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? fromLatin1(data) : data;
}

/** Connects to `hostname:port` (default 127.0.0.1). */
export function connect(
  port: number,
  hostname = "127.0.0.1",
): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname, port });
}

/** What the server wrote, up to the end of the connection. */
export interface ReadResult {
  /** Every byte read. */
  bytes: Uint8Array;
  /** The same, one char per byte. */
  text: string;
  /** `closed`: end of stream; `reset`: connection reset; `timeout`: still open at the deadline. */
  end: "closed" | "reset" | "timeout";
}

/** Reads until end of stream, a reset, or `timeoutMs`; never throws; closes `conn`. */
export async function readUntilClosed(
  conn: Deno.Conn,
  timeoutMs: number,
): Promise<ReadResult> {
  const parts: Uint8Array[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    closeQuietly(conn);
  }, timeoutMs);
  let end: ReadResult["end"] = "closed";
  const buffer = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      parts.push(buffer.slice(0, n));
    }
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionReset) end = "reset";
  } finally {
    clearTimeout(timer);
    closeQuietly(conn);
  }
  const bytes = concat(parts);
  return { bytes, text: latin1(bytes), end: timedOut ? "timeout" : end };
}

/** How {@linkcode exchange} sends. */
export interface ExchangeOptions {
  /** How long the server may keep the connection open; default 3 s. */
  timeoutMs?: number;
  /** Half-close after the request, so the server sees end of stream; default true. */
  halfClose?: boolean;
}

/**
 * Connects to `port` on 127.0.0.1, writes `request` (half-closing after it
 * unless `halfClose` is false) while reading, until the server closes or
 * `timeoutMs` passes with the connection still open.
 */
export async function exchange(
  port: number,
  request: string | Uint8Array,
  options: ExchangeOptions = {},
): Promise<ReadResult> {
  const conn = await connect(port);
  const writing = writeAll(conn, toBytes(request)).then(() =>
    (options.halfClose ?? true) ? conn.closeWrite() : undefined
  ).catch(() => {}); // the server may close before it has read everything
  const result = await readUntilClosed(conn, options.timeoutMs ?? 3000);
  await writing;
  return result;
}

/** Sends one request that asks to close (e.g. {@linkcode get} with `Connection: close`) and returns the whole answer; throws on a timeout. */
export async function fetchRaw(
  port: number,
  request: string,
  timeoutMs = 10_000,
): Promise<string> {
  const result = await exchange(port, request, { timeoutMs, halfClose: false });
  if (result.end === "timeout") {
    throw new Error(
      `no answer within ${timeoutMs} ms to ${
        JSON.stringify(request.slice(0, 60))
      }`,
    );
  }
  return result.text;
}

/** A minimal GET request, with `extra` header lines (each ending in CRLF). */
export function get(path: string, extra = ""): string {
  return `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;
}

/** Milliseconds since `start` (a `performance.now()` value). */
export function since(start: number): number {
  return performance.now() - start;
}

/** A client connection that speaks bytes, not HTTP. */
export class RawClient {
  /** The connection. */
  readonly conn: Deno.TcpConn;
  #buffered: Uint8Array = new Uint8Array(0);
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
    return new RawClient(await connect(port, hostname));
  }

  /** Writes all of `data` (a string one byte per char). */
  send(data: string | Uint8Array): Promise<void> {
    return writeAll(this.conn, toBytes(data));
  }

  /** Reads more bytes into the buffer; false at end of stream (or on a reset). */
  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(16 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(chunk);
    } catch {
      n = null; // A reset, or closed by this client, reads as the end here.
    }
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#buffered = concat([this.#buffered, chunk.subarray(0, n)]);
    return true;
  }

  /**
   * Reads one response (interim 1xx ones included; `head`: it answers HEAD,
   * so it has no body). Throws if it is malformed or the stream ends first.
   */
  async readResponse(head = false): Promise<ParsedResponse> {
    for (;;) {
      if (this.#buffered.length > 0) {
        const parsed = parseResponse(this.#buffered, head);
        if (!("error" in parsed)) {
          this.#buffered = this.#buffered.slice(parsed.end);
          return parsed;
        }
        if (!parsed.truncated) {
          throw new Error(`malformed response: ${parsed.error}`);
        }
      }
      if (!(await this.#fill())) {
        throw new Error(
          `connection ended before a whole response; had ${
            JSON.stringify(this.unread)
          }`,
        );
      }
    }
  }

  /** Reads one final (non-1xx) response, skipping interim ones. */
  async readFinalResponse(head = false): Promise<ParsedResponse> {
    for (;;) {
      const response = await this.readResponse(head);
      if (response.status >= 200) return response;
    }
  }

  /** Resolves true if the server closes the connection (with nothing more to read) within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const ended = (async () => {
      while (await this.#fill()) { /* keep reading until end of stream */ }
    })();
    if (await raceTimeout(ended, ms) === TIMED_OUT) {
      this.close(); // Ends the pending read, so no op is left behind.
      await ended;
      return false;
    }
    return true;
  }

  /** Everything read but not yet taken as a response, one char per byte. */
  get unread(): string {
    return latin1(this.#buffered);
  }

  /** Closes the connection (twice is fine). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.conn);
  }
}
