/**
 * The access log: one line per response, collected in memory and written in
 * batches, so that logging costs one write per batch rather than per request.
 *
 * @module
 */

import type { AccessLogEntry } from "../http/types.ts";
import { LineBatch } from "./line_batch.ts";
import type { LogWriter } from "./options.ts";

export {
  LOG_FLUSH_BYTES,
  LOG_FLUSH_INTERVAL_MS,
  LOG_MAX_PENDING_BYTES,
} from "./line_batch.ts";

const encoder = new TextEncoder();

/**
 * Formats one access-log line (without its newline):
 * `2025-01-31T12:00:00.000Z 127.0.0.1 "GET /a/b" 200 154 0.4ms`.
 * Quotes, backslashes and control characters in the method or target are
 * escaped as `\xHH`, so a client cannot forge log lines. `nowMs` is the
 * time in milliseconds since the epoch.
 */
export function formatLogLine(
  address: string,
  entry: AccessLogEntry,
  nowMs: number = Date.now(),
): string {
  return `${linePrefix(nowMs, address, entry)}${entry.status} ${entry.bytes} ${
    formatDuration(entry.durationMs)
  }ms`;
}

/** A line up to its status: time, peer, and the quoted method and target. */
function linePrefix(
  nowMs: number,
  address: string,
  entry: AccessLogEntry,
): string {
  return `${isoTimestamp(nowMs)} ${address} "${methods.escape(entry.method)} ${
    targets.escape(entry.target)
  }" `;
}

/** Tenths of a millisecond below 10 ms, whole milliseconds above. */
function formatDuration(durationMs: number): string {
  return durationMs < 10
    ? durationMs.toFixed(1)
    : Math.round(durationMs).toString();
}

const SPACE = 0x20;

/** Writes the non-negative integer `n` in decimal at `at`; returns the end. */
function writeDecimal(buf: Uint8Array, at: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    const text = String(n); // not expected; written as JavaScript prints it
    for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i) & 0x7f;
    return at;
  }
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let i = at + digits;
  do {
    buf[--i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return at + digits;
}

// Under load many lines share a millisecond, a method and a target: each
// remembers its last input so a busy log formats as little as it can.
let lastTimestampMs = Number.NaN;
let lastTimestamp = "";

function isoTimestamp(nowMs: number): string {
  if (nowMs !== lastTimestampMs) {
    lastTimestampMs = nowMs;
    lastTimestamp = new Date(nowMs).toISOString();
  }
  return lastTimestamp;
}

/** Control characters, quotes and backslashes: what could forge or break a log line. */
// deno-lint-ignore no-control-regex
const UNSAFE_IN_LOG = /[\x00-\x1f\x7f"\\]/g;

/** Escapes one field for the log, remembering the last field it escaped. */
class FieldEscaper {
  #lastRaw = "";
  #lastEscaped = "";

  escape(text: string): string {
    if (text !== this.#lastRaw) {
      this.#lastRaw = text;
      this.#lastEscaped = text.replace(
        UNSAFE_IN_LOG,
        (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
      );
    }
    return this.#lastEscaped;
  }
}

const methods = new FieldEscaper();
const targets = new FieldEscaper();

/**
 * Shows a peer address the way people read it: IPv4-mapped IPv6 addresses
 * (what a dual-stack socket reports for IPv4 clients) as plain IPv4.
 */
export function formatPeer(addr: Deno.Addr): string {
  if (addr.transport !== "tcp" && addr.transport !== "udp") {
    return addr.transport;
  }
  const host =
    addr.hostname.startsWith("::ffff:") && addr.hostname.includes(".")
      ? addr.hostname.slice("::ffff:".length)
      : addr.hostname;
  return host;
}

/**
 * The access log: one line per response, through a {@linkcode LineBatch}.
 * Never throws: a failing writer (a closed stdout) turns the log off rather
 * than stopping the server.
 *
 * Each line is written into the batch's bytes as it comes, so no line's
 * string outlives its request: thousands of waiting strings would survive
 * young-generation collections and cost the collector more than formatting
 * them did.
 */
export class AccessLog {
  readonly #lines: LineBatch;
  readonly #clock: () => number;
  /**
   * The encoded start of a line, up to its status: it stays the same while
   * the millisecond, the peer, the method and the target repeat, as they do
   * under load.
   */
  #prefix = new Uint8Array(0);
  #prefixMs = Number.NaN;
  #prefixAddress = "";
  #prefixMethod = "";
  #prefixTarget = "";

  /**
   * Creates a log writing to `writer` (default `Deno.stdout`), stamping lines
   * with `clock` (milliseconds since the epoch; default `Date.now`).
   */
  constructor(
    writer: LogWriter = Deno.stdout,
    clock: () => number = Date.now,
  ) {
    this.#lines = new LineBatch(writer, "access log");
    this.#clock = clock;
  }

  /** Lines dropped because the writer could not keep up. */
  get dropped(): number {
    return this.#lines.dropped;
  }

  /**
   * Adds the line {@linkcode formatLogLine} would give for a response sent
   * to `address`, as bytes: the shared start is copied, the numbers are
   * written digit by digit.
   */
  add(address: string, entry: AccessLogEntry): void {
    const nowMs = this.#clock();
    const { method, target } = entry;
    if (
      nowMs !== this.#prefixMs || address !== this.#prefixAddress ||
      method !== this.#prefixMethod || target !== this.#prefixTarget
    ) {
      this.#prefixMs = nowMs;
      this.#prefixAddress = address;
      this.#prefixMethod = method;
      this.#prefixTarget = target;
      this.#prefix = encoder.encode(linePrefix(nowMs, address, entry));
    }
    const prefix = this.#prefix;
    const duration = formatDuration(entry.durationMs);
    // Two numbers (even ones printed oddly), the duration, spaces, "ms\n".
    const batch = this.#lines.begin(prefix.length + duration.length + 64);
    if (batch === null) return;
    const start = this.#lines.length;
    batch.set(prefix, start);
    let at = writeDecimal(batch, start + prefix.length, entry.status);
    batch[at++] = SPACE;
    at = writeDecimal(batch, at, entry.bytes);
    batch[at++] = SPACE;
    for (let i = 0; i < duration.length; i++) {
      batch[at++] = duration.charCodeAt(i); // digits and a point
    }
    batch[at++] = 0x6d; // m
    batch[at++] = 0x73; // s
    batch[at++] = 0x0a;
    this.#lines.end(at);
  }

  /** Writes every waiting line; resolves once they are written. */
  flush(): Promise<void> {
    return this.#lines.flush();
  }

  /** Flushes and stops accepting lines. */
  close(): Promise<void> {
    return this.#lines.close();
  }
}
