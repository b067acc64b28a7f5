/**
 * Everything the probe reuses from `wire/`, the one folder it shares with the
 * lab, re-exported from one place: the bad-request corpus and its table of
 * unusual but valid requests, the strict response parser, the seeded PRNG,
 * and the socket, timer and command helpers. The probe imports nothing else
 * from outside `probe/` (`docs/architecture.md`).
 *
 * @module
 */

export {
  BAD_REQUESTS,
  type BadRequestCase,
  VALID_EDGE_CASES,
  type ValidEdgeCase,
} from "../wire/corpus.ts";
export {
  headerValue,
  type ParsedResponse,
  parseResponseStream,
} from "../wire/response_parser.ts";
export { concat, fromLatin1, latin1 } from "../wire/bytes.ts";
export { commandSucceeds } from "../wire/commands.ts";
export { Prng } from "../wire/prng.ts";
export { closeQuietly, writeAll } from "../wire/socket.ts";
export { delay, raceTimeout, TIMED_OUT } from "../wire/timers.ts";
