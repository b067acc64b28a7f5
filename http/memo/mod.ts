/**
 * The speed layer: memos for requests and responses that repeat. Each is
 * bounded and module-wide, so it costs no memory per connection, and each
 * is keyed by everything its result depends on, so what it returns is what
 * the plain path would have made.
 *
 * - `interned_text.ts`: the strings of the last head (common field names
 *   and values, the target), reused when the bytes match.
 * - `last_head.ts`: the last head parsed, by its bytes: a repeat is copied,
 *   not parsed.
 * - `hello_responses.ts`: the hello app's last answer, by method and path:
 *   a repeat is the same response object.
 * - `last_response.ts`: the last plain response, by its status, body,
 *   `Connection` and `Date`: a repeat is copied as bytes.
 *
 * `createConnectionHandler(app, { memo: false })` runs the engine without
 * them (`../memo.ts`'s `NO_MEMO`).
 *
 * @module
 */

import { helloApp } from "../hello_app.ts";
import type { Memo, RecalledHead } from "../memo.ts";
import type { App, HeaderField, HttpRequest } from "../types.ts";
import { rememberedHelloApp } from "./hello_responses.ts";
import { INTERNED_TEXT } from "./interned_text.ts";
import { LastHead } from "./last_head.ts";
import { writeRememberedResponse } from "./last_response.ts";

/** Shared by every connection: clients of a load test send the same head on all of them. */
const lastHead = new LastHead(INTERNED_TEXT);

/**
 * The speed layer for a handler around `app`: what the servers run. The
 * hello app reads nothing of a request but its method and path, so it is
 * handed the recalled request itself; any other app gets a copy of its own
 * (a new request, field list and fields) on every repeat.
 */
export function memoFor(app: App): Memo {
  return {
    text: INTERNED_TEXT,
    recallHead: app === helloApp
      ? (buf, start, end, limits) => lastHead.recall(buf, start, end, limits)
      : (buf, start, end, limits) => {
        const known = lastHead.recall(buf, start, end, limits);
        return known === null ? null : ownCopy(known);
      },
    rememberHead: (buf, start, length, limits) =>
      lastHead.remember(buf, start, length, limits),
    app: (app) => app === helloApp ? rememberedHelloApp : app,
    writeResponse: writeRememberedResponse,
  };
}

/** A recalled head whose request is new, down to its fields (strings are immutable, so shared). */
function ownCopy(known: RecalledHead): RecalledHead {
  const request: HttpRequest = known.request;
  const shared = request.headers;
  const headers: HeaderField[] = new Array(shared.length);
  for (let i = 0; i < shared.length; i++) {
    headers[i] = [shared[i][0], shared[i][1]];
  }
  return {
    length: known.length,
    framing: known.framing,
    request: { ...request, headers },
  };
}
