/**
 * A reader for a chunked request body (RFC 9112 section 7.1) that discards
 * the data as it streams through, keeping only counters: it consumes every
 * byte it is given, so nothing of the body is ever buffered.
 *
 * ```text
 *  one chunk:
 *    SizeStart --hex--> Size --CR--> SizeLf --LF, size > 0--> Data
 *                        |  |          ^                       | size bytes
 *                  SP/HTAB  ";"        CR                      v
 *                        v  v          |                    DataCr --CR--> DataLf
 *                   SizeWs -";"-> extensions                                 | LF
 *                                                                       SizeStart
 *
 *  the last chunk (size 0), then the trailer section:
 *    SizeLf --LF, size 0--> TrailerStart --CR--> EndLf --LF--> Done
 *                             |      ^
 *                           tchar    '-------------------LF-----------+
 *                             v                                       |
 *                         TrailerName --":"--> TrailerValue --CR--> TrailerLf
 *
 *  extensions: chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] )
 *    ExtNameStart --tchar--> ExtName --"="--> ExtValueStart --tchar--> ExtToken
 *                              |  ^                |
 *                        SP/HTAB  "="             '"'
 *                              v  |                v
 *                          ExtNameWs          ExtQuoted <--"\"--> ExtQuotedPair
 *                                                  | '"'
 *                                                  v
 *                                            ExtAfterQuote
 *    From ExtName, ExtToken and ExtAfterQuote: ";" starts the next
 *    extension, CR ends the line, SP/HTAB leads to whitespace (ExtNameWs,
 *    ExtValueWs) that only ";" (or "=" after a name) may follow.
 * ```
 *
 * Any byte no arrow allows is a 400 and the connection closes.
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
import { badRequest, HttpError } from "./http_error.ts";
import type { Limits } from "./limits.ts";

/** The reader's states; each names what the next byte continues. */
const enum State {
  /** The first hex digit of a chunk size. */
  SizeStart,
  Size,
  /** Whitespace after the size, before `;`. */
  SizeWs,
  /** After `;`: whitespace, then an extension's name. */
  ExtNameStart,
  ExtName,
  /** Whitespace after a name, before `=` or `;`. */
  ExtNameWs,
  /** After `=`: whitespace, then a token or a quoted string. */
  ExtValueStart,
  ExtToken,
  ExtQuoted,
  /** After a backslash in a quoted string. */
  ExtQuotedPair,
  /** After a quoted string's closing quote. */
  ExtAfterQuote,
  /** Whitespace after a value, before `;`. */
  ExtValueWs,
  /** After the size line's CR. */
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  TrailerName,
  TrailerValue,
  TrailerLf,
  /** After the CR of the empty line that ends the trailer section. */
  EndLf,
  Done,
}

/** Which limit a byte in each state counts toward: its chunk-size line, or the trailer section. */
const enum Section {
  None,
  SizeLine,
  Trailers,
}

const SECTION_OF: Section[] = [];
for (
  const s of [
    State.SizeStart,
    State.Size,
    State.SizeWs,
    State.ExtNameStart,
    State.ExtName,
    State.ExtNameWs,
    State.ExtValueStart,
    State.ExtToken,
    State.ExtQuoted,
    State.ExtQuotedPair,
    State.ExtAfterQuote,
    State.ExtValueWs,
    State.SizeLf,
  ]
) SECTION_OF[s] = Section.SizeLine;
for (
  const s of [
    State.TrailerStart,
    State.TrailerName,
    State.TrailerValue,
    State.TrailerLf,
    State.EndLf,
  ]
) SECTION_OF[s] = Section.Trailers;

/** Chunk sizes stop growing here: a larger size can't be a real upload, and the arithmetic stays exact. */
const MAX_CHUNK_SIZE = Number.MAX_SAFE_INTEGER;

const EQUALS = 0x3d, QUOTE = 0x22, BACKSLASH = 0x5c;

/** `qdtext` of RFC 9110 section 5.6.4: HTAB, SP, visible ASCII but `"` and `\`, obs-text. */
function isQdtext(b: number): boolean {
  return b === HTAB || b === SP || b === 0x21 ||
    (b >= 0x23 && b <= 0x5b) || (b >= 0x5d && b <= 0x7e) || b >= 0x80;
}

/** What may follow a backslash in a quoted string: HTAB, SP, VCHAR, obs-text. */
function isQuotedPairByte(b: number): boolean {
  return b === HTAB || (b >= 0x20 && b !== 0x7f);
}

/** Consumes one chunked body, validating its framing. */
export class ChunkedReader {
  readonly #limits: Limits;
  #state = State.SizeStart;
  /** The chunk size being read, then the data bytes left in the chunk. */
  #size = 0;
  /** Bytes of the chunk-size line so far. */
  #lineBytes = 0;
  #trailerBytes = 0;
  #trailerFields = 0;

  /** @param limits the limits on chunk lines and trailers */
  constructor(limits: Limits) {
    this.#limits = limits;
  }

