/**
 * The one parser of what a server writes: a strict reader of back-to-back
 * HTTP/1.1 responses. It checks what the engine promises of every response
 * (a status line, well-formed fields, exactly one Content-Length, `Date` and
 * `Content-Type`), so a test can say "every byte written parses" in one
 * call; the raw client reads off the wire through it too.
 *
 * @module
 */

import { fromLatin1, latin1 } from "./bytes.ts";

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

/** Why a response could not be read: malformed, or `truncated` (more bytes could complete it). */
export interface ParseFailure {
  /** What is wrong, e.g. `truncated body of response 0`. */
  error: string;
  /** True when the bytes so far are a valid beginning. */
  truncated: boolean;
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

/** The body as UTF-8 text. */
export function bodyText(response: ParsedResponse): string {
  return new TextDecoder().decode(response.body);
}

/** `Date` changes each second: blanks its values, so outputs from two runs compare equal. */
export function blankDates(text: string): string {
  return text.replace(/\r\nDate: [^\r]*\r\n/g, "\r\nDate: -\r\n");
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
  let finalIndex = 0;
  for (let offset = 0; offset < text.length;) {
    const parsed = parseAt(bytes, text, offset, {
      index: responses.length,
      head: options.isHead?.(finalIndex),
      requireEngineHeaders,
    });
    if ("error" in parsed) return { responses, error: parsed.error };
    responses.push(parsed);
    if (parsed.status >= 200) finalIndex++;
    offset = parsed.end;
  }
  return { responses };
}

/**
 * Parses the one response at the start of `bytes` (an answer to HEAD when
 * `head` is true), or says why it cannot: for a reader that takes responses
 * off the wire one at a time.
 */
export function parseResponse(
  bytes: Uint8Array,
  head = false,
  requireEngineHeaders = true,
): ParsedResponse | ParseFailure {
  return parseAt(bytes, latin1(bytes), 0, {
    index: 0,
    head,
    requireEngineHeaders,
  });
}

/**
 * Parses a whole output (bytes, or Latin-1 text) whose first `headRequests`
 * final responses answer HEAD; throws if any byte does not parse.
 */
export function readResponses(
  output: Uint8Array | string,
  headRequests = 0,
): ParsedResponse[] {
  const bytes = typeof output === "string" ? fromLatin1(output) : output;
  const parsed = parseResponseStream(bytes, {
    isHead: (i) => i < headRequests,
  });
  if (parsed.error !== undefined) {
    throw new Error(`the output does not parse: ${parsed.error}`);
  }
  return parsed.responses;
}

/** Where a response starts, and what is known of it. */
interface Place {
  /** Its index in the stream, for messages. */
  index: number;
  /** Whether it answers HEAD; `undefined`: guess (see {@link ParseOptions.isHead}). */
  head: boolean | undefined;
  requireEngineHeaders: boolean;
}

function parseAt(
  bytes: Uint8Array,
  text: string,
  offset: number,
  { index, head, requireEngineHeaders }: Place,
): ParsedResponse | ParseFailure {
  const malformed = (error: string) => ({ error, truncated: false });
  const headEnd = text.indexOf(CRLF + CRLF, offset);
  if (headEnd < 0) {
    return {
      error: `truncated head at ${offset}: ${preview(text, offset)}`,
      truncated: true,
    };
  }
  const lines = text.slice(offset, headEnd).split(CRLF);
  const statusLine = lines[0];
  const match = /^HTTP\/1\.1 ([1-5][0-9][0-9]) ([\t !-~\x80-\xff]*)$/.exec(
    statusLine,
  );
  if (!match) {
    return malformed(
      `bad status line at ${offset}: ${JSON.stringify(statusLine)}`,
    );
  }
  const status = Number(match[1]);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (!TOKEN.test(name)) {
      return malformed(`bad field name in ${JSON.stringify(line)}`);
    }
    // deno-lint-ignore no-control-regex -- control characters are what this checks for
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
      return malformed(`bad field value in ${JSON.stringify(line)}`);
    }
    headers.push([name, value.trim()]);
  }
  const response: ParsedResponse = {
    status,
    reason: match[2],
    headers,
    body: new Uint8Array(),
    bodiless: false,
    end: headEnd + 4,
  };
  const bodyStart = headEnd + 4;
  if (status < 200) {
    if (status !== 100) return malformed(`unexpected interim status ${status}`);
    return response;
  }
  if (headerValue(response, "transfer-encoding") !== undefined) {
    // The engine never uses chunked framing; a peer (Node) may.
    if (requireEngineHeaders) {
      return malformed("response uses Transfer-Encoding");
    }
    const decoded = decodeChunked(bytes, text, bodyStart);
    if (decoded === undefined) {
      return malformed(`bad chunked body in response ${index}`);
    }
    response.body = decoded.body;
    response.end = decoded.end;
    return response;
  }
  const lengths = headers.filter(([n]) => n.toLowerCase() === "content-length");
  if (lengths.length !== 1 || !/^[0-9]+$/.test(lengths[0][1])) {
    return malformed(
      `response ${index} needs exactly one numeric Content-Length`,
    );
  }
  if (requireEngineHeaders) {
    for (const name of ["date", "content-type"]) {
      if (headerValue(response, name) === undefined) {
        return malformed(`response ${index} lacks ${name}`);
      }
    }
  }
  const length = Number(lengths[0][1]);
  const bodiless = head ?? (length > 0 &&
    (bodyStart + length > text.length ||
      text.startsWith("HTTP/1.", bodyStart)));
  if (bodiless) {
    response.bodiless = length > 0;
    return response;
  }
  if (bodyStart + length > text.length) {
    return { error: `truncated body of response ${index}`, truncated: true };
  }
  response.body = bytes.slice(bodyStart, bodyStart + length);
  response.end = bodyStart + length;
  return response;
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
