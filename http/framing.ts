/**
 * What a tokenized head means for the message around it: where its body
 * ends, whether the connection stays open, whether the client waits for
 * `100 Continue` ({@linkcode frameRequest}), and which path it asks for
 * ({@linkcode requestOf}). Pure functions of the head, so
 * each rule of RFC 9112 section 6.3 (and of the Host, Connection and Expect
 * fields) can be tested on its own.
 *
 * @module
 */

import { HOST, SLASH } from "./byte_classes.ts";
import type { ParsedHead } from "./head_parser.ts";
import { badRequest, HttpError } from "./http_error.ts";
import type { HeaderField, HttpRequest } from "./types.ts";

/** How a request's message is framed, and what it asks of the connection. */
export interface Framing {
  /** Body bytes announced by Content-Length; 0 when there is none. */
  readonly contentLength: number;
  /** Whether the body is chunked (Transfer-Encoding). */
  readonly chunked: boolean;
  /** Whether the connection may carry another request after this one. */
  readonly keepAlive: boolean;
  /** Whether the client waits for `100 Continue` before sending its body. */
  readonly expectContinue: boolean;
}

/** Every 15-digit number is below 2^53, so Content-Length stays exact. */
const MAX_SAFE_DIGITS = 15;

/**
 * Applies the framing rules to a tokenized head.
 *
 * @throws {HttpError} 400 for a head that breaks them (no or several Host,
 * both Content-Length and Transfer-Encoding, ...), 413, 417 or 501 where
 * the RFC names those
 */
export function frameRequest(head: ParsedHead): Framing {
  const fields = framingFields(head.headers);
  const http11 = head.version === "HTTP/1.1";
  checkHost(fields.hosts, http11);

  let chunked = false;
  if (fields.transferEncoding !== null) {
    // RFC 9112 section 6.1: Transfer-Encoding was not part of HTTP/1.0.
    if (!http11) throw badRequest("Transfer-Encoding in an HTTP/1.0 request");
    // Section 6.3: both framings at once is the shape of request smuggling.
    if (fields.contentLength !== -1) {
      throw badRequest("Both Content-Length and Transfer-Encoding");
    }
    checkTransferCodings(fields.transferEncoding);
    chunked = true;
  }

  return {
    contentLength: Math.max(fields.contentLength, 0),
    chunked,
    keepAlive: keepsAlive(fields.connection, http11),
    expectContinue: expectsContinue(fields.expect, http11),
  };
}

/**
 * The request an app sees: the tokenized head, with the path and the query
 * of its target. `head_reader.ts` calls it before {@linkcode frameRequest}:
 * a target that names no path is refused whatever the fields say.
 *
 * @throws {HttpError} 400 for a target that names no path (RFC 9112
 * section 3.2)
 */
export function requestOf(head: ParsedHead): HttpRequest {
  const target = head.target;
  const path = targetPath(head.method, target);
  const q = target.indexOf("?");
  return {
    method: head.method,
    target,
    path,
    query: q === -1 ? "" : target.slice(q + 1),
    version: head.version,
    headers: head.headers,
  };
}

/** The fields framing depends on, gathered in one pass; repeated list fields are joined. */
interface FramingFields {
  hosts: string[];
  /** -1 when absent. */
  contentLength: number;
  transferEncoding: string | null;
  connection: string | null;
  expect: string | null;
}

/** The names of the fields framing acts on, lowercase. */
const HOST_FIELD = "host";
const EXPECT_FIELD = "expect";
const CONNECTION_FIELD = "connection";
const CONTENT_LENGTH_FIELD = "content-length";
const TRANSFER_ENCODING_FIELD = "transfer-encoding";

/** Gathers the framing fields, refusing a second or malformed Content-Length. */
function framingFields(headers: readonly HeaderField[]): FramingFields {
  const fields: FramingFields = {
    hosts: [],
    contentLength: -1,
    transferEncoding: null,
    connection: null,
    expect: null,
  };
  for (const [name, value] of headers) {
    // Only the fields the engine acts on are looked at; the rest pass
    // through. Their lengths differ, so one switch on the length finds the
    // one name a field can be (most fields are none of them).
    switch (name.length) {
      case HOST_FIELD.length:
        if (isNamed(name, HOST_FIELD)) fields.hosts.push(value);
        break;
      case EXPECT_FIELD.length:
        if (isNamed(name, EXPECT_FIELD)) {
          fields.expect = join(fields.expect, value);
        }
        break;
      case CONNECTION_FIELD.length:
        if (isNamed(name, CONNECTION_FIELD)) {
          fields.connection = join(fields.connection, value);
        }
        break;
      case CONTENT_LENGTH_FIELD.length:
        if (isNamed(name, CONTENT_LENGTH_FIELD)) {
          // Refused rather than merged when equal, as nginx does.
          if (fields.contentLength !== -1) {
            throw badRequest("More than one Content-Length");
          }
          fields.contentLength = parseContentLength(value);
        }
        break;
      case TRANSFER_ENCODING_FIELD.length:
        if (isNamed(name, TRANSFER_ENCODING_FIELD)) {
          fields.transferEncoding = join(fields.transferEncoding, value);
        }
        break;
    }
  }
  return fields;
}

