/**
 * The hello app's last answer. The hello app is a pure function of the
 * method and the path, so a request for the same method and path as the
 * last one gets the same response object again: no new body string, and
 * one the last-response memo (`last_response.ts`) recognises by identity.
 *
 * @module
 */

import { helloApp } from "../hello_app.ts";
import type { HttpRequest, HttpResponse } from "../types.ts";

let lastRequest: HttpRequest | null = null;
let lastResponse: HttpResponse = { status: 0, body: "" };

/** {@linkcode helloApp}'s answer, the same (frozen) object while method and path repeat. */
export function rememberedHelloApp(request: HttpRequest): HttpResponse {
  // The last head's memo hands the hello app the very same request while
  // the head repeats: then nothing needs comparing.
  if (request === lastRequest) return lastResponse;
  if (
    lastRequest === null || request.path !== lastRequest.path ||
    request.method !== lastRequest.method
  ) {
    const response = helloApp(request);
    if (response.headers !== undefined) Object.freeze(response.headers);
    lastResponse = Object.freeze(response);
  }
  lastRequest = request;
  return lastResponse;
}
