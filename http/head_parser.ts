/**
 * A resumable tokenizer for a request head: the request line and the header
 * fields (RFC 9112 sections 2 to 5). It checks the grammar of every byte and
 * the size limits; what the fields mean (Host, Content-Length,
 * Transfer-Encoding, Connection, Expect) is `framing.ts`'s business.
 *
 * ```text
 *  RequestLineStart --CR--> LeadingLf        (empty lines before a request
 *     |   ^--------LF-----------+              line are skipped)
 *     |   '--LF--'
 *     | tchar
 *     v
 *  Method --SP--> Target --SP--> Version --CR--> RequestLineLf
 *                                   |                 |
 *                                   LF                LF
 *                                   v                 v
 *   +---------------------------> FieldStart <--------+
 *   |                              |   |   '--CR--> HeadEndLf --LF--> (head complete)
 *   |                              |   '----LF-------------------------> (head complete)
 *   |                              | tchar
 *   |                              v
 *   |                          FieldName --":"--> ValueStart --other--> Value
 *   |                                                                    |
 *   +-----------LF------------- ValueLf <--CR----------------------------+
 *   +-----------LF-------------------------------------------------------+
 * ```
 *
 * Any byte no arrow allows is an {@linkcode HttpError} (400, or 414, 431,
 * 501, 505 for the limits and the version).
 *
 * It reads bytes, never decoded text, and keeps its place between calls:
 * bytes already examined are never examined again, so a client sending one
 * byte at a time costs one step per byte. Each complete line is consumed as
 * soon as it has been turned into values, so only the line in progress stays
 * buffered; its offsets are kept relative to the line's start, which lets
 * the caller compact its buffer between calls.
 *
 * @module
 */

import {
  COLON,
  CR,
  DIGIT_ZERO,
  DOT,
  FIELD_VALUE,
  HTAB,
  latin1,
  LF,
  SP,
  TARGET,
  TOKEN,
} from "./byte_classes.ts";
import { badRequest, HttpError } from "./http_error.ts";
import type { Limits } from "./limits.ts";
import type { HeaderField } from "./types.ts";

/** The tokenizer's states; each names what the next byte continues. */
const enum State {
  /** Skipping empty lines before the request line. */
  RequestLineStart,
  /** After the CR of such an empty line. */
  LeadingLf,
  Method,
  Target,
  Version,
  /** After the request line's CR. */
  RequestLineLf,
  FieldStart,
  FieldName,
  /** Skipping whitespace before a field value. */
  ValueStart,
  Value,
  /** After a field line's CR. */
  ValueLf,
  /** After the CR of the empty line that ends the head. */
  HeadEndLf,
}

/** A request head as tokenized: the request line's parts and the fields, as sent. */
export interface ParsedHead {
  /** The method token: `"GET"`. */
  readonly method: string;
  /** The request target exactly as sent. */
  readonly target: string;
  /** The protocol version; a higher HTTP/1.x minor version reads as 1.1. */
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  /** Every field line, name as sent and value without surrounding whitespace. */
  readonly headers: HeaderField[];
}

/** Tokenizes one request head; a new parser reads the next. */
export class HeadParser {
  readonly #limits: Limits;
  readonly #text: HeadText;
  #state = State.RequestLineStart;
  /** Next byte to examine, relative to the start of the line in progress. */
  #pos = 0;
  // Offsets within the line in progress, relative to its start.
  #methodEnd = 0;
  #targetEnd = 0;
  #nameEnd = 0;
  #valueStart = 0;
  #valueEnd = 0;
  /** Bytes of this head's complete lines. */
  #headBytes = 0;

  #method = "";
  #target = "";
  #version: "HTTP/1.0" | "HTTP/1.1" = "HTTP/1.1";
  #headers: HeaderField[] = [];

  #head: ParsedHead | null = null;

  /**
   * @param limits the limits to enforce
   * @param text how bytes become strings
   */
  constructor(limits: Limits, text: HeadText = PLAIN_TEXT) {
    this.#limits = limits;
    this.#text = text;
  }

  /** Whether a request line has begun (a partial request is buffered). */
  get started(): boolean {
    // Empty lines before a request line are not a request (RFC 9112
    // section 2.2: old clients send a CRLF after a POST body).
    const s = this.#state;
    return s !== State.RequestLineStart && s !== State.LeadingLf;
  }

  /** The head, once {@linkcode HeadParser.parse} has read all of it; `null` before. */
  get head(): ParsedHead | null {
    return this.#head;
  }

  /** The method, once the request line has been read; `""` before. */
  get method(): string {
    return this.#method;
  }

  /** The target, once the request line has been read; `""` before. */
  get target(): string {
    return this.#target;
  }

