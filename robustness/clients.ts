/**
 * Small raw-TCP client moves for the fault and soak tests: connect, read
 * until the server closes (with a deadline), wait for a condition.
 *
 * @module
 */

import { writeAll } from "./peers.ts";
import { fromLatin1, latin1 } from "../testing/bytes.ts";

export { writeAll };

/** Connects to 127.0.0.1:`port`. */
export function connect(port: number): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: "127.0.0.1", port });
}

/** What {@link readUntilClosed} saw. */
export interface ReadResult {
  /** Everything read, one char per byte. */
  text: string;
  /** `closed`: end of stream; `reset`: connection reset; `timeout`: still open at the deadline. */
  end: "closed" | "reset" | "timeout";
}

/** Reads until end of stream, a reset, or `timeoutMs`; never throws; closes `conn`. */
export async function readUntilClosed(
  conn: Deno.Conn,
  timeoutMs: number,
): Promise<ReadResult> {
  let text = "";
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
      text += latin1(buffer.subarray(0, n));
    }
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionReset) end = "reset";
  } finally {
    clearTimeout(timer);
    closeQuietly(conn);
  }
  return { text, end: timedOut ? "timeout" : end };
}

/** Closes, ignoring "already closed". */
export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** Sends one request with `Connection: close` and returns the whole answer, or throws on a timeout. */
export async function fetchRaw(
  port: number,
  request: string,
  timeoutMs = 10_000,
): Promise<string> {
  const conn = await connect(port);
  await writeAll(conn, fromLatin1(request));
  const result = await readUntilClosed(conn, timeoutMs);
  if (result.end === "timeout") {
    throw new Error(
      `no answer within ${timeoutMs} ms to ${
        JSON.stringify(request.slice(0, 60))
      }`,
    );
  }
  return result.text;
}

/** `GET <path>` with `Connection: close`. */
export function getRequest(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`;
}

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
