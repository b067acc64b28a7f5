/**
 * A resumable parser for a request head: the request line and the header
 * fields (RFC 9112 sections 2 to 5).
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
  equalsIgnoreCase,
  FIELD_VALUE,
  HOST,
  HTAB,
  latin1,
  LF,
  SLASH,
  SP,
  TARGET,
  TOKEN,
} from "./byte_classes.ts";
import { HttpError } from "./http_error.ts";
import type { Limits } from "./limits.ts";
import {
  commonField,
  commonFieldName,
  fieldValue,
  sameBytes,
  targetString,
} from "./string_cache.ts";
import type { HeaderField, HttpRequest } from "./types.ts";

/** The head's states; each names what the next byte is expected to continue. */
const REQUEST_LINE_START = 0, // skipping empty lines before the request line
  LEADING_LF = 1, // after the CR of such an empty line
  METHOD = 2,
  TARGET_ = 3,
  VERSION = 4,
  REQUEST_LINE_LF = 5, // after the request line's CR
  FIELD_START = 6,
  FIELD_NAME = 7,
  VALUE_START = 8, // skipping whitespace before a value
  VALUE = 9,
  VALUE_LF = 10, // after a field line's CR
  HEAD_END_LF = 11; // after the CR of the empty line ending the head

/** A parsed request head, with the framing the engine derived from it. */
export interface RequestHead extends HttpRequest {
  /** The Content-Length, or -1 when absent. */
  readonly contentLength: number;
  /** Whether the body is chunked. */
  readonly chunked: boolean;
  /** Whether the connection may carry another request after this one. */
  readonly keepAlive: boolean;
  /** Whether the client waits for `100 Continue` before sending its body. */
  readonly expectContinue: boolean;
}

const MAX_SAFE_DIGITS = 15; // every 15-digit number is below 2^53

/** Parses one request head; a new parser reads the next. */
export class HeadParser {
  #limits: Limits;
  #state = REQUEST_LINE_START;
  /** Next byte to examine, relative to the start of the line in progress. */
  #pos = 0;
  /** Offsets within the line in progress: end of the method or field name, end of the target or start of the value, end of the value. */
  #mark1 = 0;
  #mark2 = 0;
  #mark3 = 0;
  /** Bytes of this head's complete lines. */
  #headBytes = 0;

  #method = "";
  #target = "";
  #version: "HTTP/1.0" | "HTTP/1.1" = "HTTP/1.1";
  #headers: HeaderField[] = [];
  #hostCount = 0;
  #contentLength = -1;
  #transferEncoding: string | null = null;
  #connection: string | null = null;
  #expect: string | null = null;

  /** The head, once {@linkcode HeadParser.parse} has read all of it. */
  head: RequestHead | null = null;

  /** @param limits the limits to enforce */
  constructor(limits: Limits) {
    this.#limits = limits;
  }

