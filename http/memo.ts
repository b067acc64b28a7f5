/**
 * The speed layer's one boundary. The engine does four things that a memo
 * can do faster when requests repeat: turn head bytes into strings, parse a
 * head, answer with a pure app, and serialize a response. It asks this
 * interface for each, so the parser, the message machine and the serializer
 * read as if no memo existed. {@linkcode NO_MEMO} does each the plain way and is the
 * definition; `memo/` holds the fast one (`memoFor(app)`, one per handler),
 * and a differential test holds the two to the same bytes.
 *
 * @module
 */

import type { Framing } from "./framing.ts";
import { type HeadText, PLAIN_TEXT } from "./head_parser.ts";
import type { Limits } from "./limits.ts";
import type { Output } from "./output.ts";
import { type ConnectionField, writeResponse } from "./response.ts";
import type { App, HttpRequest, HttpResponse } from "./types.ts";

/** A head the memo has seen before, byte for byte, under the same limits. */
export interface RecalledHead {
  /** Bytes of the head, up to and including its empty line: what to consume. */
  readonly length: number;
  /**
   * The request it makes: the app's own to keep or change, a new one for
   * every repeat (or shared between repeats where the memo serves an app it
   * knows reads nothing of a request but its method and path).
   */
  readonly request: HttpRequest;
  /** Its framing, as `frameRequest` gave it. */
  readonly framing: Framing;
}

/** What the engine asks of the speed layer, for one handler and its app. */
export interface Memo {
  /** How the head parser turns bytes into strings. */
  readonly text: HeadText;
  /** The head `buf[start, end)` begins with, if the memo knows it; otherwise `null`. */
  recallHead(
    buf: Uint8Array,
    start: number,
    end: number,
    limits: Limits,
  ): RecalledHead | null;
  /** Offered every head parsed whole in one call, `buf[start, start + length)`. */
  rememberHead(
    buf: Uint8Array,
    start: number,
    length: number,
    limits: Limits,
  ): void;
  /** The app to call for `app`: the same answers, given faster where the memo knows `app` is a pure function of method and path. */
  app(app: App): App;
  /** Serializes an app's response, exactly as `writeResponse` does. */
  writeResponse(
    out: Output,
    response: HttpResponse,
    connection: ConnectionField,
    headOnly: boolean,
  ): number;
}

/** The engine without a memo: every head parsed, every string decoded, every response built. */
export const NO_MEMO: Memo = {
  text: PLAIN_TEXT,
  recallHead: () => null,
  rememberHead: () => {},
  app: (app) => app,
  writeResponse,
};
