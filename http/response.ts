/**
 * Serializing responses: an app's response, and the engine's own error
 * responses. Both write a whole response into an {@linkcode Output}.
 *
 * @module
 */

import { TOKEN } from "./byte_classes.ts";
import { HttpError } from "./http_error.ts";
import { httpDate } from "./http_date.ts";
import type { Output } from "./output.ts";
import { STATUS_TEXT, statusLine } from "./status.ts";
import type { HttpResponse } from "./types.ts";

/** The `Connection` field a response carries. */
export type ConnectionField = "none" | "close" | "keep-alive";

const DEFAULT_CONTENT_TYPE = "text/plain; charset=utf-8";
const CONNECTION_LINE: Record<ConnectionField, string> = {
  none: "",
  close: "Connection: close\r\n",
  "keep-alive": "Connection: keep-alive\r\n",
};

/**
 * How an app's response becomes bytes: {@linkcode writeResponse}, or a
 * faster way that writes the same bytes (the speed layer's response seam).
 */
export type ResponseWriter = (
  out: Output,
  response: HttpResponse,
  connection: ConnectionField,
  headOnly: boolean,
) => number;

/**
 * Writes an app's response. Throws when the response is malformed (not a
 * final status, a body of the wrong type, a framing field, a field that
 * would break the head); the caller answers 500 instead.
 *
 * @returns the response's size in bytes
 */
export function writeResponse(
  out: Output,
  response: HttpResponse,
  connection: ConnectionField,
  headOnly: boolean,
): number {
  const { status, body } = response;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`Invalid response status: ${status}`);
  }
  const isString = typeof body === "string";
  if (!isString && !(body instanceof Uint8Array)) {
    throw new TypeError("Invalid response body: not a string or Uint8Array");
  }
  // RFC 9110 sections 15.3.5 and 15.4.5: 204 and 304 carry no content.
  const bodyless = status === 204 || status === 304;
  const length = bodyless ? 0 : isString ? utf8Length(body) : body.length;

  let contentType = DEFAULT_CONTENT_TYPE;
  let extra = "";
  if (response.headers !== undefined) {
    for (const [name, value] of Object.entries(response.headers)) {
      checkField(name, value);
      const lower = name.toLowerCase();
      if (lower === "content-type") contentType = value;
      else extra += `${name}: ${value}\r\n`;
    }
  }

  const head = responseHead(status, contentType, length, connection, extra);
  if (headOnly || bodyless) {
    out.appendText(head);
    return head.length;
  }
  if (isString) {
    out.appendText(head + body);
  } else {
    out.appendText(head);
    out.appendBytes(body);
  }
  return head.length + length;
}

/**
 * The head of a response, to its empty line: the status line,
 * `Content-Type`, `Date`, `Content-Length` (none on a 204, RFC 9110
 * section 8.6), `Connection` and the `extra` field lines.
 */
function responseHead(
  status: number,
  contentType: string,
  length: number,
  connection: ConnectionField,
  extra: string,
): string {
  let head = statusLine(status) + "Content-Type: " + contentType +
    "\r\nDate: " + httpDate() + "\r\n";
  if (status !== 204) head += "Content-Length: " + length + "\r\n";
  return head + CONNECTION_LINE[connection] + extra + "\r\n";
}

const FRAMING_FIELDS = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
]);

function checkField(name: string, value: unknown): void {
  if (name.length === 0) {
    throw new TypeError("Invalid response header name: empty");
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0x7f || TOKEN[c] === 0) {
      throw new TypeError(`Invalid response header name: "${name}"`);
    }
  }
  if (FRAMING_FIELDS.has(name.toLowerCase())) {
    throw new TypeError(`Response header "${name}" is set by the engine`);
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `Invalid response header value for "${name}": not a string`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // Visible ASCII, SP and HTAB only: anything else could split the head.
    if (c !== 0x09 && (c < 0x20 || c > 0x7e)) {
      throw new TypeError(`Invalid response header value for "${name}"`);
    }
  }
}

/** Bytes of `s` in UTF-8, without encoding it (lone surrogates count as U+FFFD). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    // Two bytes below U+0800, three above (U+FFFD too), one unit each.
    n += c < 0x800 ? 1 : 2;
    // A surrogate pair: four bytes for its two units.
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
  }
  return n;
}

/**
 * Writes the engine's own error response: a short plain-text body (none
 * for HEAD, RFC 9110 section 9.3.2) and `Connection: close`, since after
 * bad input the stream can't be trusted.
 *
 * @returns the response's size in bytes
 */
export function writeErrorResponse(
  out: Output,
  error: HttpError,
  headOnly = false,
): number {
  const reason = STATUS_TEXT[error.status] ?? "Error";
  const body = `${error.status} ${reason}: ${error.message}\n`;
  const length = utf8Length(body);
  const head = responseHead(
    error.status,
    DEFAULT_CONTENT_TYPE,
    length,
    "close",
    "",
  );
  if (headOnly) {
    out.appendText(head);
    return head.length;
  }
  out.appendText(head + body);
  return head.length + length;
}

/** The interim response that lets a client waiting on `Expect: 100-continue` send its body. */
export const CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