/**
 * RFC 9112 section 3.2: an HTTP/1.1 request has exactly one Host. Its value
 * is `uri-host [ ":" port ]`, and an http URI's host is never empty (RFC
 * 9110 section 4.2.1).
 */
function checkHost(hosts: readonly string[], http11: boolean): void {
  for (const host of hosts) {
    for (let i = 0; i < host.length; i++) {
      const c = host.charCodeAt(i);
      if (c > 0xff || HOST[c] === 0) throw badRequest("Invalid Host");
    }
  }
  if (http11 && hosts.length === 0) throw badRequest("Missing Host");
  if (hosts.length > 1) throw badRequest("More than one Host");
  if (http11 && hosts[0] === "") throw badRequest("Empty Host");
}

/** `Content-Length = 1*DIGIT` (RFC 9110 section 8.6). */
function parseContentLength(value: string): number {
  if (value === "") throw badRequest("Empty Content-Length");
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw badRequest("Invalid Content-Length");
    length = length * 10 + d;
  }
  let digits = value.length;
  for (let i = 0; i < value.length - 1 && value.charCodeAt(i) === 0x30; i++) {
    digits--;
  }
  if (digits > MAX_SAFE_DIGITS) {
    throw new HttpError(413, "Content-Length too large");
  }
  return length;
}

/**
 * Accepts only `chunked`, once and last (RFC 9112 sections 6.1 and 6.3).
 * Other codings would have to be decoded to find the body's end; the
 * engine implements none of them, so it answers 501 as section 6.1 asks.
 */
function checkTransferCodings(value: string): void {
  const codings = value.split(",").map((c) => c.trim().toLowerCase());
  if (codings.some((c) => c === "")) throw badRequest("Empty transfer coding");
  if (codings[codings.length - 1] !== "chunked") {
    throw badRequest("chunked is not the final transfer coding");
  }
  if (codings.length > 1) {
    if (codings.indexOf("chunked") !== codings.length - 1) {
      throw badRequest("chunked applied more than once");
    }
    throw new HttpError(501, `Transfer coding not implemented: ${codings[0]}`);
  }
}

/**
 * RFC 9112 section 9.3: HTTP/1.1 stays open unless `Connection: close`;
 * HTTP/1.0 closes unless `Connection: keep-alive`.
 */
function keepsAlive(
  connection: string | null,
  http11: boolean,
): boolean {
  let close = false, keepAlive = false;
  if (connection !== null) {
    for (const option of connection.split(",")) {
      const token = option.trim().toLowerCase();
      if (token === "close") close = true;
      else if (token === "keep-alive") keepAlive = true;
    }
  }
  return !close && (http11 || keepAlive);
}

/**
 * RFC 9110 section 10.1.1: `100-continue` is the only expectation; an
 * HTTP/1.0 client cannot have one, so its Expect is ignored.
 */
function expectsContinue(
  expect: string | null,
  http11: boolean,
): boolean {
  if (expect === null || !http11) return false;
  if (expect.toLowerCase() !== "100-continue") {
    throw new HttpError(417, "Only 100-continue is supported");
  }
  return true;
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
    if (method !== "OPTIONS") {
      throw badRequest("Asterisk target without OPTIONS");
    }
    return "*";
  }
  const schemeEnd = beforeQuery.indexOf("://");
  if (schemeEnd > 0) {
    const scheme = beforeQuery.slice(0, schemeEnd).toLowerCase();
    if (scheme !== "http" && scheme !== "https") {
      throw badRequest("Absolute target with a scheme other than http");
    }
    const pathStart = beforeQuery.indexOf("/", schemeEnd + 3);
    if (pathStart === schemeEnd + 3) {
      throw badRequest("Absolute target without host");
    }
    return pathStart === -1 ? "/" : beforeQuery.slice(pathStart);
  }
  if (method === "CONNECT") return target;
  throw badRequest("Invalid request target");
}

/** Whether `name` is `lower` in any case; `lower` is a lowercase field name of the same length. */
function isNamed(name: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    // Setting bit 0x20 lowercases letters; field names are tchars, and no
    // tchar other than a letter maps onto a letter this way.
    if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function join(previous: string | null, value: string): string {
  return previous === null ? value : `${previous}, ${value}`;
}
