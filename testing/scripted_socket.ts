/**
 * A scripted in-memory socket: reads hand out the chunks it was given, one
 * per read (cut further when the reader's buffer is smaller), then end of
 * stream, or the same chunks again for ever (a benchmark's endless client);
 * writes are recorded, and can be made short or made to fail. It counts what
 * the engine did to it, so a test can check "one read per call" or "one
 * write per batch" without a network.
 *
 * @module
 */

import type { Socket } from "../mod.ts";
import { concat, latin1 } from "../wire/bytes.ts";
import type { Prng } from "../wire/prng.ts";

/** How a {@linkcode ScriptedSocket} misbehaves; by default it does not. */
export interface ScriptedSocketOptions {
  /** Most bytes one `write` takes (short writes); unlimited by default. */
  maxWrite?: number;
  /** Makes each `write` take a random non-empty prefix, drawn from this generator. */
  writeRng?: Prng;
  /** Makes `read` reject once the chunks run out, as on a reset, instead of ending the stream. */
  resetAtEnd?: boolean;
  /** Makes every `write` reject, as on a broken pipe. */
  failWrites?: boolean;
  /** Makes reads start over at the first chunk once all are read, for ever: the stream never ends. */
  loop?: boolean;
}

/** A socket whose reads return scripted chunks, then end of stream; writes are recorded. */
export class ScriptedSocket implements Socket {
  readonly #chunks: Uint8Array[];
  readonly #options: ScriptedSocketOptions;
  /** The chunk the next read takes from, and how much of it is read already. */
  #chunk = 0;
  #offset = 0;
  readonly #written: Uint8Array[] = [];
  #writtenLength = 0;
  /** `read` calls so far. */
  reads = 0;
  /** `write` calls so far. */
  writes = 0;
  /** Input bytes handed out so far. */
  consumed = 0;
  /** Whether a read has returned end of stream. */
  ended = false;
  /** The largest buffer a read was given: what the engine holds per read. */
  largestRead = 0;
  /** Whether writes are kept for {@linkcode ScriptedSocket.output}; a benchmark turns it off once it has checked a few. */
  recording = true;

  /** `chunks` are read in order (empty ones are dropped: a read never returns 0). */
  constructor(
    chunks: readonly Uint8Array[],
    options: ScriptedSocketOptions = {},
  ) {
    this.#chunks = chunks.filter((c) => c.length > 0);
    this.#options = options;
  }

  /** Copies the next chunk (or as much as fits) into `p`; null once all are read. */
  read(p: Uint8Array): Promise<number | null> {
    this.reads++;
    if (p.length > this.largestRead) this.largestRead = p.length;
    const chunks = this.#chunks;
    if (this.#chunk === chunks.length) {
      if (this.#options.loop && chunks.length > 0) this.#chunk = 0;
      else if (this.#options.resetAtEnd) {
        return Promise.reject(new Error("connection reset"));
      } else {
        this.ended = true;
        return Promise.resolve(null);
      }
    }
    const chunk = chunks[this.#chunk];
    const n = Math.min(chunk.length - this.#offset, p.length);
    p.set(chunk.subarray(this.#offset, this.#offset + n));
    this.#offset += n;
    if (this.#offset === chunk.length) {
      this.#chunk++;
      this.#offset = 0;
    }
    this.consumed += n;
    return Promise.resolve(n);
  }

  /** Takes all of `p`, or a prefix of it when writes are short. */
  write(p: Uint8Array): Promise<number> {
    this.writes++;
    if (this.#options.failWrites) {
      return Promise.reject(new Error("broken pipe"));
    }
    const { writeRng, maxWrite = Infinity } = this.#options;
    const taken = writeRng && p.length > 1
      ? writeRng.int(1, p.length)
      : p.length;
    const n = Math.min(taken, maxWrite);
    if (this.recording) {
      this.#written.push(p.slice(0, n));
      this.#writtenLength += n;
    }
    return Promise.resolve(n);
  }

  /** Everything written so far while recording, joined. */
  get output(): Uint8Array {
    return concat(this.#written, this.#writtenLength);
  }

  /** Everything written so far, as Latin-1 text. */
  get text(): string {
    return latin1(this.output);
  }

  /** Count of bytes written so far while recording. */
  get outputLength(): number {
    return this.#writtenLength;
  }
}
