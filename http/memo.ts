/**
 * The speed layer's one boundary. When requests repeat, a memo can do three
 * things faster than the engine: find a request head (recall it instead of
 * parsing it), answer with a pure app, and serialize a response. Each is a
 * seam the plain engine already has: a {@linkcode HeadReader}, the app, and
 * a {@linkcode ResponseWriter}; a memo wraps the plain one and hands the
 * engine the wrapper, so the parser, the message machine and the
 * serializer read as if no memo existed. {@linkcode NO_MEMO} is the plain
 * engine's own three; `memo/` holds the fast ones (`memoFor(app)`), and a
 * differential test holds the two to the same bytes.
 *
 * @module
 */

import {
  type HeadReader,
  PLAIN_HEAD_READER,
  type RequestHead,
} from "./head_reader.ts";
import { type ResponseWriter, writeResponse } from "./response.ts";
import type { App } from "./types.ts";

/**
 * A head a memo has seen before, byte for byte, under the same limits: the
 * request it makes is the app's own to keep or change, a new one for every
 * repeat (or shared between repeats where the memo serves an app it knows
 * reads nothing of a request but its method and path).
 */
export interface RecalledHead extends RequestHead {
  /** Bytes of the head, up to and including its empty line: what to consume. */
  readonly length: number;
}

/** What the engine takes from the speed layer, for one handler and its app. */
export interface Memo {
  /** Finds each request head: the plain reader, or one wrapping it. */
  readonly headReader: HeadReader;
  /** Serializes an app's response, exactly as `writeResponse` does. */
  readonly writeResponse: ResponseWriter;
  /** The app to call for `app`: the same answers, given faster where the memo knows `app` is a pure function of method and path. */
  app(app: App): App;
}

/** The plain engine's own: every head parsed, every string decoded, every response built. */
export const NO_MEMO: Memo = {
  headReader: PLAIN_HEAD_READER,
  writeResponse,
  app: (app) => app,
};
