/**
 * A strict parser for the bytes a server writes: a sequence of HTTP/1.1
 * responses. It checks what the engine promises of every response, so a test
 * can say "every byte written parses" in one call.
 *
 * @module
 */

import { latin1 } from "../testing/bytes.ts";

/** One response read back from a byte stream. */
export interface ParsedResponse {
  /** The status code, e.g. 200. */
  status: number;
  /** The reason phrase (may be empty). */
  reason: string;
  /** Header fields in order, names as sent. */
  headers: [name: string, value: string][];
  /** The body bytes (empty for 1xx and for responses to HEAD). */
  body: Uint8Array;
  /** True when the response carries no body although its Content-Length is not 0 (an answer to HEAD). */
  bodiless: boolean;
  /** Offset of the byte after this response in the stream. */
  end: number;
}

/** What {@link parseResponseStream} found. */
export interface ResponseStream {
  /** The responses, in order. */
  responses: ParsedResponse[];
  /** Why parsing stopped early, or `undefined` when every byte parsed. */
  error?: string;
}

/** How strict to be. */
export interface ParseOptions {
  /**
   * Tells, for the n-th final response, whether it answers HEAD. When absent,
   * a response is taken as bodiless if its body would start with a status
   * line or run past the end of the stream (no engine body starts with
   * `HTTP/1.`).
   */
  isHead?: (finalIndex: number) => boolean;
  /** Require `Date`, `Content-Type` and `Content-Length` on final responses (the engine's promise). Default true. */
  requireEngineHeaders?: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CRLF = "\r\n";

/** The value of the first field named `name` (case-insensitive), or `undefined`. */
export function headerValue(
  response: ParsedResponse,
  name: string,
): string | undefined {
  const lower = name.toLowerCase();
  return response.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** True when the response says `Connection: close`. */
export function saysClose(response: ParsedResponse): boolean {
  const value = headerValue(response, "connection");
  return value !== undefined &&
    value.toLowerCase().split(",").some((t) => t.trim() === "close");
}

/**
 * Parses `bytes` as back-to-back HTTP/1.1 responses. Stops at the first
 * malformed or truncated response and says why in `error`.
 */
export function parseResponseStream(
  bytes: Uint8Array,
  options: ParseOptions = {},
): ResponseStream {
  const requireEngineHeaders = options.requireEngineHeaders ?? true;
  // latin1 keeps one char per byte, so string offsets are byte offsets.
  const text = latin1(bytes);
  const responses: ParsedResponse[] = [];
  let offset = 0;
  let finalIndex = 0;
  while (offset < text.length) {
    const headEnd = text.indexOf(CRLF + CRLF, offset);
    if (headEnd < 0) {
      return {
        responses,
        error: `truncated head at ${offset}: ${preview(text, offset)}`,
      };
    }
    const lines = text.slice(offset, headEnd).split(CRLF);
    const statusLine = lines[0];
    const match = /^HTTP\/1\.1 ([1-5][0-9][0-9]) ([\t !-~\x80-\xff]*)$/.exec(
      statusLine,
    );
    if (!match) {
      return {
        responses,
        error: `bad status line at ${offset}: ${JSON.stringify(statusLine)}`,
      };
    }
    const status = Number(match[1]);
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      const name = colon < 0 ? "" : line.slice(0, colon);
      const value = line.slice(colon + 1);
      if (!TOKEN.test(name)) {
        return {
          responses,
          error: `bad field name in ${JSON.stringify(line)}`,
        };
      }
      // deno-lint-ignore no-control-regex -- control characters are what this checks for
      if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
        return {
          responses,
          error: `bad field value in ${JSON.stringify(line)}`,
        };
      }
      headers.push([name, value.trim()]);
    }
    const response: ParsedResponse = {
      status,
      reason: match[2],
      headers,
      body: new Uint8Array(),
      bodiless: false,
      end: 0,
    };
    let bodyStart = headEnd + 4;
    if (status < 200) {
      if (status !== 100) {
        return { responses, error: `unexpected interim status ${status}` };
      }
      response.end = bodyStart;
      responses.push(response);
      offset = bodyStart;
      continue;
    }
    if (headerValue(response, "transfer-encoding") !== undefined) {
      // The engine never uses chunked framing; a peer (Node) may.
      if (requireEngineHeaders) {
        return { responses, error: "response uses Transfer-Encoding" };
      }
      const decoded = decodeChunked(bytes, text, bodyStart);
      if (decoded === undefined) {
        return {
          responses,
          error: `bad chunked body in response ${responses.length}`,
        };
      }
      response.body = decoded.body;
      response.end = decoded.end;
      responses.push(response);
      offset = decoded.end;
      finalIndex++;
      continue;
    }
    const lengths = headers.filter(([n]) =>
      n.toLowerCase() === "content-length"
    );
    if (lengths.length !== 1 || !/^[0-9]+$/.test(lengths[0][1])) {
      return {
        responses,
        error:
          `response ${responses.length} needs exactly one numeric Content-Length`,
      };
    }
    if (requireEngineHeaders) {
      for (const name of ["date", "content-type"]) {
        if (headerValue(response, name) === undefined) {
          return {
            responses,
            error: `response ${responses.length} lacks ${name}`,
          };
        }
      }
    }
    const length = Number(lengths[0][1]);
    const head = options.isHead ? options.isHead(finalIndex) : length > 0 &&
      (bodyStart + length > text.length ||
        text.startsWith("HTTP/1.", bodyStart));
    finalIndex++;
    if (head) {
      response.bodiless = length > 0;
    } else {
      if (bodyStart + length > text.length) {
        return {
          responses,
          error: `truncated body of response ${responses.length}`,
        };
      }
      response.body = bytes.slice(bodyStart, bodyStart + length);
      bodyStart += length;
    }
    response.end = bodyStart;
    responses.push(response);
    offset = bodyStart;
  }
  return { responses };
}

/** Decodes a chunked body (no trailers expected) starting at `start`. */
function decodeChunked(
  bytes: Uint8Array,
  text: string,
  start: number,
): { body: Uint8Array; end: number } | undefined {
  const parts: number[] = [];
  let at = start;
  while (true) {
    const lineEnd = text.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(text.slice(at, lineEnd).split(";")[0], 16);
    if (Number.isNaN(size)) return undefined;
    at = lineEnd + 2;
    if (size === 0) {
      if (!text.startsWith(CRLF, at)) return undefined;
      return { body: Uint8Array.from(parts), end: at + 2 };
    }
    if (at + size + 2 > text.length) return undefined;
    parts.push(...bytes.subarray(at, at + size));
    at += size + 2;
  }
}

function preview(text: string, offset: number): string {
  return JSON.stringify(text.slice(offset, offset + 60));
}
