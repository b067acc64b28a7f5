/**
 * What the probe must make of each fixture of `probe/fixtures/fixtures.ts`:
 * per fixture, exactly the checks it fails, and exactly the checks not run
 * because a prerequisite of theirs failed; any check named in neither must
 * pass. Shared by tests/probe_test.ts, tests/probe_feedback_test.ts and
 * tests/probe_class_test.ts.
 *
 * @module
 */

/** Checks of one server, or of the structure, by id: on both servers (a submission's handler.py is shared), on webserve_nb.py alone, of the structure. */
export interface Where {
  both?: string[];
  nb?: string[];
  structure?: string[];
}

/** Every check of group `hello`. */
export const HELLO = [
  "get-root",
  "get-nested",
  "get-percent-encoded",
  "post",
  "query-ignored",
].map((n) => `hello.${n}`);

/** Every check of group `bodies`. */
export const BODIES = [
  "content-length",
  "chunked",
  "body-in-pieces",
  "large-body",
  "expect-100-continue",
].map((n) => `bodies.${n}`);

/** Every check of group `framing`. */
export const FRAMING = [
  "keep-alive",
  "head-in-two-writes",
  "head-in-three-writes",
  "pipelined",
  "connection-close",
  "http-1.0",
  "firefox",
].map((n) => `framing.${n}`);

/** Every check of group `responses`. */
export const RESPONSES = [
  "bad-request-line",
  "bad-header",
  "bad-framing",
  "bad-oversized",
  "bad-garbage",
  "unusual-but-valid",
  "still-serving",
].map((n) => `responses.${n}`);

/**
 * Per fixture: the checks that must fail, those that must not run (a
 * prerequisite failed), and why. A check named in neither must pass.
 */
export const FIXTURES: Record<
  string,
  { fails?: Where; notRun?: Where; why: string }
> = {
  correct: { why: "the model answer passes everything" },
  query_echoed: {
    fails: { both: ["hello.query-ignored"] },
    why: "only the request with a query string is answered wrongly",
  },
  body_left_in_buffer: {
    fails: { both: ["bodies.content-length"] },
    notRun: {
      both: [
        ...BODIES.slice(1), // every other body needs the plainest one read
        "responses.bad-framing", // bad chunk sizes mean nothing to a server that reads no chunked body
      ],
    },
    why:
      "a body is read as the start of the next request; requests without a body are served",
  },
  one_recv_per_request: {
    fails: {
      both: [
        "framing.head-in-two-writes", // a half head is parsed as a whole one
        "framing.pipelined", // the second and third requests are dropped with the first read
        "responses.bad-framing", // the chunked body is never parsed, so bad chunk sizes pass as 200
      ],
    },
    notRun: {
      both: [
        "framing.head-in-three-writes",
        "bodies.body-in-pieces",
        "bodies.large-body",
        "bodies.expect-100-continue",
        "responses.bad-oversized",
      ],
      nb: [
        "concurrency.trickling-neighbour", // needs a head read in pieces
        "concurrency.flooding-neighbour", // needs pipelining
      ],
    },
    why:
      "a request that comes in one read (with its body) is served; anything spread over reads is not",
  },
  nb_serves_one_at_a_time: {
    fails: {
      nb: [
        "concurrency.idle-neighbour",
        "concurrency.trickling-neighbour",
        "concurrency.flooding-neighbour",
      ],
    },
    why:
      "only the loop of webserve_nb.py changes; one client at a time is all else needs",
  },
  silent_on_bad_request: {
    fails: { both: ["responses.bad-request-line"] },
    notRun: {
      both: [
        "responses.bad-header",
        "responses.bad-framing",
        "responses.bad-oversized",
      ],
    },
    why:
      "every bad request is met with a close; for bytes that are not HTTP at all a close is allowed",
  },
  no_status_line: {
    fails: { both: ["hello.get-root"] },
    notRun: {
      both: [
        ...HELLO.slice(1),
        ...FRAMING,
        ...BODIES,
        ...RESPONSES,
        "concurrency.idle-neighbour",
        "methods.head",
      ],
      nb: ["concurrency.trickling-neighbour", "concurrency.flooding-neighbour"],
    },
    why:
      "every 200 answer is bare text, so no plain GET is answered and nothing else can be judged; the structure is sound",
  },
  starts_at_import: {
    fails: { structure: ["structure.webserve-importable"] },
    notRun: {
      structure: [
        "structure.webserve-handle-connection", // cannot be looked at: the import never returns
        "structure.one-shared-handle-connection", // nor compared
      ],
    },
    why:
      "run as a script it serves as well as the model; only importing it goes wrong",
  },
  closes_after_each_answer: {
    fails: { both: ["framing.keep-alive"] },
    notRun: {
      both: [
        "framing.pipelined",
        "framing.firefox",
        ...BODIES,
        "responses.bad-framing", // needs bodies.chunked
        "concurrency.idle-neighbour", // the first client idles on a kept connection
      ],
      nb: ["concurrency.flooding-neighbour"], // needs pipelining
    },
    why:
      "each connection serves one request; everything that needs a second one on it is not run",
  },
  head_405: {
    fails: { both: ["methods.head"] },
    why:
      "HEAD is beyond the brief: the brief's checks all pass, and only the rule of RFC 9110 fails",
  },
};

/** The checks of one server in a submission run, and of the structure. */
export const SUBMISSION_CHECKS = {
  blocking: 26,
  nb: 28,
  structure: 5,
};

/** `where`'s checks as `server:group.check` (a structure check: its id alone), sorted. */
function named(where: Where | undefined): string[] {
  return [
    ...(where?.both ?? []).flatMap((
      id,
    ) => [`webserve.py:${id}`, `webserve_nb.py:${id}`]),
    ...(where?.nb ?? []).map((id) => `webserve_nb.py:${id}`),
    ...(where?.structure ?? []),
  ].sort();
}

/** The checks `fixture` must fail, as `server:group.check` (a structure check: its id alone), sorted. */
export function expectedFailures(fixture: keyof typeof FIXTURES): string[] {
  return named(FIXTURES[fixture].fails);
}

/** The checks of `fixture` that must not run, as {@link expectedFailures} names them. */
export function expectedNotRun(fixture: keyof typeof FIXTURES): string[] {
  return named(FIXTURES[fixture].notRun);
}
