/**
 * The hello app: answers GET, HEAD and POST to any path with
 * `hello, <path>`.
 *
 * @module
 */

import type { HttpRequest, HttpResponse } from "./types.ts";

/** The methods the hello app answers, as its 405 responses list them. */
export const ALLOWED_METHODS = "GET, HEAD, POST";

/** Methods defined by RFC 9110 (and PATCH, RFC 5789) that the app knows but does not allow. */
const KNOWN_METHODS = new Set([
  "PUT",
  "DELETE",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "PATCH",
]);

let lastPath = "";
let lastOk: HttpResponse = Object.freeze({ status: 200, body: "hello, " });

/**
 * Answers `200 hello, <path>` to GET, HEAD and POST, where `<path>` is the
 * target's path exactly as requested, without its query. Other known
 * methods get 405 with `Allow`, unknown methods 501. A 200 is frozen and
 * shared by calls for the same path.
 */
export function helloApp(request: HttpRequest): HttpResponse {
  const { method } = request;
  if (method === "GET" || method === "POST" || method === "HEAD") {
    // The same path gives the same response, frozen, and the same body
    // string, which the response cache compares by identity instead of
    // character by character.
    if (request.path !== lastPath) {
      lastPath = request.path;
      lastOk = Object.freeze({ status: 200, body: "hello, " + lastPath });
    }
    return lastOk;
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
