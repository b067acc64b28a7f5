/**
 * The access log: one line per response, collected in memory and written in
 * batches, so that logging costs one write per batch rather than per request.
 *
 * @module
 */

import type { AccessLogEntry } from "../http/types.ts";
import type { LogWriter } from "./options.ts";

/** How long a line may wait before its batch is written. */
export const LOG_FLUSH_INTERVAL_MS = 100;

/** A batch this large is written at once rather than waiting for the interval. */
export const LOG_FLUSH_BYTES = 32 * 1024;

/** Beyond this many bytes waiting behind a slow writer, new lines are dropped (and counted) rather than held. */
export const LOG_MAX_PENDING_BYTES = 4 * 1024 * 1024;

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
  const duration = entry.durationMs < 10
    ? entry.durationMs.toFixed(1)
    : Math.round(entry.durationMs).toString();
  return `${isoTimestamp(nowMs)} ${address} "${methods.escape(entry.method)} ${
    targets.escape(entry.target)
  }" ${entry.status} ${entry.bytes} ${duration}ms`;
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
 * Batches access-log lines and writes them in order. Never throws: a failing
 * writer (a closed stdout) turns the log off rather than stopping the server.
 */
export class AccessLog {
  #writer: LogWriter;
  #pending: string[] = [];
  #pendingBytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #inFlightBytes = 0;
  #dropped = 0;
  #broken = false;
  #closed = false;

  /** Creates a log writing to `writer` (default `Deno.stdout`). */
  constructor(writer: LogWriter = Deno.stdout) {
    this.#writer = writer;
  }

  /** Lines dropped because the writer could not keep up. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Adds one line for a response sent to `address`. */
  add(address: string, entry: AccessLogEntry): void {
    if (this.#closed || this.#broken) return;
    const line = formatLogLine(address, entry) + "\n";
    if (this.#pendingBytes + this.#inFlightBytes > LOG_MAX_PENDING_BYTES) {
      this.#dropped++;
      return;
    }
    this.#pending.push(line);
    this.#pendingBytes += line.length;
    if (this.#pendingBytes >= LOG_FLUSH_BYTES) {
      this.#flushNow();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#flushNow(), LOG_FLUSH_INTERVAL_MS);
      // A waiting batch must not keep a stopped server's process alive.
      Deno.unrefTimer(this.#timer);
    }
  }

  /** Writes every waiting line; resolves once they are written. */
  flush(): Promise<void> {
    this.#flushNow();
    return this.#writing;
  }

  /** Flushes and stops accepting lines. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  #flushNow(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0) return;
    if (this.#dropped > 0) {
      this.#pending.push(
        `access log: ${this.#dropped} lines dropped (output too slow)\n`,
      );
      this.#dropped = 0;
    }
    const bytes = encoder.encode(this.#pending.join(""));
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#inFlightBytes += bytes.length;
    this.#writing = this.#writing.then(() => this.#writeAll(bytes));
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    try {
      let offset = 0;
      while (offset < bytes.length && !this.#broken) {
        offset += await this.#writer.write(bytes.subarray(offset));
      }
    } catch {
      this.#broken = true;
      this.#pending = [];
      this.#pendingBytes = 0;
    } finally {
      this.#inFlightBytes -= bytes.length;
    }
  }
}
