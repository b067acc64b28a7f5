/**
 * Sending a request and judging the answer: the moves most checks share,
 * and what a failure shows beside what was expected: where a byte answer
 * first differs from the right one, a command that sends the same again,
 * and a hint when what came back says more than the check's own.
 *
 * @module
 */

import type { CheckContext, Verdict } from "./check.ts";
import type { Exchange, ProbeConn } from "./probe_conn.ts";
import { describeExchange, describeRequest } from "./requests.ts";
import { latin1, raceTimeout } from "./kit.ts";
import { differsAt, thenGot, thenSent } from "./messages.ts";

/** How long a check waits for an answer that a correct server gives at once. */
export const ANSWER_MS = 2000;

/** The most any check of a correct server takes, with room for a slow machine. */
export const CHECK_MS = 6000;

/** The body a server of the brief answers for `path`. */
export function hello(path: string): string {
  return `hello, ${path}`;
}

/** True when `exchange` holds exactly the hello answers for `paths`, in order, and nothing went wrong. */
export function saysHello(
  exchange: Exchange,
  paths: readonly string[],
): boolean {
  return exchange.stop === undefined &&
    exchange.finals.length === paths.length &&
    exchange.finals.every((answer, i) =>
      answer.status === 200 && latin1(answer.body) === hello(paths[i])
    );
}

/** Writes `text` (noting it as what the check sent) and reads `count` answers. */
export async function ask(
  context: CheckContext,
  conn: ProbeConn,
  text: string,
  count = 1,
  heads: boolean[] = [],
): Promise<Exchange> {
  context.sent = describeRequest(text);
  // Read while writing: a server may answer (or close) before it has read a large request.
  const writing = conn.write(text);
  const exchange = await conn.readAnswers(count, {
    heads,
    withinMs: ANSWER_MS,
  });
  await raceTimeout(writing, ANSWER_MS);
  return exchange;
}

/** One step of a check on one connection: what was sent, what came back, and the paths it should have said hello to. */
export interface Step {
  /** What was sent, in one line. */
  sent: string;
  /** What came back. */
  exchange: Exchange;
  /** The paths of the hello answers expected, in order. */
  paths: readonly string[];
}

/**
 * A check's verdict from the steps it took on `conn`: passes when every
 * step said hello to its paths; `got` tells every step; a failure shows
 * where its answer first differs and the command that sends it all again.
 */
export function verdictOf(
  context: CheckContext,
  conn: ProbeConn,
  steps: readonly Step[],
): Verdict {
  const failed = steps.find((step) => !saysHello(step.exchange, step.paths));
  const difference = failed && helloDifference(failed.exchange, failed.paths);
  return {
    pass: failed === undefined,
    sent: steps.map((step) => step.sent).reduce(thenSent),
    got: steps.map((step) => describeExchange(step.exchange)).reduce(thenGot),
    ...(failed
      ? { command: context.command(conn, notHttp(failed.exchange)) }
      : {}),
    ...(difference ? { difference } : {}),
  };
}

/**
 * The common shape: requests on one connection, one after another, each
 * answered `hello, <path>` before the next is sent. Stops at the first step
 * that fails.
 */
export async function helloSequence(
  context: CheckContext,
  requests: { text: string; paths: string[] }[],
): Promise<Verdict> {
  const conn = await context.connect();
  const steps: Step[] = [];
  for (const request of requests) {
    const exchange = await ask(
      context,
      conn,
      request.text,
      request.paths.length,
    );
    steps.push({
      sent: describeRequest(request.text),
      exchange,
      paths: request.paths,
    });
    if (!saysHello(exchange, request.paths)) break;
  }
  return verdictOf(context, conn, steps);
}

/** True when what came back was not HTTP (a command to see it should be nc, not curl). */
export function notHttp(exchange: Exchange): boolean {
  return exchange.stop === "not-http";
}

/** How a response starts, to compare bytes that are not HTTP with. */
const STATUS_LINE = "HTTP/1.1 200 OK\r\n";

/** How many bytes of context a difference shows on each side. */
const AROUND = 12;

/** Where `got` first differs from `expected`, or undefined when they are the same. */
export function firstDifference(
  expected: string,
  got: string,
):
  | { offset: number; before: string; expected: string; got: string }
  | undefined {
  if (expected === got) return undefined;
  let offset = 0;
  while (
    offset < expected.length && offset < got.length &&
    expected[offset] === got[offset]
  ) offset++;
  return {
    offset,
    before: expected.slice(Math.max(0, offset - AROUND), offset),
    expected: expected.slice(offset, offset + AROUND),
    got: got.slice(offset, offset + AROUND),
  };
}

/** A difference in the card's words, for a byte answer of `where`. */
export function describeDifference(
  expected: string,
  got: string,
  where: "body" | "answer",
): string | undefined {
  const found = firstDifference(expected, got);
  return found &&
    differsAt(found.offset, where, found.before, found.expected, found.got);
}

/**
 * Where an exchange's byte answer first differs from the hello it should
 * have been: bytes that are not HTTP against a status line, or a 200's body
 * against `hello, <path>`. Undefined when the difference is not in bytes (a
 * status, a close, silence).
 */
export function helloDifference(
  exchange: Exchange,
  paths: readonly string[],
): string | undefined {
  const wrongBody = exchange.finals.findIndex((answer, i) =>
    answer.status === 200 && i < paths.length &&
    latin1(answer.body) !== hello(paths[i])
  );
  if (wrongBody >= 0) {
    return describeDifference(
      hello(paths[wrongBody]),
      latin1(exchange.finals[wrongBody].body),
      "body",
    );
  }
  const start = latin1(exchange.rest.subarray(0, STATUS_LINE.length));
  if (
    exchange.stop === "not-http" && start !== "" && !start.startsWith("HTTP/")
  ) {
    return describeDifference(STATUS_LINE, start, "answer");
  }
  return undefined;
}

/**
 * What usually causes an answer that is not one at all (bytes that are not
 * HTTP, a close or silence instead), or undefined for a proper answer.
 */
export function brokenAnswerHint(exchange: Exchange): string | undefined {
  if (exchange.finals.length > 0) return undefined;
  switch (exchange.stop) {
    case "not-http":
      return "an answer starts with a status line (HTTP/1.1 200 OK), then header fields with a Content-Length, a blank line, and the body: is the status line missing?";
    case "closed":
    case "reset":
      return "the connection ended with no answer: does the server send its answer before it closes, and did an exception end the connection first (see its stderr)?";
    case "timeout":
      return "no answer came: is the server waiting for more than a GET sends (its head ends at the first blank line, CRLF CRLF, and it has no body)?";
    default:
      return undefined;
  }
}
