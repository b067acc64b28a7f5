/**
 * Group `bodies`: a request body (by Content-Length or chunked, whole or in
 * pieces, small or large) is read and ignored, and the same connection then
 * answers the next request: a body left in the buffer would be read as the
 * start of that next request.
 *
 * @module
 */

import type { Check, CheckContext, Verdict } from "./check.ts";
import { ask, CHECK_MS, saysHello, verdictOf } from "./judge.ts";
import { delay } from "./kit.ts";
import type { Exchange } from "./probe_conn.ts";
import { describeRequest, get, request } from "./requests.ts";

/** The pause between the pieces of a body sent in pieces. */
const PIECE_PAUSE_MS = 150;

/** The size of the large body: several reads' worth for any server. */
const LARGE_BODY_BYTES = 256 * 1024;

/** Sends `first` (whose answer is `hello, firstPath`) then a GET on the same connection. */
async function thenNext(
  context: CheckContext,
  first: { text: string; path: string; pieces?: string[] },
  nextPath: string,
): Promise<Verdict> {
  const conn = await context.connect();
  const steps: { sent: string; exchange: Exchange; pass: boolean }[] = [];
  let exchange: Exchange;
  if (first.pieces) {
    context.sent = describeRequest(first.text);
    await conn.write(first.text);
    for (const piece of first.pieces) {
      await delay(PIECE_PAUSE_MS);
      await conn.write(piece);
    }
    exchange = await conn.readAnswers(1, { withinMs: 2000 });
  } else {
    exchange = await ask(context, conn, first.text);
  }
  const sent = describeRequest(first.text + (first.pieces ?? []).join("")) +
    (first.pieces ? ` (the body in ${first.pieces.length} writes)` : "");
  steps.push({ sent, exchange, pass: saysHello(exchange, [first.path]) });
  if (steps[0].pass) {
    const next = get(nextPath, context.host);
    const answer = await ask(context, conn, next);
    steps.push({
      sent: describeRequest(next),
      exchange: answer,
      pass: saysHello(answer, [nextPath]),
    });
  }
  return verdictOf(steps);
}

function bodyCheck(
  name: string,
  title: string,
  first: (host: string) => { text: string; path: string; pieces?: string[] },
  nextPath: string,
): Check {
  return {
    name,
    group: "bodies",
    title,
    expected: `200 "hello, ${first("h").path}", then 200 "hello, ${nextPath}"`,
    timeoutMs: CHECK_MS,
    run: (context) => thenNext(context, first(context.host), nextPath),
  };
}

/** The checks of group `bodies`, in order. */
export const BODY_CHECKS: readonly Check[] = [
  bodyCheck(
    "content-length",
    "POST /form with a Content-Length body, then GET /after-form on the same connection",
    (host) => ({
      text: request("POST", "/form", {
        host,
        body: "firstname=Ada&lastname=Lovelace",
      }),
      path: "/form",
    }),
    "/after-form",
  ),
  bodyCheck(
    "chunked",
    "POST /upload with a chunked body, then GET /after-chunks on the same connection",
    (host) => ({
      text: request("POST", "/upload", {
        host,
        fields: ["Transfer-Encoding: chunked"],
        body: "5\r\nhello\r\n7;note=x\r\n, world\r\n0\r\n\r\n",
      }),
      path: "/upload",
    }),
    "/after-chunks",
  ),
  bodyCheck(
    "body-in-pieces",
    "POST /pieces: the head, then a 3,000-byte body in three writes 150 ms apart; then GET /after-pieces",
    (host) => ({
      text: request("POST", "/pieces", {
        host,
        fields: ["Content-Length: 3000"],
      }),
      path: "/pieces",
      pieces: ["a".repeat(1000), "b".repeat(1000), "c".repeat(1000)],
    }),
    "/after-pieces",
  ),
  bodyCheck(
    "large-body",
    `POST /large with a ${
      LARGE_BODY_BYTES / 1024
    } KiB body in one write, then GET /after-large`,
    (host) => ({
      text: request("POST", "/large", {
        host,
        body: "x".repeat(LARGE_BODY_BYTES),
      }),
      path: "/large",
    }),
    "/after-large",
  ),
];