  /**
   * Reads `buf[start, end)`, which begins where the last call's unconsumed
   * bytes began.
   *
   * @returns the count of bytes consumed from `start`: whole lines only.
   * When the head is complete, {@linkcode HeadParser.head} is set and the
   * bytes after it are left unconsumed.
   * @throws {HttpError} when the head is malformed or over a limit
   */
  parse(buf: Uint8Array, start: number, end: number): number {
    const limits = this.#limits;
    let lineStart = start;
    let i = start + this.#pos;
    let state = this.#state;

    // Every line ends the same way below (six places): step past its LF,
    // count the line toward the head's size, and begin the next line there
    // (`i++; this.#headBytes += i - lineStart; lineStart = i`).
    scan: while (i < end) {
      switch (state) {
        case State.RequestLineStart: {
          const b = buf[i];
          if (b === CR) {
            state = State.LeadingLf;
            i++;
          } else if (b === LF) {
            i++;
            this.#headBytes += i - lineStart;
            lineStart = i;
          } else state = State.Method;
          break;
        }
        case State.LeadingLf:
          if (buf[i] !== LF) {
            throw badRequest("Bare CR before the request line");
          }
          i++;
          this.#headBytes += i - lineStart;
          lineStart = i;
          state = State.RequestLineStart;
          break;
        case State.Method:
          while (i < end && TOKEN[buf[i]] === 1) i++;
          if (i - lineStart > limits.maxMethodBytes) {
            throw new HttpError(501, "Method not implemented");
          }
          if (i === end) break scan;
          if (buf[i] !== SP || i === lineStart) {
            throw badRequest("Invalid character in method");
          }
          this.#methodEnd = i - lineStart;
          i++;
          state = State.Target;
          break;
        case State.Target: {
          const targetStart = lineStart + this.#methodEnd + 1;
          while (i < end && TARGET[buf[i]] === 1) i++;
          if (i - targetStart > limits.maxTargetBytes) {
            throw new HttpError(414, "Request target too long");
          }
          if (i === end) break scan;
          if (buf[i] !== SP) {
            throw badRequest(
              buf[i] === CR || buf[i] === LF
                ? "Missing HTTP version"
                : "Invalid character in request target",
            );
          }
          if (i === targetStart) throw badRequest("Empty request target");
          this.#targetEnd = i - lineStart;
          i++;
          state = State.Version;
          break;
        }
        case State.Version: {
          const versionStart = lineStart + this.#targetEnd + 1;
          while (i < end && buf[i] !== CR && buf[i] !== LF) {
            if (i - versionStart >= VERSION_LENGTH) {
              throw badRequest("Invalid HTTP version");
            }
            i++;
          }
          if (i === end) break scan;
          if (buf[i] === CR) {
            state = State.RequestLineLf;
            i++;
            break;
          }
          this.#finishRequestLine(buf, lineStart, i);
          i++;
          this.#headBytes += i - lineStart;
          lineStart = i;
          state = State.FieldStart;
          break;
        }
        case State.RequestLineLf:
          if (buf[i] !== LF) throw badRequest("Bare CR in request line");
          this.#finishRequestLine(buf, lineStart, i - 1);
          i++;
          this.#headBytes += i - lineStart;
          lineStart = i;
          state = State.FieldStart;
          break;
        case State.FieldStart: {
          const b = buf[i];
          if (b === CR) {
            state = State.HeadEndLf;
            i++;
          } else if (b === LF) {
            return this.#headEnds(start, lineStart, i + 1);
          } else if (b === SP || b === HTAB) {
            throw badRequest("Obsolete line folding in header field");
          } else if (TOKEN[b] === 1) state = State.FieldName;
          else throw badRequest("Invalid character in header field name");
          break;
        }
        case State.FieldName:
          while (i < end && TOKEN[buf[i]] === 1) i++;
          if (i === end) break scan;
          if (buf[i] !== COLON) {
            throw badRequest(
              buf[i] === SP || buf[i] === HTAB
                ? "Whitespace between header field name and colon"
                : "Invalid character in header field name",
            );
          }
          this.#nameEnd = i - lineStart;
          i++;
          state = State.ValueStart;
          break;
        case State.ValueStart:
          while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
          if (i === end) break scan;
          this.#valueStart = i - lineStart;
          state = State.Value;
          break;
        case State.Value: {
          while (i < end && FIELD_VALUE[buf[i]] === 1) i++;
          if (i === end) break scan;
          const b = buf[i];
          if (b === CR) {
            this.#valueEnd = i - lineStart;
            state = State.ValueLf;
            i++;
          } else if (b === LF) {
            this.#finishField(buf, lineStart, i);
            i++;
            this.#headBytes += i - lineStart;
            lineStart = i;
            state = State.FieldStart;
          } else throw badRequest("Invalid character in header field value");
          break;
        }
        case State.ValueLf:
          if (buf[i] !== LF) throw badRequest("Bare CR in header field value");
          this.#finishField(buf, lineStart, lineStart + this.#valueEnd);
          i++;
          this.#headBytes += i - lineStart;
          lineStart = i;
          state = State.FieldStart;
          break;
        case State.HeadEndLf:
          if (buf[i] !== LF) throw badRequest("Bare CR at the end of the head");
          return this.#headEnds(start, lineStart, i + 1);
      }
      if (this.#headBytes > limits.maxHeadBytes) throw tooLarge();
    }
    if (this.#headBytes + (end - lineStart) > limits.maxHeadBytes) {
      throw tooLarge();
    }
    // Out of bytes mid-line: keep the place, relative to the line's start.
    this.#state = state;
    this.#pos = i - lineStart;
    return lineStart - start;
  }

  #finishRequestLine(buf: Uint8Array, lineStart: number, lineEnd: number) {
    const methodEnd = lineStart + this.#methodEnd;
    const targetEnd = lineStart + this.#targetEnd;
    // Method and target first, so a refused version is logged with them.
    this.#method = this.#text.method(buf, lineStart, methodEnd);
    this.#target = this.#text.target(buf, methodEnd + 1, targetEnd);
    this.#version = parseVersion(buf, targetEnd + 1, lineEnd);
  }