  /** Whether a request line has begun (a partial request is buffered). */
  get started(): boolean {
    // Empty lines before a request line are not a request (RFC 9112
    // section 2.2: old clients send a CRLF after a POST body).
    return this.#state >= METHOD;
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
    let lineStart = start;
    let i = start + this.#pos;
    let state = this.#state;

    scan: while (i < end) {
      switch (state) {
        case REQUEST_LINE_START: {
          const b = buf[i];
          if (b === CR) {
            state = LEADING_LF;
            i++;
          } else if (b === LF) {
            i++;
            this.#headBytes += i - lineStart;
            lineStart = i;
          } else state = METHOD;
          break;
        }
        case LEADING_LF:
          if (buf[i] !== LF) throw bad("Bare CR before the request line");
          i++;
          this.#headBytes += i - lineStart;
          lineStart = i;
          state = REQUEST_LINE_START;
          break;
        case METHOD:
          while (i < end && TOKEN[buf[i]] === 1) i++;
          if (i === end) break scan;
          if (buf[i] !== SP || i === lineStart) {
            throw bad("Invalid character in method");
          }
          this.#mark1 = i - lineStart;
          i++;
          state = TARGET_;
          break;
        case TARGET_: {
          const targetStart = lineStart + this.#mark1 + 1;
          while (i < end && TARGET[buf[i]] === 1) i++;
          if (i - targetStart > this.#limits.maxTargetBytes) {
            throw new HttpError(414, "Request target too long");
          }
          if (i === end) break scan;
          if (buf[i] !== SP) {
            throw bad(
              buf[i] === CR || buf[i] === LF
                ? "Missing HTTP version"
                : "Invalid character in request target",
            );
          }
          if (i === targetStart) throw bad("Empty request target");
          this.#mark2 = i - lineStart;
          i++;
          state = VERSION;
          break;
        }
        case VERSION: {
          const versionStart = lineStart + this.#mark2 + 1;
          while (i < end && buf[i] !== CR && buf[i] !== LF) {
            if (i - versionStart >= 8) throw bad("Invalid HTTP version");
            i++;
          }
          if (i === end) break scan;
          if (buf[i] === CR) {
            state = REQUEST_LINE_LF;
            i++;
            break;
          }
          this.#finishRequestLine(buf, lineStart, i);
          i++;
          this.#headBytes += i - lineStart;
          lineStart = i;
          state = FIELD_START;
          break;
        }
        case REQUEST_LINE_LF:
          if (buf[i] !== LF) throw bad("Bare CR in request line");
          this.#finishRequestLine(buf, lineStart, i - 1);
          i++;
          this.#headBytes += i - lineStart;
          lineStart = i;
          state = FIELD_START;
          break;
        case FIELD_START: {
          const b = buf[i];
          if (b === CR) {
            state = HEAD_END_LF;
            i++;
          } else if (b === LF) {
            i++;
            this.#finishHead(i - lineStart);
            return this.#consumed(i, start, i, REQUEST_LINE_START);
          } else if (b === SP || b === HTAB) {
            throw bad("Obsolete line folding in header field");
          } else if (TOKEN[b] === 1) state = FIELD_NAME;
          else throw bad("Invalid character in header field name");
          break;
        }
        case FIELD_NAME:
          while (i < end && TOKEN[buf[i]] === 1) i++;
          if (i === end) break scan;
          if (buf[i] !== COLON) {
            throw bad(
              buf[i] === SP || buf[i] === HTAB
                ? "Whitespace between header field name and colon"
                : "Invalid character in header field name",
            );
          }
          this.#mark1 = i - lineStart;
          i++;
          state = VALUE_START;
          break;
        case VALUE_START:
          while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
          if (i === end) break scan;
          this.#mark2 = i - lineStart;
          state = VALUE;
          break;
        case VALUE: {
          while (i < end && FIELD_VALUE[buf[i]] === 1) i++;
          if (i === end) break scan;
          const b = buf[i];
          if (b === CR) {
            this.#mark3 = i - lineStart;
            state = VALUE_LF;
            i++;
          } else if (b === LF) {
            this.#finishField(buf, lineStart, i);
            i++;
            this.#headBytes += i - lineStart;
            lineStart = i;
            state = FIELD_START;
          } else throw bad("Invalid character in header field value");
          break;
        }
        case VALUE_LF:
          if (buf[i] !== LF) throw bad("Bare CR in header field value");
          this.#finishField(buf, lineStart, lineStart + this.#mark3);
          i++;
          this.#headBytes += i - lineStart;
          lineStart = i;
          state = FIELD_START;
          break;
        case HEAD_END_LF:
          if (buf[i] !== LF) throw bad("Bare CR at the end of the head");
          i++;
          this.#finishHead(i - lineStart);
          return this.#consumed(i, start, i, REQUEST_LINE_START);
      }
      if (this.#headBytes > this.#limits.maxHeadBytes) throw tooLarge();
    }
    if (this.#headBytes + (end - lineStart) > this.#limits.maxHeadBytes) {
      throw tooLarge();
    }
    return this.#consumed(lineStart, start, i, state);
  }

  /** Saves the place reached and returns the bytes consumed. */
  #consumed(
    lineStart: number,
    start: number,
    i: number,
    state: number,
  ): number {
    this.#state = state;
    this.#pos = i - lineStart;
    return lineStart - start;
  }

