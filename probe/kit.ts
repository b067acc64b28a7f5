/**
 * Everything the probe reuses from the rest of the project, re-exported from
 * one place: the bad-request corpus and its table of unusual but valid
 * requests, the strict response parser, the seeded PRNG, and the socket and
 * timer helpers. When a module moves, only the path here changes.
 *
 * @module
 */

export {
  BAD_REQUESTS,
  type BadRequestCase,
  VALID_EDGE_CASES,
  type ValidEdgeCase,
} from "../robustness/corpus.ts";
export {
  headerValue,
  type ParsedResponse,
  parseResponseStream,
} from "../testing/response_parser.ts";
export { fromLatin1, latin1 } from "../testing/bytes.ts";
export { commandSucceeds } from "../testing/commands.ts";
export { Prng } from "../testing/prng.ts";
export { writeAll } from "../testing/raw_client.ts";
export { closeQuietly } from "../server/listen.ts";
export { delay, raceTimeout, TIMED_OUT } from "../server/timers.ts";
