/**
 * The hello app: answers GET, HEAD and POST to any path with
 * `hello, <path>`.
 *
 * @module
 */

import type { HttpRequest, HttpResponse } from "./types.ts";

/** The methods the hello app answers, as its `Allow` field lists them. */
export const ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS";

/** Methods defined by RFC 9110 (and PATCH, RFC 5789) that the app knows but does not allow. */
const KNOWN_METHODS = new Set(["PUT", "DELETE", "CONNECT", "TRACE", "PATCH"]);

/**
 * Answers `200 hello, <path>` to GET, HEAD and POST, where `<path>` is the
 * target's path exactly as requested, without its query. OPTIONS (on a
 * path or `*`) gets an empty 200 with `Allow` (RFC 9110 section 9.3.7);
 * other known methods get 405 with the same `Allow`, unknown ones 501.
 */
export function helloApp(request: HttpRequest): HttpResponse {
  const { method } = request;
  if (method === "GET" || method === "POST" || method === "HEAD") {
    return { status: 200, body: "hello, " + request.path };
  }
  if (method === "OPTIONS") {
    return { status: 200, body: "", headers: { Allow: ALLOWED_METHODS } };
  }
  if (KNOWN_METHODS.has(method)) {
    return {
      status: 405,
      body: `405 Method Not Allowed: ${method}\n`,
      headers: { Allow: ALLOWED_METHODS },
    };
  }
  return { status: 501, body: `501 Not Implemented: ${method}\n` };
}
