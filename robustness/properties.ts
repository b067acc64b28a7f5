/**
 * The engine's promises as a check over one input: fed whole, a byte at a
 * time and at random splits with short writes, `handleConnection` must never
 * throw, must read at most once per call, must write only well-formed
 * responses, must close after every error response, must answer valid
 * requests in order, and must produce the same answer however the input was
 * cut.
 *
 * @module
 */

import { latin1 } from "../wire/bytes.ts";
import { Prng } from "../wire/prng.ts";
import {
  runSession,
  type Session,
  type SessionHandler,
} from "../testing/session.ts";
import { type SplitOptions, splits } from "../testing/splits.ts";
import type { ExpectedAnswer } from "./generator.ts";
import {
  headerValue,
  type ParsedResponse,
  parseResponseStream,
  saysClose,
} from "../wire/response_parser.ts";

/** Statuses the engine may send; anything else is a failure. */
export const ENGINE_STATUSES: ReadonlySet<number> = new Set([
  100,
  200,
  400,
  404,
  405,
  408,
  411,
  413,
  414,
  417,
  431,
  500,
  501,
  503,
  505,
]);

const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;

/**
 * How {@linkcode checkInput} cuts an input: byte by byte (up to 4 KiB, else
 * chunks of 1 to 4 bytes), small random chunks and large ones.
 */
const CUTS: SplitOptions = { meanChunks: [7, 90], byteByByteUpTo: 4096 };

/** The output with interim responses dropped and dates blanked: what must not depend on the split. */
function normalized(output: Uint8Array, responses: ParsedResponse[]): string {
  const text = latin1(output);
  let out = "";
  let start = 0;
  for (const response of responses) {
    if (response.status !== 100) {
      out += text.slice(start, response.end).replace(
        /\r\nDate: [^\r]*/i,
        "\r\nDate: -",
      );
    }
    start = response.end;
  }
  return out;
}

/** Checks one session's output against the per-session properties; returns the normalized output or a failure. */
function checkSession(
  session: Session,
  expected: ExpectedAnswer[] | undefined,
): { failure: string } | { normal: string } {
  if (session.thrown !== undefined) {
    const error = session.thrown;
    return {
      failure: `threw: ${
        error instanceof Error ? error.stack ?? error.message : String(error)
      }`,
    };
  }
  if (session.stuck) return { failure: `stuck: ${session.stuck}` };
  const manyReads = session.calls.findIndex((c) => c.reads > 1);
  if (manyReads >= 0) {
    return {
      failure: `reads: call ${manyReads} read ${
        session.calls[manyReads].reads
      } times`,
    };
  }
  if (!session.closed) {
    return { failure: "close: the session never returned close" };
  }
  const parsed = parseResponseStream(
    session.output,
    expected ? { isHead: (i) => expected[i]?.head ?? false } : {},
  );
  if (parsed.error) {
    return {
      failure: `malformed output: ${parsed.error}\n${
        JSON.stringify(latin1(session.output))
      }`,
    };
  }
  const { responses } = parsed;
  for (const [index, response] of responses.entries()) {
    if (!ENGINE_STATUSES.has(response.status)) {
      return { failure: `status: unexpected ${response.status}` };
    }
    if (response.status === 100) continue;
    const date = headerValue(response, "date") ?? "";
    if (!IMF_FIXDATE.test(date)) {
      return { failure: `date: not IMF-fixdate: ${JSON.stringify(date)}` };
    }
    const last = index === responses.length - 1;
    const closingCall = session.calls.findIndex((c) =>
      c.outputEnd >= response.end
    );
    const closedHere = closingCall === session.calls.length - 1 &&
      session.calls[closingCall].close;
    // The app's 405 and 501 answer a well-framed request, so the engine may keep the connection.
    const appRefusal = (response.status === 405 || response.status === 501) &&
      !saysClose(response);
    if (response.status >= 400 && !appRefusal) {
      if (!saysClose(response)) {
        return {
          failure:
            `error without close: ${response.status} lacks Connection: close`,
        };
      }
      if (!last) {
        return {
          failure:
            `error without close: response ${index} (${response.status}) is followed by more responses`,
        };
      }
      if (!closedHere) {
        return {
          failure:
            `error without close: the call writing ${response.status} did not return close`,
        };
      }
    } else if (saysClose(response) && (!last || !closedHere)) {
      return {
        failure:
          `close: response ${index} says close but the connection went on`,
      };
    }
    if (response.status === 200 && !response.bodiless) {
      const body = new TextDecoder().decode(response.body);
      if (!body.startsWith("hello, ")) {
        return { failure: `body: 200 answered ${JSON.stringify(body)}` };
      }
    }
  }
  if (expected) {
    const finals = responses.filter((r) => r.status !== 100);
    if (finals.length !== expected.length) {
      return {
        failure: `answers: expected ${expected.length} answers, got ${
          finals.map((r) => r.status).join(",") || "none"
        }`,
      };
    }
    for (const [i, want] of expected.entries()) {
      const got = finals[i];
      const body = `hello, ${want.path}`;
      if (got.status !== 200) {
        return {
          failure: `answers: request ${i} (${want.path}) got ${got.status}`,
        };
      }
      const length = Number(headerValue(got, "content-length"));
      if (length !== new TextEncoder().encode(body).length) {
        return {
          failure: `answers: request ${i} Content-Length ${length} for ${
            JSON.stringify(body)
          }`,
        };
      }
      if (!want.head && new TextDecoder().decode(got.body) !== body) {
        return {
          failure: `answers: request ${i} got ${
            JSON.stringify(new TextDecoder().decode(got.body))
          }, want ${JSON.stringify(body)}`,
        };
      }
    }
  }
  return { normal: normalized(session.output, responses) };
}

/**
 * Runs `bytes` through `handler` under every split and checks every
 * property. Returns `undefined` when all hold, else the first failure as
 * "<kind>: <detail> (<split>)".
 */
export async function checkInput(
  handler: SessionHandler,
  bytes: Uint8Array,
  expected: ExpectedAnswer[] | undefined,
  seed: number,
): Promise<string | undefined> {
  let reference: { split: string; normal: string } | undefined;
  for (const [split, chunks] of splits(bytes, [seed], CUTS)) {
    // Fed whole, the writes take everything; cut, they are short too.
    const session = await runSession(handler, chunks, {
      writeRng: reference ? new Prng(seed ^ 0x5bd1e995) : undefined,
    });
    const result = checkSession(session, expected);
    if ("failure" in result) return `${result.failure} (${split})`;
    if (!reference) reference = { split, normal: result.normal };
    else if (reference.normal !== result.normal) {
      return `split: ${split} answered ${
        JSON.stringify(result.normal)
      } but ${reference.split} answered ${JSON.stringify(reference.normal)}`;
    }
  }
  return undefined;
}
