/**
 * Reads a server's bytes as HTTP/1.x responses with the project's strict
 * response parser, adapted to what any correct server may send: the parser
 * reads HTTP/1.1 responses framed by length (what this project's engine
 * promises), while a student's server may answer `HTTP/1.0`, or end a body by
 * closing the connection (RFC 9112 section 6.3, rule 8). Both are proper
 * HTTP, so the bytes are adapted before they are parsed: an `HTTP/1.0`
 * status line is read as `HTTP/1.1` (same length, so offsets hold), and once
 * the connection has ended, a last response with neither `Content-Length`
 * nor `Transfer-Encoding` gets its length from the bytes that are left.
 *
 * @module
 */

import {
  fromLatin1,
  latin1,
  type ParsedResponse,
  parseResponseStream,
} from "./kit.ts";

/** One response, with what the adaptation found. */
export interface Answer extends ParsedResponse {
  /** The version on its status line. */
  version: "HTTP/1.0" | "HTTP/1.1";
  /** True when its body ran to the end of the connection. */
  closeDelimited: boolean;
}

/** What {@link parseAnswers} made of the bytes. */
export interface ParsedAnswers {
  /** Whole responses (interim ones included), in order. */
  answers: Answer[];
  /** Offset just past the last whole response. */
  end: number;
  /** Set when the bytes after the last whole response are a response still arriving (or cut off, once ended). */
  partial?: string;
  /** Set when the bytes are not HTTP/1.x responses. */
  error?: string;
}

/** How to read the bytes. */
export interface AnswerOptions {
  /** Tells, for the n-th final response, whether it answers HEAD (so has no body). */
  isHead?: (finalIndex: number) => boolean;
  /** True once the connection has ended: nothing more will come. */
  ended?: boolean;
}

const STATUS_START = "HTTP/1.";

/** Parses `bytes` as back-to-back HTTP/1.x responses. */
export function parseAnswers(
  bytes: Uint8Array,
  options: AnswerOptions = {},
): ParsedAnswers {
  let work = bytes;
  const http10 = new Set<number>();
  let closeDelimitedAt = -1;
  for (;;) {
    const parsed = parseResponseStream(work, {
      isHead: options.isHead ?? (() => false),
      requireEngineHeaders: false,
    });
    const at = parsed.responses.at(-1)?.end ?? 0;
    const answers = parsed.responses.map((response, i): Answer => {
      const start = i === 0 ? 0 : parsed.responses[i - 1].end;
      return {
        ...response,
        version: http10.has(start) ? "HTTP/1.0" : "HTTP/1.1",
        closeDelimited: start === closeDelimitedAt,
      };
    });
    const error = parsed.error;
    if (error === undefined) return { answers, end: at };
    if (
      error.startsWith("bad status line") && startsWith(work, at, "HTTP/1.0 ")
    ) {
      work = patched(work, at, "HTTP/1.1");
      http10.add(at);
      continue;
    }
    if (
      error.includes("needs exactly one numeric Content-Length") &&
      closeDelimitedAt < 0 && !hasFraming(work, at)
    ) {
      // A body that runs to the end of the connection: whole once it has ended.
      if (!options.ended) {
        return { answers, end: at, partial: "a body read until the close" };
      }
      work = withLengthToEnd(work, at);
      closeDelimitedAt = at;
      continue;
    }
    const rest = latin1(work.subarray(at, at + 60));
    if (
      !STATUS_START.startsWith(rest.slice(0, 7)) &&
      !rest.startsWith(STATUS_START)
    ) {
      return {
        answers,
        end: at,
        error: `not an HTTP response: ${JSON.stringify(rest)}`,
      };
    }
    if (error.startsWith("truncated")) {
      return { answers, end: at, partial: error };
    }
    return { answers, end: at, error };
  }
}

function startsWith(bytes: Uint8Array, at: number, text: string): boolean {
  return latin1(bytes.subarray(at, at + text.length)) === text;
}

function patched(bytes: Uint8Array, at: number, text: string): Uint8Array {
  const copy = bytes.slice();
  copy.set(fromLatin1(text), at);
  return copy;
}

/** True when the head starting at `at` has a Content-Length or Transfer-Encoding field. */
function hasFraming(bytes: Uint8Array, at: number): boolean {
  const text = latin1(bytes.subarray(at));
  const head = text.slice(0, text.indexOf("\r\n\r\n"));
  return /\r\n(content-length|transfer-encoding)[ \t]*:/i.test(head);
}

/** The bytes with a `Content-Length` for the rest of the stream added to the head at `at`. */
function withLengthToEnd(bytes: Uint8Array, at: number): Uint8Array {
  const text = latin1(bytes);
  const headEnd = text.indexOf("\r\n\r\n", at);
  const length = text.length - (headEnd + 4);
  return fromLatin1(
    text.slice(0, headEnd) + `\r\nContent-Length: ${length}` +
      text.slice(headEnd),
  );
}
