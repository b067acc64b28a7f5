/**
 * Sending a request and judging the answer: the moves most checks share.
 *
 * @module
 */

import type { CheckContext, Verdict } from "./check.ts";
import type { Exchange, ProbeConn } from "./probe_conn.ts";
import { describeExchange, describeRequest } from "./requests.ts";
import { latin1, raceTimeout } from "./kit.ts";

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

/** A check's verdict from the steps it took: passes when every step did; `got` tells every step. */
export function verdictOf(
  steps: { sent: string; exchange: Exchange; pass: boolean }[],
): Verdict {
  return {
    pass: steps.every((step) => step.pass),
    sent: steps.map((step) => step.sent).join("; then "),
    got: steps.map((step) => describeExchange(step.exchange)).join("; then "),
  };
}

/**
 * The common shape: requests on one connection, one after another, each
 * answered `hello, <path>` before the next is sent. Stops at the first step
 * that fails.
 */
export async function helloSequence(
  context: CheckContext,
  steps: { text: string; paths: string[] }[],
): Promise<Verdict> {
  const conn = await context.connect();
  const done: { sent: string; exchange: Exchange; pass: boolean }[] = [];
  for (const step of steps) {
    const exchange = await ask(context, conn, step.text, step.paths.length);
    const pass = saysHello(exchange, step.paths);
    done.push({ sent: describeRequest(step.text), exchange, pass });
    if (!pass) break;
  }
  return verdictOf(done);
}
