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

let lastMethod = "";
let lastPath = "";
let lastResponse: HttpResponse | null = null;

/** {@linkcode helloApp}'s answer, the same (frozen) object while method and path repeat. */
export function rememberedHelloApp(request: HttpRequest): HttpResponse {
  if (
    lastResponse === null || request.path !== lastPath ||
    request.method !== lastMethod
  ) {
    const response = helloApp(request);
    if (response.headers !== undefined) Object.freeze(response.headers);
    lastResponse = Object.freeze(response);
    lastMethod = request.method;
    lastPath = request.path;
  }
  return lastResponse;
}
