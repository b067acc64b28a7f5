/**
 * The engine's three seams: where a faster way of doing the same work can
 * be put in without the plain path knowing. Finding each request head (a
 * {@linkcode HeadReader}), answering it (the app), and serializing the
 * answer (a {@linkcode ResponseWriter}). {@linkcode plainSeams} are the
 * plain engine's own; the speed layer (`memo/`, `memoFor`) wraps them
 * and hands the engine the wrappers, so the parser, the message machine
 * and the serializer read as if no speed layer existed, and a differential
 * test holds the two to the same bytes.
 *
 * @module
 */

import { type HeadReader, PLAIN_HEAD_READER } from "./head_reader.ts";
import { type ResponseWriter, writeResponse } from "./response.ts";
import type { App } from "./types.ts";

/** What the engine runs with, for one handler and its app. */
export interface Seams {
  /** Finds each request head: the plain reader, or one wrapping it. */
  readonly headReader: HeadReader;
  /** Serializes an app's response, exactly as `writeResponse` does. */
  readonly writeResponse: ResponseWriter;
  /** The app to call: the handler's own, or one that gives the same answers faster. */
  readonly app: App;
}

/**
 * A speed layer: the seams of a handler around `app`. What a faster seam
 * may share between requests can depend on the app (`memoFor` hands the
 * hello app the recalled request itself), so it is made for each app.
 */
export type SpeedLayer = (app: App) => Seams;

/** The plain engine's own seams around `app`: every head parsed, every string decoded, every response built. */
export function plainSeams(app: App): Seams {
  return { headReader: PLAIN_HEAD_READER, writeResponse, app };
}