  /** Whether the last chunk and the trailer section have been read. */
  get done(): boolean {
    return this.#state === State.Done;
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
    while (i < end && state !== State.Done) {
      if (state === State.Data) {
        const n = Math.min(this.#size, end - i);
        this.#size -= n;
        i += n;
        if (this.#size === 0) state = State.DataCr;
        continue;
      }
      // Each byte counts toward the line it arrived in.
      const section = SECTION_OF[state];
      if (section === Section.SizeLine) {
        if (++this.#lineBytes > this.#limits.maxChunkLineBytes) {
          throw badRequest("Chunk size line too long");
        }
      } else if (
        section === Section.Trailers &&
        ++this.#trailerBytes > this.#limits.maxHeadBytes
      ) {
        throw new HttpError(431, "Trailer section too large");
      }
      state = this.#next(state, buf[i]);
      i++;
    }
    this.#state = state;
    return i;
  }

  /** The state after byte `b` in `state` (any state but Data and Done). */
  #next(state: State, b: number): State {
    const blank = b === SP || b === HTAB;
    switch (state) {
      case State.SizeStart:
      case State.Size: {
        const digit = HEX_VALUE[b];
        if (digit >= 0) {
          if (this.#size > (MAX_CHUNK_SIZE - digit) / 16) {
            throw badRequest("Chunk size too large");
          }
          this.#size = this.#size * 16 + digit;
          return State.Size;
        }
        if (state === State.SizeStart) throw badRequest("Invalid chunk size");
        if (b === CR) return State.SizeLf;
        if (b === SEMICOLON) return State.ExtNameStart;
        if (blank) return State.SizeWs;
        throw badRequest("Invalid chunk size");
      }
      case State.SizeWs:
        if (b === SEMICOLON) return State.ExtNameStart;
        if (blank) return state;
        throw badExtension();
      case State.ExtNameStart:
        if (TOKEN[b] === 1) return State.ExtName;
        if (blank) return state;
        throw badExtension();
      case State.ExtName:
        if (TOKEN[b] === 1) return state;
        if (b === EQUALS) return State.ExtValueStart;
        if (b === SEMICOLON) return State.ExtNameStart;
        if (b === CR) return State.SizeLf;
        if (blank) return State.ExtNameWs;
        throw badExtension();
      case State.ExtNameWs:
        if (b === EQUALS) return State.ExtValueStart;
        if (b === SEMICOLON) return State.ExtNameStart;
        if (blank) return state;
        throw badExtension();
      case State.ExtValueStart:
        if (TOKEN[b] === 1) return State.ExtToken;
        if (b === QUOTE) return State.ExtQuoted;
        if (blank) return state;
        throw badExtension();
      case State.ExtToken:
        if (TOKEN[b] === 1) return state;
        if (b === SEMICOLON) return State.ExtNameStart;
        if (b === CR) return State.SizeLf;
        if (blank) return State.ExtValueWs;
        throw badExtension();
      case State.ExtQuoted:
        if (b === QUOTE) return State.ExtAfterQuote;
        if (b === BACKSLASH) return State.ExtQuotedPair;
        if (isQdtext(b)) return state;
        throw badExtension();
      case State.ExtQuotedPair:
        if (isQuotedPairByte(b)) return State.ExtQuoted;
        throw badExtension();
      case State.ExtAfterQuote:
        if (b === SEMICOLON) return State.ExtNameStart;
        if (b === CR) return State.SizeLf;
        if (blank) return State.ExtValueWs;
        throw badExtension();
      case State.ExtValueWs:
        if (b === SEMICOLON) return State.ExtNameStart;
        if (blank) return state;
        throw badExtension();
      case State.SizeLf:
        if (b !== LF) throw badRequest("Chunk size line not ended by CRLF");
        this.#lineBytes = 0;
        return this.#size === 0 ? State.TrailerStart : State.Data;
      case State.DataCr:
        if (b !== CR) throw badRequest("Chunk data not followed by CRLF");
        return State.DataLf;
      case State.DataLf:
        if (b !== LF) throw badRequest("Chunk data not followed by CRLF");
        return State.SizeStart;
      case State.TrailerStart:
        if (b === CR) return State.EndLf;
        if (TOKEN[b] === 1) {
          if (++this.#trailerFields > this.#limits.maxHeaderFields) {
            throw new HttpError(431, "Too many trailer fields");
          }
          return State.TrailerName;
        }
        throw badRequest("Invalid trailer field");
      case State.TrailerName:
        if (b === COLON) return State.TrailerValue;
        if (TOKEN[b] === 1) return state;
        throw badRequest("Invalid trailer field name");
      case State.TrailerValue:
        if (b === CR) return State.TrailerLf;
        if (FIELD_VALUE[b] === 1) return state;
        throw badRequest("Invalid trailer field value");
      case State.TrailerLf:
        if (b !== LF) throw badRequest("Trailer field not ended by CRLF");
        return State.TrailerStart;
      case State.EndLf:
        if (b !== LF) throw badRequest("Trailer section not ended by CRLF");
        return State.Done;
      default:
        // Data and Done are handled by the caller.
        throw new Error(`ChunkedReader: no transition from state ${state}`);
    }
  }
}

function badExtension(): HttpError {
  return badRequest("Invalid chunk extension");
}