  #finishField(buf: Uint8Array, lineStart: number, valueEnd: number): void {
    if (this.#headers.length >= this.#limits.maxHeaderFields) {
      throw new HttpError(431, "Too many header fields");
    }
    const nameEnd = lineStart + this.#nameEnd;
    const valueStart = lineStart + this.#valueStart;
    // A value that is only whitespace left ValueStart at the line's end.
    let end = Math.max(valueEnd, valueStart);
    while (end > valueStart && (buf[end - 1] === SP || buf[end - 1] === HTAB)) {
      end--;
    }
    this.#headers.push(
      this.#text.field(buf, lineStart, nameEnd, valueStart, end),
    );
  }

  /**
   * The empty line that ends the head ends before `end`: the head is
   * whole. Returns the bytes consumed since `start`, the head's last.
   */
  #headEnds(start: number, lineStart: number, end: number): number {
    this.#headBytes += end - lineStart;
    if (this.#headBytes > this.#limits.maxHeadBytes) throw tooLarge();
    this.#head = {
      method: this.#method,
      target: this.#target,
      version: this.#version,
      headers: this.#headers,
    };
    return end - start;
  }
}

/**
 * How the tokenizer turns head bytes into strings. {@linkcode PLAIN_TEXT}
 * decodes every time; the memo (`memo/interned_text.ts`) hands back strings
 * it has made before for the same bytes. Both give equal strings.
 */
export interface HeadText {
  /** The method token `buf[start, end)`. */
  method(buf: Uint8Array, start: number, end: number): string;
  /** The request target `buf[start, end)`. */
  target(buf: Uint8Array, start: number, end: number): string;
  /** A field: the name `buf[nameStart, nameEnd)` and the value `buf[valueStart, valueEnd)`, a new pair each call. */
  field(
    buf: Uint8Array,
    nameStart: number,
    nameEnd: number,
    valueStart: number,
    valueEnd: number,
  ): HeaderField;
}

/** Decodes every string afresh (Latin-1: one byte, one UTF-16 unit). */
export const PLAIN_TEXT: HeadText = {
  method: latin1,
  target: latin1,
  field: (buf, nameStart, nameEnd, valueStart, valueEnd) => [
    latin1(buf, nameStart, nameEnd),
    latin1(buf, valueStart, valueEnd),
  ],
};

function tooLarge(): HttpError {
  return new HttpError(431, "Request head too large");
}

/** What every HTTP-version begins with. */
const HTTP_NAME = new TextEncoder().encode("HTTP/");

/** Bytes of every HTTP-version: `HTTP/` and two digits around a dot. */
const VERSION_LENGTH = "HTTP/1.1".length;

/** `HTTP-version = "HTTP/" DIGIT "." DIGIT` (RFC 9112 section 2.3). */
function parseVersion(
  buf: Uint8Array,
  start: number,
  end: number,
): "HTTP/1.0" | "HTTP/1.1" {
  if (end - start !== VERSION_LENGTH) throw badRequest("Invalid HTTP version");
  for (let i = 0; i < HTTP_NAME.length; i++) {
    if (buf[start + i] !== HTTP_NAME[i]) {
      throw badRequest("Invalid HTTP version");
    }
  }
  const digits = start + HTTP_NAME.length;
  const major = buf[digits] - DIGIT_ZERO, minor = buf[digits + 2] - DIGIT_ZERO;
  if (
    !(major >= 0 && major <= 9) || buf[digits + 1] !== DOT ||
    !(minor >= 0 && minor <= 9)
  ) {
    throw badRequest("Invalid HTTP version");
  }
  if (major !== 1) {
    throw new HttpError(505, `HTTP/${major}.${minor} is not supported`);
  }
  // Section 2.3: a higher minor version is understood as the highest known.
  return minor === 0 ? "HTTP/1.0" : "HTTP/1.1";
}
