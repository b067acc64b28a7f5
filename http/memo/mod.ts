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
 * {@linkcode memoFor} wraps the plain engine's seams (`../seams.ts`) with
 * them; `handler.ts` turns it on for the servers' `handleConnection`, and
 * `createConnectionHandler(app, { memo: memoFor })` for any app.
 *
 * @module
 */

import { helloApp } from "../hello_app.ts";
import type { HeadReader, HeadSlot, RequestHead } from "../head_reader.ts";
import { ParsingHeadReader, PLAIN_HEAD_READER } from "../head_reader.ts";
import type { Limits } from "../limits.ts";
import type { ReadBuffer } from "../read_buffer.ts";
import { writeResponse } from "../response.ts";
import type { Seams } from "../seams.ts";
import type { App, HeaderField, HttpRequest } from "../types.ts";
import { rememberedHelloApp } from "./hello_responses.ts";
import { INTERNED_TEXT } from "./interned_text.ts";
import { LastHead, type RecalledHead } from "./last_head.ts";
import { writeRememberedResponse } from "./last_response.ts";

/** Shared by every connection: clients of a load test send the same head on all of them. */
const lastHead = new LastHead(INTERNED_TEXT);

/** The memos {@linkcode memoFor} puts in; each on unless left out (`bench:engine` leaves out one at a time). */
export interface MemoParts {
  /** `last_head.ts`. */
  lastHead?: boolean;
  /** `interned_text.ts`. */
  internedText?: boolean;
  /** `hello_responses.ts`. */
  helloAnswers?: boolean;
  /** `last_response.ts`. */
  lastResponse?: boolean;
}

/**
 * The speed layer's seams for a handler around `app`: what the servers run
 * (a `SpeedLayer`: pass `memoFor` itself as a handler's `memo`). The hello
 * app reads nothing of a request but its method and path, so it is handed
 * the recalled request itself; any other app gets a copy of its own (a new
 * request, field list and fields) on every repeat.
 *
 * @param parts the memos to leave out (`bench:engine` measures each so)
 */
export function memoFor(app: App, parts: MemoParts = {}): Seams {
  const parser = parts.internedText === false
    ? PLAIN_HEAD_READER
    : new ParsingHeadReader(INTERNED_TEXT);
  return {
    headReader: parts.lastHead === false
      ? parser
      : new RecallingHeadReader(parser, app === helloApp),
    writeResponse: parts.lastResponse === false
      ? writeResponse
      : writeRememberedResponse,
    app: app === helloApp && parts.helloAnswers !== false
      ? rememberedHelloApp
      : app,
  };
}

/**
 * A head reader that recalls the last head instead of parsing it again, and
 * owns the rule for what may be remembered: a head parsed whole in one call
 * (so all its bytes are in the input at once).
 */
class RecallingHeadReader implements HeadReader {
  readonly #parse: HeadReader;
  readonly #shared: boolean;

  /**
   * @param parse the reader of heads not recalled
   * @param shared whether the app may be handed the recalled request itself
   */
  constructor(parse: HeadReader, shared: boolean) {
    this.#parse = parse;
    this.#shared = shared;
  }

  read(input: ReadBuffer, slot: HeadSlot, limits: Limits): RequestHead | null {
    // A head begun in an earlier call is the parser's to finish.
    if (slot.parser !== null) return this.#parse.read(input, slot, limits);
    const known = lastHead.recall(input.bytes, input.start, input.end, limits);
    if (known !== null) {
      input.start += known.length;
      return this.#shared ? known : ownCopy(known);
    }
    const start = input.start;
    const head = this.#parse.read(input, slot, limits);
    if (head !== null) {
      lastHead.remember(input.bytes, start, input.start - start, limits);
    }
    return head;
  }
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
