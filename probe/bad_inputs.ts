/**
 * The inputs of group `responses`, taken from the project's corpus
 * (`BAD_REQUESTS` and `VALID_EDGE_CASES`) by name, each put in a class.
 *
 * The corpus pins the project's own answers, many of them choices the RFC
 * leaves open (a lenient server may split a request line on any whitespace,
 * replace NUL in a field value with SP, or take identical duplicate
 * fields). The probe grades any implementation of the brief, so it picks
 * only requests that no server may take as valid: each says why. What it
 * asks of them is the brief's rule, a proper HTTP response: any complete
 * 4xx or 5xx answer passes.
 *
 * Two classes need inputs beyond the corpus, derived here: the corpus's
 * oversized heads sit just past the project's 16 KiB limit, which the brief
 * does not set, so the probe scales them to 1 MiB, past any sensible limit;
 * and a "several KB" header line, which every server must take.
 *
 * @module
 */

import { BAD_REQUESTS, Prng, VALID_EDGE_CASES } from "./kit.ts";

/** The classes of bad input, in the order they run. */
export const BAD_INPUT_CLASSES = [
  "request-line",
  "header",
  "framing",
  "oversized",
  "garbage",
] as const;

/** One of {@link BAD_INPUT_CLASSES}. */
export type BadInputClass = typeof BAD_INPUT_CLASSES[number];

/** A request that must get a 4xx or 5xx answer. */
export interface BadInput {
  /** The corpus case's name, or the probe's own. */
  name: string;
  /** Its class. */
  class: BadInputClass;
  /** The bytes sent, one char per byte. */
  request: string;
  /** Why no server may take it as valid. */
  why: string;
  /** True where closing without an answer is allowed too (bytes that are not HTTP at all). */
  closeAllowed: boolean;
}

/** A request that must be answered `hello, <path>`, however unusual. */
export interface UnusualInput {
  /** The corpus case's name, or the probe's own. */
  name: string;
  /** The bytes sent. */
  request: string;
  /** The path answered. */
  path: string;
}

/** The corpus's bad requests the probe uses: class and reason, by case name. */
const PICKED: Record<string, { class: BadInputClass; why: string }> = {
  "missing target": {
    class: "request-line",
    why: "two words: no request-target (RFC 9112 section 3)",
  },
  "HTTP/0.9 request line without version": {
    class: "request-line",
    why: "no HTTP-version: HTTP/0.9 is not HTTP/1.x",
  },
  "empty request line then garbage": {
    class: "request-line",
    why: "one word, not a request line",
  },
  "wrong protocol name": {
    class: "request-line",
    why: 'the version is not "HTTP/" (RFC 9112 section 2.3)',
  },
  "version with letters": {
    class: "request-line",
    why: "HTTP-version is HTTP/DIGIT.DIGIT",
  },
  "line without colon": {
    class: "header",
    why: "a field line must have a colon (RFC 9112 section 5)",
  },
  "space before colon": {
    class: "header",
    why:
      "whitespace before the colon: a server MUST answer 400 (RFC 9112 section 5.1)",
  },
  "Content-Length with letter": {
    class: "framing",
    why: "an invalid Content-Length: MUST answer 400 (RFC 9112 section 6.3)",
  },
  "empty Content-Length": {
    class: "framing",
    why: "an invalid Content-Length: MUST answer 400 (RFC 9112 section 6.3)",
  },
  "two different Content-Lengths": {
    class: "framing",
    why:
      "two lengths: the body's end is unknowable, MUST answer 400 (RFC 9112 section 6.3)",
  },
  "chunk size not hex": {
    class: "framing",
    why: "a chunk size is hex digits (RFC 9112 section 7.1)",
  },
  "empty chunk size": {
    class: "framing",
    why: "a chunk size is at least one hex digit",
  },
  "binary junk": {
    class: "garbage",
    why: "a TLS ClientHello's first bytes: not HTTP (closing is allowed too)",
  },
};

/** The corpus's unusual but valid requests the probe uses. */
const PICKED_VALID = [
  "obs-text in field value",
  "100 fields",
  "target of 8000 bytes",
];

/** The size of a head no server should buffer whole. */
export const OVERSIZED_HEAD_BYTES = 1024 * 1024;

/** A request of `fields`, CRLF-terminated, as the corpus writes them. */
function head(line: string, fields: string[]): string {
  return [line, "Host: a", ...fields].map((l) => l + "\r\n").join("") + "\r\n";
}

/** Bytes that are no HTTP: seeded random bytes without CR or LF, then a blank line. */
function randomGarbage(): string {
  const prng = new Prng(0x9e3779b9);
  let text = "";
  while (text.length < 512) {
    const byte = prng.int(0, 255);
    if (byte !== 13 && byte !== 10) text += String.fromCharCode(byte);
  }
  return text + "\r\n\r\n";
}

/** The bad inputs, once made: two of them are 1 MiB, and every check of group `responses` takes its class from them. */
let made: readonly BadInput[] | undefined;

/** The bad inputs, by class, in order (made once). Throws if a picked corpus case has been renamed. */
export function badInputs(): readonly BadInput[] {
  return made ??= makeBadInputs();
}

function makeBadInputs(): BadInput[] {
  const picked = Object.entries(PICKED).map(([name, pick]): BadInput => {
    const found = BAD_REQUESTS.find((c) => c.name === name);
    if (!found) {
      throw new Error(`probe: corpus case ${JSON.stringify(name)} is gone`);
    }
    return {
      name,
      ...pick,
      request: found.request,
      closeAllowed: pick.class === "garbage",
    };
  });
  const derived: BadInput[] = [
    {
      name: "head of 1 MiB in one field",
      class: "oversized",
      request: head("GET / HTTP/1.1", [
        `X-A: ${"b".repeat(OVERSIZED_HEAD_BYTES)}`,
      ]),
      why:
        'the corpus\'s "head over 16 KiB" scaled to 1 MiB: a server must bound what it buffers (431)',
      closeAllowed: false,
    },
    {
      name: "head of 1 MiB in many fields",
      class: "oversized",
      request: head(
        "GET / HTTP/1.1",
        Array.from(
          { length: OVERSIZED_HEAD_BYTES / 64 },
          (_, i) => `X-${i}: ${"v".repeat(56)}`,
        ),
      ),
      why: 'the corpus\'s "many fields over 16 KiB" scaled to 1 MiB',
      closeAllowed: false,
    },
    {
      name: "random bytes",
      class: "garbage",
      request: randomGarbage(),
      why:
        "512 seeded random bytes and a blank line: not HTTP (closing is allowed too)",
      closeAllowed: true,
    },
  ];
  const all = [...picked, ...derived];
  return BAD_INPUT_CLASSES.flatMap((c) =>
    all.filter((input) => input.class === c)
  );
}

/** The unusual but valid inputs, in order. Throws if a picked corpus case has been renamed. */
export function unusualInputs(): UnusualInput[] {
  const picked = PICKED_VALID.map((name): UnusualInput => {
    const found = VALID_EDGE_CASES.find((c) => c.name === name);
    if (!found) {
      throw new Error(`probe: corpus case ${JSON.stringify(name)} is gone`);
    }
    return { name, request: found.request, path: found.paths[0] };
  });
  return [
    ...picked,
    {
      name: "header line of 4 KiB",
      request: head("GET /long-field HTTP/1.1", [
        `Cookie: session=${"c".repeat(4096)}`,
      ]),
      path: "/long-field",
    },
  ];
}
