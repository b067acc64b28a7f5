/**
 * Lines collected in memory and written in batches, in order, so a log
 * costs one write per batch rather than one per line, and a slow reader of
 * the log never holds the server back: past a bound, lines are dropped and
 * counted, and the count is written in their place. The access log and the
 * trace both write through one. A writer that fails is said to have failed,
 * in one line on stderr, and is written to no more ({@linkcode WholeWriter}).
 *
 * @module
 */

import { writeStderr } from "../http/error_log.ts";
import type { LogWriter } from "./options.ts";

/** How long a line may wait before its batch is written. */
export const LOG_FLUSH_INTERVAL_MS = 100;

/** A batch this large is written at once rather than waiting for the interval. */
export const LOG_FLUSH_BYTES = 32 * 1024;

/** Beyond this many bytes waiting behind a slow writer, new lines are dropped (and counted) rather than held. */
export const LOG_MAX_PENDING_BYTES = 4 * 1024 * 1024;

/** Room for a full batch plus a typical line, so a batch rarely needs a second buffer. */
const BATCH_CAPACITY = LOG_FLUSH_BYTES + 4 * 1024;

const encoder = new TextEncoder();

/**
 * Batches lines and writes them in order. Never throws: a failing writer (a
 * closed stdout or stderr) turns the batch off rather than stopping the
 * server, and that is said in one line.
 *
 * A line is written straight into the batch's bytes
 * ({@linkcode LineBatch.begin}, then {@linkcode LineBatch.end}), so no line's
 * string outlives its request.
 */
export class LineBatch {
  readonly #out: WholeWriter;
  readonly #name: string;
  #batch = new Uint8Array(BATCH_CAPACITY);
  #length = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #inFlightBytes = 0;
  #dropped = 0;
  #closed = false;

  /**
   * @param writer where batches go
   * @param name what the lines are, for the notices: `"access log"`
   * @param say where the line saying the writer failed goes (default: stderr)
   */
  constructor(
    writer: LogWriter,
    name: string,
    say: (line: string) => void = writeStderr,
  ) {
    this.#out = new WholeWriter(writer, name, say);
    this.#name = name;
  }

  /** Lines dropped because the writer could not keep up, not yet reported. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Where the next line starts in the buffer {@linkcode LineBatch.begin} returned. */
  get length(): number {
    return this.#length;
  }

  /**
   * Makes room for a line of at most `most` bytes and returns the buffer to
   * write it into, from {@linkcode LineBatch.length} on; `null` when the
   * line must be dropped (too much waiting, a broken writer, closed).
   */
  begin(most: number): Uint8Array | null {
    if (this.#closed || this.#out.broken) return null;
    if (this.#length + this.#inFlightBytes > LOG_MAX_PENDING_BYTES) {
      this.#dropped++;
      return null;
    }
    this.#reserve(most);
    return this.#batch;
  }

  /** The line begun last ends at `at` (its newline included). */
  end(at: number): void {
    this.#length = at;
    if (this.#length >= LOG_FLUSH_BYTES) {
      this.#flushNow();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#flushNow(), LOG_FLUSH_INTERVAL_MS);
      // A waiting batch must not keep a stopped server's process alive.
      Deno.unrefTimer(this.#timer);
    }
  }

  /** Adds `line` and a newline. */
  add(line: string): void {
    // UTF-8: at most 3 bytes per UTF-16 unit.
    const batch = this.begin(line.length * 3 + 1);
    if (batch === null) return;
    const at = this.#length +
      encoder.encodeInto(line, batch.subarray(this.#length)).written;
    batch[at] = 0x0a;
    this.end(at + 1);
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

  /** Makes room for `most` more bytes, writing the batch out first if it is full. */
  #reserve(most: number): void {
    if (this.#length + most > this.#batch.length) {
      this.#flushNow();
      if (most > this.#batch.length) this.#batch = new Uint8Array(most);
    }
  }

  #flushNow(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#dropped > 0) {
      const notice =
        `${this.#name}: ${this.#dropped} lines dropped (output too slow)`;
      this.#dropped = 0;
      this.#reserve(notice.length + 1);
      const at = this.#length +
        encoder.encodeInto(notice, this.#batch.subarray(this.#length)).written;
      this.#batch[at] = 0x0a;
      this.#length = at + 1;
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
    await this.#out.write(bytes);
    this.#inFlightBytes -= bytes.length;
    if (this.#out.broken) this.#length = 0;
  }
}

/**
 * Writes batches whole, going on after short writes, until the writer
 * fails: then says so in one line (`access log: writing failed (...)`) and
 * drops every batch after it. Never throws.
 */
export class WholeWriter {
  readonly #writer: LogWriter;
  readonly #name: string;
  readonly #say: (line: string) => void;
  #broken = false;

  /**
   * @param writer where batches go
   * @param name what the lines are, for the line saying the writer failed
   * @param say where that line goes (default: stderr)
   */
  constructor(
    writer: LogWriter,
    name: string,
    say: (line: string) => void = writeStderr,
  ) {
    this.#writer = writer;
    this.#name = name;
    this.#say = say;
  }

  /** Whether the writer has failed: nothing more is written. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Writes all of `bytes`, or nothing once the writer has failed; resolves once done. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#broken) return;
    try {
      for (let offset = 0; offset < bytes.length;) {
        offset += await this.#writer.write(bytes.subarray(offset));
      }
    } catch (error) {
      this.#broken = true;
      const why = error instanceof Error ? error.message : String(error);
      try {
        this.#say(
          `${this.#name}: writing failed (${why}); no more ${this.#name} lines are written`,
        );
      } catch {
        // The line's own stream is the one that failed: nothing is left to tell.
      }
    }
  }
}
