/**
 * What the probe must make of each fixture of `probe/fixtures/fixtures.ts`:
 * per flaw, exactly the checks it fails (any check not named must pass).
 * Shared by tests/probe_test.ts and tests/probe_class_test.ts.
 *
 * @module
 */

/** Every check of a submission run but the structure ones (which have no server). */
export const HELLO = [
  "get-root",
  "get-nested",
  "get-percent-encoded",
  "post",
  "query-ignored",
  "head",
].map((n) => `hello.${n}`);
export const BODIES = [
  "content-length",
  "chunked",
  "body-in-pieces",
  "large-body",
]
  .map((n) => `bodies.${n}`);
export const FRAMING = [
  "keep-alive",
  "head-in-two-writes",
  "head-in-three-writes",
  "pipelined",
  "connection-close",
  "http-1.0",
  "expect-100-continue",
  "firefox",
].map((n) => `framing.${n}`);

/**
 * Per fixture, exactly the checks that must fail: on both servers (its
 * handler.py is shared), on webserve_nb.py alone, and of the structure. A
 * check not named must pass.
 */
export const FIXTURES: Record<
  string,
  { both?: string[]; nb?: string[]; structure?: string[]; why: string }
> = {
  correct: { why: "the model answer passes everything" },
  query_echoed: {
    both: ["hello.query-ignored"],
    why: "only the request with a query string is answered wrongly",
  },
  body_left_in_buffer: {
    both: [
      ...BODIES,
      "framing.expect-100-continue", // its body is read as the next request
      "responses.bad-framing", // a bad chunk size goes unseen when the chunked body is never read
    ],
    why:
      "a body is read as the start of the next request; requests without a body are served",
  },
  one_recv_per_request: {
    both: [
      "bodies.body-in-pieces", // the head's read is taken as the whole request, the pieces as new ones
      "bodies.large-body", // so are the later reads of a 256 KiB body
      "framing.head-in-two-writes", // a half head is parsed as a whole one
      "framing.head-in-three-writes",
      "framing.pipelined", // the second and third requests are dropped with the first read
      "framing.expect-100-continue", // no 100 (the body is taken as there); the body is a new request
      "responses.bad-framing", // the chunked body is never parsed, so bad chunk sizes pass as 200
      "responses.bad-oversized", // the first 16 KiB of a 1 MiB head are taken as a whole head: 200
    ],
    why:
      "a request that comes in one read (with its body) is served; anything spread over reads is not",
  },
  nb_serves_one_at_a_time: {
    nb: [
      "concurrency.idle-neighbour",
      "concurrency.trickling-neighbour",
      "concurrency.flooding-neighbour",
    ],
    why:
      "only the loop of webserve_nb.py changes; one client at a time is all else needs",
  },
  silent_on_bad_request: {
    both: [
      "responses.bad-request-line",
      "responses.bad-header",
      "responses.bad-framing",
      "responses.bad-oversized",
    ],
    why:
      "every bad request is met with a close; for bytes that are not HTTP at all a close is allowed",
  },
  no_status_line: {
    both: [
      ...HELLO,
      ...BODIES,
      ...FRAMING,
      "responses.unusual-but-valid",
      "responses.still-serving",
      "concurrency.idle-neighbour",
    ],
    nb: ["concurrency.trickling-neighbour", "concurrency.flooding-neighbour"],
    why:
      "every 200 answer is bare text; error answers are still proper, and the structure is sound",
  },
  starts_at_import: {
    structure: [
      "structure.webserve-importable",
      "structure.webserve-handle-connection", // cannot be looked at: the import never returns
      "structure.one-shared-handle-connection", // nor compared
    ],
    why:
      "run as a script it serves as well as the model; only importing it goes wrong",
  },
};

/** The checks of one server in a submission run, and of the structure. */
export const SUBMISSION_CHECKS = {
  blocking: 26,
  nb: 28,
  structure: 5,
};

/** The checks `fixture` must fail, as `server:group.check` (a structure check: its id alone), sorted. */
export function expectedFailures(fixture: keyof typeof FIXTURES): string[] {
  const spec = FIXTURES[fixture];
  return [
    ...(spec.both ?? []).flatMap((
      id,
    ) => [`webserve.py:${id}`, `webserve_nb.py:${id}`]),
    ...(spec.nb ?? []).map((id) => `webserve_nb.py:${id}`),
    ...(spec.structure ?? []),
  ].sort();
}
