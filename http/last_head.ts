/**
 * The last request head parsed, remembered by its bytes. A client that sends
 * the same head again and again (a load test, a health check, a client
 * polling one URL) then costs a byte comparison instead of a parse.
 *
 * @module
 */

import { HeadParser, type RequestHead } from "./head_parser.ts";
import type { Limits } from "./limits.ts";

/** Heads up to this size are remembered; one fixed buffer holds them. */
const BUFFER_BYTES = 1024;

/**
 * Remembers the bytes of the last head parsed whole, and the limits it was
 * parsed under. A head's parse depends only on its bytes and the limits, so
 * input that begins with the same bytes, under the same limits, is the same
 * head: the bytes end with the head's empty line, so nothing after them can
 * change it.
 *
 * The head handed out is the memo's own, parsed again from its bytes on the
 * first match and frozen, so no app can change what a later request sees.
 */
export class LastHead {
  #buffer = new Uint8Array(BUFFER_BYTES);
  #length = 0;
  #limits: Limits | null = null;
  #head: RequestHead | null = null;

  /** Bytes of the remembered head: what a match consumes. */
  get length(): number {
    return this.#length;
  }

  /** The remembered head if `buf[start, end)` begins with its bytes, else `null`. */
  match(
    buf: Uint8Array,
    start: number,
    end: number,
    limits: Limits,
  ): RequestHead | null {
    const length = this.#length;
    if (length === 0 || end - start < length || limits !== this.#limits) {
      return null;
    }
    const kept = this.#buffer;
    for (let i = 0; i < length; i++) {
      if (buf[start + i] !== kept[i]) return null;
    }
    return this.#head ??= this.#parseOwnCopy(limits);
  }

  /** Remembers the head parsed whole from `buf[start, start + length)` under `limits`. */
  remember(
    buf: Uint8Array,
    start: number,
    length: number,
    limits: Limits,
  ): void {
    this.#head = null;
    if (length > BUFFER_BYTES) {
      this.#length = 0;
      return;
    }
    this.#buffer.set(buf.subarray(start, start + length));
    this.#length = length;
    this.#limits = limits;
  }

  /** The remembered bytes parsed into a head of the memo's own, frozen. */
  #parseOwnCopy(limits: Limits): RequestHead {
    const parser = new HeadParser(limits);
    parser.parse(this.#buffer, 0, this.#length);
    const head = parser.head!;
    for (const field of head.headers) Object.freeze(field);
    Object.freeze(head.headers);
    return Object.freeze(head);
  }
}
