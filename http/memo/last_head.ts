/**
 * The last request head parsed, remembered by its bytes. A client that sends
 * the same head again and again (a load test, a health check, a client
 * polling one URL) then costs a byte comparison instead of a parse.
 *
 * @module
 */

import { frameRequest, requestOf } from "../framing.ts";
import { HeadParser, type HeadText } from "../head_parser.ts";
import type { RequestHead } from "../head_reader.ts";
import type { Limits } from "../limits.ts";

/**
 * A head seen before, byte for byte, under the same limits: the request it
 * makes is the app's own to keep or change, a new one for every repeat (or
 * shared between repeats where the memo serves an app it knows reads
 * nothing of a request but its method and path).
 */
export interface RecalledHead extends RequestHead {
  /** Bytes of the head, up to and including its empty line: what to consume. */
  readonly length: number;
}

/** Heads up to this size are remembered; one fixed buffer holds them. */
const BUFFER_BYTES = 1024;

/**
 * Remembers the bytes of the last head parsed whole, and the limits it was
 * parsed under. A head's parse depends only on its bytes and the limits, so
 * input that begins with the same bytes, under the same limits, is the same
 * head: the bytes end with the head's empty line, so nothing after them can
 * change it.
 *
 * The head is parsed from the memo's own bytes on the first match, and
 * shared by every repeat after it.
 */
export class LastHead {
  readonly #text: HeadText;
  #buffer = new Uint8Array(BUFFER_BYTES);
  #length = 0;
  #limits: Limits | null = null;
  /** Parsed on the first match, so a head seen once costs only the copy of its bytes. */
  #recalled: RecalledHead | null = null;

  /** @param text how the memo's own parse turns bytes into strings */
  constructor(text: HeadText) {
    this.#text = text;
  }

  /** The remembered head if `buf[start, end)` begins with its bytes, else `null`. */
  recall(
    buf: Uint8Array,
    start: number,
    end: number,
    limits: Limits,
  ): RecalledHead | null {
    const length = this.#length;
    if (length === 0 || end - start < length || limits !== this.#limits) {
      return null;
    }
    const kept = this.#buffer;
    for (let i = 0; i < length; i++) {
      if (buf[start + i] !== kept[i]) return null;
    }
    return this.#recalled ??= this.#parseOwnCopy(limits);
  }

  /** Remembers the head parsed whole from `buf[start, start + length)` under `limits`. */
  remember(
    buf: Uint8Array,
    start: number,
    length: number,
    limits: Limits,
  ): void {
    this.#recalled = null;
    if (length > BUFFER_BYTES) {
      this.#length = 0;
      return;
    }
    this.#buffer.set(buf.subarray(start, start + length));
    this.#length = length;
    this.#limits = limits;
  }

  /** The remembered bytes parsed again, exactly as the engine parsed them. */
  #parseOwnCopy(limits: Limits): RecalledHead {
    const parser = new HeadParser(limits, this.#text);
    parser.parse(this.#buffer, 0, this.#length);
    // The memo's own, shared by every repeat (`mod.ts` decides who may see
    // it). Not frozen: V8 reads frozen arrays much slower.
    const head = parser.head!;
    const framing = frameRequest(head);
    return { length: this.#length, request: requestOf(head), framing };
  }
}
