/**
 * The old names of the test helpers, kept only for tests/last_head_test.ts
 * (which the engine's redesign rewrites; delete this file with it). New
 * tests import testing/ directly: {@linkcode serveChunks} from
 * testing/session.ts, `fromLatin1` from testing/bytes.ts, `readResponses`
 * from testing/response_parser.ts.
 *
 * @module
 */

import { fromLatin1, latin1 } from "../testing/bytes.ts";
import { readResponses } from "../testing/response_parser.ts";

export { serveChunks } from "../testing/session.ts";

/** Encodes text one byte per character: testing/bytes.ts `fromLatin1`. */
export const bytes: (text: string) => Uint8Array = fromLatin1;

/** One response as tests/last_head_test.ts reads it: lower-cased header names, the body as Latin-1 text. */
export interface ParsedResponse {
  /** The status code. */
  status: number;
  /** Header fields by lower-cased name (the last one wins). */
  headers: Map<string, string>;
  /** The body, one char per byte. */
  body: string;
}

/** The responses in `output` (the first `headRequests` answer HEAD), read by testing/response_parser.ts. */
export function parseResponses(
  output: string,
  headRequests = 0,
): ParsedResponse[] {
  return readResponses(output, headRequests).map((r) => ({
    status: r.status,
    headers: new Map(
      r.headers.map(([name, value]) => [name.toLowerCase(), value]),
    ),
    body: latin1(r.body),
  }));
}
