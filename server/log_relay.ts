/**
 * The access log of many workers through one writer.
 *
 * Each worker keeps its own `AccessLog`, which batches whole lines;
 * its writer is a {@linkcode LogRelay} that hands each batch to the
 * supervisor and resolves once the supervisor's {@linkcode LogSink} has
 * written it, so a slow stdout pushes back on every worker as it pushes
 * back on one server (the log then drops and counts lines, never blocking
 * a response). The sink writes one batch at a time, wholly, in the order
 * they arrive: a line is never split or interleaved with another worker's.
 *
 * @module
 */

import { WholeWriter } from "./line_batch.ts";
import type { LogWriter } from "./options.ts";

/** A worker's log writer: passes each batch on and waits until it is written. */
export class LogRelay implements LogWriter {
  readonly #send: (bytes: Uint8Array<ArrayBuffer>) => void;
  readonly #waiting: (() => void)[] = [];

  /** Creates a relay that hands batches to `send` (which may transfer their buffer). */
  constructor(send: (bytes: Uint8Array<ArrayBuffer>) => void) {
    this.#send = send;
  }

  /** Sends a copy of `p` (the caller may reuse it); resolves to its length once written. */
  write(p: Uint8Array): Promise<number> {
    return new Promise((resolve) => {
      this.#waiting.push(() => resolve(p.length));
      this.#send(p.slice());
    });
  }

  /** The supervisor has written the oldest batch sent. */
  written(): void {
    this.#waiting.shift()?.();
  }
}

/**
 * The one writer of every worker's log: writes batches in turn, each one
 * whole before the next. Never throws: a failing writer (a closed stdout)
 * turns the log off, said in one line on stderr, and batches are still
 * acknowledged so no worker waits.
 */
export class LogSink {
  readonly #out: WholeWriter;
  #writing: Promise<void> = Promise.resolve();

  /**
   * Creates a sink writing to `writer` (default `Deno.stdout`).
   *
   * @param name what the lines are, for the line saying the writer failed
   * @param say where that line goes (default: stderr)
   */
  constructor(
    writer: LogWriter = Deno.stdout,
    name = "access log",
    say?: (line: string) => void,
  ) {
    this.#out = new WholeWriter(writer, name, say);
  }

  /** Queues `bytes`; resolves once they are written (or dropped by a broken writer). */
  write(bytes: Uint8Array): Promise<void> {
    this.#writing = this.#writing.then(() => this.#out.write(bytes));
    return this.#writing;
  }

  /** Resolves once every queued batch is written. */
  flush(): Promise<void> {
    return this.#writing;
  }
}
