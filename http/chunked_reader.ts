/**
 * A reader for a chunked request body (RFC 9112 section 7.1) that discards
 * the data as it streams through, keeping only counters: it consumes every
 * byte it is given, so nothing of the body is ever buffered.
 *
 * @module
 */

import {
  COLON,
  CR,
  FIELD_VALUE,
  HEX_VALUE,
  HTAB,
  LF,
  SEMICOLON,
  SP,
  TOKEN,
} from "./byte_classes.ts";
import { HttpError } from "./http_error.ts";
import type { Limits } from "./limits.ts";

const SIZE_START = 0, // first hex digit of a chunk size
  SIZE = 1,
  SIZE_WS = 2, // BWS after the size, before ";"
  EXTENSION = 3,
  SIZE_LF = 4,
  DATA = 5,
  DATA_CR = 6,
  DATA_LF = 7,
  TRAILER_START = 8,
  TRAILER_NAME = 9,
  TRAILER_VALUE = 10,
  TRAILER_LF = 11,
  END_LF = 12,
  DONE = 13;

/** Chunk sizes stop growing here: a larger size can't be a real upload, and the arithmetic stays exact. */
const MAX_CHUNK_SIZE = Number.MAX_SAFE_INTEGER;

/** Consumes one chunked body, validating its framing. */
export class ChunkedReader {
  #limits: Limits;
  #state = SIZE_START;
  #size = 0; // chunk size being read, then data bytes left in the chunk
  #lineBytes = 0; // bytes of the chunk-size line so far
  #trailerBytes = 0;
  #trailerFields = 0;

  /** @param limits the limits on chunk lines and trailers */
  constructor(limits: Limits) {
    this.#limits = limits;
  }

  /** Whether the last chunk and the trailer section have been read. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /**
   * Consumes `buf[start, end)` up to the end of the body.
   *
   * @returns the index of the first byte after the body, or `end`
   * @throws {HttpError} when the framing is malformed
   */
  consume(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    let state = this.#state;
    while (i < end && state !== DONE) {
      // Each byte counts toward the line it arrived in.
      if (state <= SIZE_LF) {
        if (++this.#lineBytes > this.#limits.maxChunkLineBytes) {
          throw bad("Chunk size line too long");
        }
      } else if (
        state >= TRAILER_START &&
        ++this.#trailerBytes > this.#limits.maxHeadBytes
      ) {
        throw new HttpError(431, "Trailer section too large");
      }
      const b = buf[i];
      switch (state) {
        case DATA: {
          const n = Math.min(this.#size, end - i);
          this.#size -= n;
          i += n;
          if (this.#size === 0) state = DATA_CR;
          continue;
        }
        case SIZE_START:
        case SIZE: {
          const digit = HEX_VALUE[b];
          if (digit >= 0) {
            if (this.#size > (MAX_CHUNK_SIZE - digit) / 16) {
              throw bad("Chunk size too large");
            }
            this.#size = this.#size * 16 + digit;
            state = SIZE;
          } else if (state === SIZE_START) {
            throw bad("Invalid chunk size");
          } else if (b === CR) state = SIZE_LF;
          else if (b === SEMICOLON) state = EXTENSION;
          else if (b === SP || b === HTAB) state = SIZE_WS;
          else throw bad("Invalid chunk size");
          break;
        }
        case SIZE_WS:
          if (b === SEMICOLON) state = EXTENSION;
          else if (b !== SP && b !== HTAB) throw bad("Invalid chunk extension");
          break;
        case EXTENSION:
          // Extensions are ignored; only their bytes are checked, so a bare
          // CR or LF can't hide a line break.
          if (b === CR) state = SIZE_LF;
          else if (FIELD_VALUE[b] === 0) throw bad("Invalid chunk extension");
          break;
        case SIZE_LF:
          if (b !== LF) throw bad("Chunk size line not ended by CRLF");
          this.#lineBytes = 0;
          state = this.#size === 0 ? TRAILER_START : DATA;
          break;
        case DATA_CR:
          if (b !== CR) throw bad("Chunk data not followed by CRLF");
          state = DATA_LF;
          break;
        case DATA_LF:
          if (b !== LF) throw bad("Chunk data not followed by CRLF");
          state = SIZE_START;
          break;
        case TRAILER_START:
          if (b === CR) state = END_LF;
          else if (TOKEN[b] === 1) {
            if (++this.#trailerFields > this.#limits.maxHeaderFields) {
              throw new HttpError(431, "Too many trailer fields");
            }
            state = TRAILER_NAME;
          } else throw bad("Invalid trailer field");
          break;
        case TRAILER_NAME:
          if (b === COLON) state = TRAILER_VALUE;
          else if (TOKEN[b] === 0) throw bad("Invalid trailer field name");
          break;
        case TRAILER_VALUE:
          if (b === CR) state = TRAILER_LF;
          else if (FIELD_VALUE[b] === 0) {
            throw bad("Invalid trailer field value");
          }
          break;
        case TRAILER_LF:
          if (b !== LF) throw bad("Trailer field not ended by CRLF");
          state = TRAILER_START;
          break;
        case END_LF:
          if (b !== LF) throw bad("Trailer section not ended by CRLF");
          state = DONE;
          break;
      }
      i++;
    }
    this.#state = state;
    return i;
  }
}

function bad(message: string): HttpError {
  return new HttpError(400, message);
}
