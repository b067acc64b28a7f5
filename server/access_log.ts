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

/** Room for a full batch plus a typical line, so a batch rarely needs a second buffer. */
const BATCH_CAPACITY = LOG_FLUSH_BYTES + 4 * 1024;

/**
 * Batches access-log lines and writes them in order. Never throws: a failing
 * writer (a closed stdout) turns the log off rather than stopping the server.
 *
 * Each line is written into the batch's bytes as it comes, so no line's
 * string outlives its request: thousands of waiting strings would survive
 * young-generation collections and cost the collector more than formatting
 * them did.
 */
export class AccessLog {
  #writer: LogWriter;
  #batch = new Uint8Array(BATCH_CAPACITY);
  #length = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #inFlightBytes = 0;
  #dropped = 0;
  #broken = false;
  #closed = false;

  #clock: () => number;
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
    this.#writer = writer;
    this.#clock = clock;
  }

  /** Lines dropped because the writer could not keep up. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Adds one line for a response sent to `address`. */
  add(address: string, entry: AccessLogEntry): void {
    if (this.#closed || this.#broken) return;
    if (this.#length + this.#inFlightBytes > LOG_MAX_PENDING_BYTES) {
      this.#dropped++;
      return;
    }
    this.#appendEntry(address, entry);
    if (this.#length >= LOG_FLUSH_BYTES) {
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

  /**
   * Appends the line {@linkcode formatLogLine} would give, as bytes: the
   * shared start is copied, the numbers are written digit by digit.
   */
  #appendEntry(address: string, entry: AccessLogEntry): void {
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
    this.#reserve(prefix.length + duration.length + 64);
    const batch = this.#batch;
    batch.set(prefix, this.#length);
    let at = writeDecimal(batch, this.#length + prefix.length, entry.status);
    batch[at++] = SPACE;
    at = writeDecimal(batch, at, entry.bytes);
    batch[at++] = SPACE;
    for (let i = 0; i < duration.length; i++) {
      batch[at++] = duration.charCodeAt(i); // digits and a point
    }
    batch[at++] = 0x6d; // m
    batch[at++] = 0x73; // s
    batch[at++] = 0x0a;
    this.#length = at;
  }

  /** Makes room for `most` more bytes, writing the batch out first if it is full. */
  #reserve(most: number): void {
    if (this.#length + most > this.#batch.length) {
      this.#flushNow();
      if (most > this.#batch.length) this.#batch = new Uint8Array(most);
    }
  }

  /** Appends `line` and a newline: for the rare lines that are not entries. */
  #appendText(line: string): void {
    this.#reserve(line.length * 3 + 1); // UTF-8: at most 3 bytes per UTF-16 unit
    const tail = this.#batch.subarray(this.#length);
    this.#length += encoder.encodeInto(line, tail).written;
    this.#batch[this.#length++] = 0x0a;
  }

  #flushNow(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#dropped > 0) {
      const dropped = this.#dropped;
      this.#dropped = 0;
      this.#appendText(
        `access log: ${dropped} lines dropped (output too slow)`,
      );
    }
    if (this.#length === 0) return;
    // The writer takes this batch's buffer; the next lines go to a new one.
    const bytes = this.#batch.subarray(0, this.#length);
    this.#batch = new Uint8Array(BATCH_CAPACITY);
    this.#length = 0;
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
      this.#length = 0;
    } finally {
      this.#inFlightBytes -= bytes.length;
    }
  }
}
