/**
 * Everything the probe reuses from the rest of the project, re-exported from
 * one place: the bad-request corpus and its table of unusual but valid
 * requests, the strict response parser, the seeded PRNG, and the socket and
 * timer helpers. When a module moves (test support is moving to `testing/`),
 * only the path here changes.
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
  fromLatin1,
  headerValue,
  latin1,
  type ParsedResponse,
  parseResponseStream,
} from "../robustness/response_parser.ts";
export { Prng } from "../robustness/prng.ts";
export { writeAll } from "../robustness/peers.ts";
export { closeQuietly } from "../server/listen.ts";
export { delay, raceTimeout, TIMED_OUT } from "../server/timers.ts";