  #finishRequestLine(buf: Uint8Array, lineStart: number, lineEnd: number) {
    const methodEnd = lineStart + this.#mark1;
    const targetEnd = lineStart + this.#mark2;
    // Method and target first, so a refused version is logged with them.
    this.#method = methodName(buf, lineStart, methodEnd);
    this.#target = targetString(buf, methodEnd + 1, targetEnd);
    this.#version = parseVersion(buf, targetEnd + 1, lineEnd);
  }

  #finishField(buf: Uint8Array, lineStart: number, valueEnd: number): void {
    if (this.#headers.length >= this.#limits.maxHeaderFields) {
      throw new HttpError(431, "Too many header fields");
    }
    const nameEnd = lineStart + this.#mark1;
    const valueStart = lineStart + this.#mark2;
    // A value that is only whitespace left VALUE_START at the line's end.
    let end = Math.max(valueEnd, valueStart);
    while (end > valueStart && (buf[end - 1] === SP || buf[end - 1] === HTAB)) {
      end--;
    }
    const common = commonField(buf, lineStart, nameEnd);
    const name = common === -1
      ? latin1(buf, lineStart, nameEnd)
      : commonFieldName(common);
    const value = common === -1
      ? latin1(buf, valueStart, end)
      : fieldValue(common, buf, valueStart, end);
    this.#headers.push([name, value]);

    // Only the fields the engine acts on are looked at; the rest pass through.
    switch (nameEnd - lineStart) {
      case 4:
        if (equalsIgnoreCase(buf, lineStart, nameEnd, "host")) {
          this.#hostCount++;
          for (let i = valueStart; i < end; i++) {
            if (HOST[buf[i]] === 0) throw bad("Invalid Host");
          }
        }
        break;
      case 6:
        if (equalsIgnoreCase(buf, lineStart, nameEnd, "expect")) {
          this.#expect = join(this.#expect, value);
        }
        break;
      case 10:
        if (equalsIgnoreCase(buf, lineStart, nameEnd, "connection")) {
          this.#connection = join(this.#connection, value);
        }
        break;
      case 14:
        if (equalsIgnoreCase(buf, lineStart, nameEnd, "content-length")) {
          if (this.#contentLength !== -1) {
            throw bad("More than one Content-Length");
          }
          this.#contentLength = parseContentLength(buf, valueStart, end);
        }
        break;
      case 17:
        if (equalsIgnoreCase(buf, lineStart, nameEnd, "transfer-encoding")) {
          this.#transferEncoding = join(this.#transferEncoding, value);
        }
        break;
    }
  }

  /** Checks the head as a whole and derives the message's framing (RFC 9112 section 6.3). */
  #finishHead(lastLineBytes: number): void {
    this.#headBytes += lastLineBytes;
    if (this.#headBytes > this.#limits.maxHeadBytes) throw tooLarge();
    const http11 = this.#version === "HTTP/1.1";
    if (http11 && this.#hostCount === 0) throw bad("Missing Host");
    if (this.#hostCount > 1) throw bad("More than one Host");

    let chunked = false;
    if (this.#transferEncoding !== null) {
      // RFC 9112 section 6.1: Transfer-Encoding was not part of HTTP/1.0.
      if (!http11) throw bad("Transfer-Encoding in an HTTP/1.0 request");
      // Section 6.3: both framings at once is the shape of request smuggling.
      if (this.#contentLength !== -1) {
        throw bad("Both Content-Length and Transfer-Encoding");
      }
      checkTransferCodings(this.#transferEncoding);
      chunked = true;
    }

    let expectContinue = false;
    // RFC 9110 section 10.1.1: an HTTP/1.0 client can't expect 100-continue.
    if (this.#expect !== null && http11) {
      if (this.#expect.toLowerCase() !== "100-continue") {
        throw new HttpError(417, "Only 100-continue is supported");
      }
      expectContinue = true;
    }

    let close = false, keepAlive = false;
    if (this.#connection !== null) {
      for (const option of this.#connection.split(",")) {
        const token = option.trim().toLowerCase();
        if (token === "close") close = true;
        else if (token === "keep-alive") keepAlive = true;
      }
    }

    const target = this.#target;
    const path = targetPath(this.#method, target);
    const q = target.indexOf("?");
    this.head = {
      method: this.#method,
      target,
      path,
      query: q === -1 ? "" : target.slice(q + 1),
      version: this.#version,
      headers: this.#headers,
      contentLength: this.#contentLength,
      chunked,
      keepAlive: !close && (http11 || keepAlive),
      expectContinue,
    };
  }
}

function bad(message: string): HttpError {
  return new HttpError(400, message);
}

function tooLarge(): HttpError {
  return new HttpError(431, "Request head too large");
}

function join(previous: string | null, value: string): string {
  return previous === null ? value : `${previous}, ${value}`;
}

/** The method as a string; the three the hello app serves are reused, not decoded. */
function methodName(buf: Uint8Array, start: number, end: number): string {
  switch (end - start) {
    case 3:
      if (sameBytes("GET", buf, start)) return "GET";
      break;
    case 4:
      if (sameBytes("POST", buf, start)) return "POST";
      if (sameBytes("HEAD", buf, start)) return "HEAD";
      break;
  }
  return latin1(buf, start, end);
}

/** `HTTP-version = "HTTP/" DIGIT "." DIGIT` (RFC 9112 section 2.3). */
function parseVersion(
  buf: Uint8Array,
  start: number,
  end: number,
): "HTTP/1.0" | "HTTP/1.1" {
  const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
  if (
    end - start !== 8 || buf[start] !== 0x48 || buf[start + 1] !== 0x54 ||
    buf[start + 2] !== 0x54 || buf[start + 3] !== 0x50 ||
    buf[start + 4] !== SLASH || !isDigit(buf[start + 5]) ||
    buf[start + 6] !== 0x2e || !isDigit(buf[start + 7])
  ) {
    throw bad("Invalid HTTP version");
  }
  const major = buf[start + 5] - 0x30, minor = buf[start + 7] - 0x30;
  if (major !== 1) {
    throw new HttpError(505, `HTTP/${major}.${minor} is not supported`);
  }
  // Section 2.3: a higher minor version is understood as the highest known.
  return minor === 0 ? "HTTP/1.0" : "HTTP/1.1";
}

/** `Content-Length = 1*DIGIT` (RFC 9110 section 8.6). */
function parseContentLength(buf: Uint8Array, start: number, end: number) {
  if (start === end) throw bad("Empty Content-Length");
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) throw bad("Invalid Content-Length");
    value = value * 10 + d;
  }
  let digits = end - start;
  for (let i = start; i < end - 1 && buf[i] === 0x30; i++) digits--;
  if (digits > MAX_SAFE_DIGITS) {
    throw new HttpError(413, "Content-Length too large");
  }
  return value;
}

/**
 * Accepts only `chunked`, once and last (RFC 9112 sections 6.1 and 6.3).
 * Other codings would have to be decoded to find the body's end; the
 * engine implements none of them, so it answers 501 as section 6.1 asks.
 */
function checkTransferCodings(value: string): void {
  const codings = value.split(",").map((c) => c.trim().toLowerCase());
  if (codings.some((c) => c === "")) throw bad("Empty transfer coding");
  if (codings[codings.length - 1] !== "chunked") {
    throw bad("chunked is not the final transfer coding");
  }
  if (codings.length > 1) {
    if (codings.indexOf("chunked") !== codings.length - 1) {
      throw bad("chunked applied more than once");
    }
    throw new HttpError(501, `Transfer coding not implemented: ${codings[0]}`);
  }
}

/**
 * The path a target names (RFC 9112 section 3.2): origin-form as sent up to
 * its query; absolute-form's path (or `/`); `*` and authority-form only for
 * the methods that use them.
 */
function targetPath(method: string, target: string): string {
  const q = target.indexOf("?");
  const beforeQuery = q === -1 ? target : target.slice(0, q);
  if (target.charCodeAt(0) === SLASH) return beforeQuery;
  if (target === "*") {
    if (method !== "OPTIONS") throw bad("Asterisk target without OPTIONS");
    return "*";
  }
  const schemeEnd = beforeQuery.indexOf("://");
  if (schemeEnd > 0) {
    const scheme = beforeQuery.slice(0, schemeEnd).toLowerCase();
    if (scheme !== "http" && scheme !== "https") {
      throw bad("Absolute target with a scheme other than http");
    }
    const pathStart = beforeQuery.indexOf("/", schemeEnd + 3);
    if (pathStart === schemeEnd + 3) throw bad("Absolute target without host");
    return pathStart === -1 ? "/" : beforeQuery.slice(pathStart);
  }
  if (method === "CONNECT") return target;
  throw bad("Invalid request target");
}
