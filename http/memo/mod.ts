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
import type { Memo } from "../memo.ts";
import { rememberedHelloApp } from "./hello_responses.ts";
import { INTERNED_TEXT } from "./interned_text.ts";
import { LastHead } from "./last_head.ts";
import { writeRememberedResponse } from "./last_response.ts";

/** Shared by every connection: clients of a load test send the same head on all of them. */
const lastHead = new LastHead(INTERNED_TEXT);

/** The engine with every memo on: what the servers run. */
export const MEMO: Memo = {
  text: INTERNED_TEXT,
  recallHead: (buf, start, end, limits) =>
    lastHead.recall(buf, start, end, limits),
  rememberHead: (buf, start, length, limits) =>
    lastHead.remember(buf, start, length, limits),
  app: (app) => app === helloApp ? rememberedHelloApp : app,
  writeResponse: writeRememberedResponse,
};
