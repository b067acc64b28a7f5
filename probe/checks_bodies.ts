/**
 * Group `bodies`: the brief's "read and ignore any POST data". A request body
 * (by Content-Length or chunked, whole or in pieces, small or large, after
 * `Expect: 100-continue`) is read and ignored, and the same connection then
 * answers the next request: a body left in the buffer would be read as the
 * start of that next request. So every check here needs keep-alive, and
 * `content-length`, the plainest body, comes first.
 *
 * @module
 */

import type { Check, CheckContext, Verdict } from "./check.ts";
import { HEAD_IN_PIECES, KEEP_ALIVE } from "./checks_framing.ts";
import {
  ANSWER_MS,
  ask,
  CHECK_MS,
  saysHello,
  type Step,
  verdictOf,
} from "./judge.ts";
import { delay } from "./kit.ts";
import {
  bodyAfterAnswer,
  headAlone,
  noContinue,
  seconds,
  sentInWrites,
} from "./messages.ts";
import type { Exchange } from "./probe_conn.ts";
import { describeExchange, describeRequest, get, request } from "./requests.ts";

/** The pause between the pieces of a body sent in pieces. */
const PIECE_PAUSE_MS = 150;

/** The size of the large body: several reads' worth for any server. */
const LARGE_BODY_BYTES = 256 * 1024;

/** How long a client waits for `100 Continue` before it sends the body anyway (curl waits 1 s). */
const CONTINUE_MS = 1000;

/** The id of the plainest body check, which the others need. */
const CONTENT_LENGTH = "bodies.content-length";

/** Sends `first` (whose answer is `hello, firstPath`) then a GET on the same connection. */
async function thenNext(
  context: CheckContext,
  first: { text: string; path: string; pieces?: string[] },
  nextPath: string,
): Promise<Verdict> {
  const conn = await context.connect();
  let exchange: Exchange;
  if (first.pieces) {
    context.sent = describeRequest(first.text);
    await conn.write(first.text);
    for (const piece of first.pieces) {
      await delay(PIECE_PAUSE_MS);
      await conn.write(piece);
    }
    exchange = await conn.readAnswers(1, { withinMs: ANSWER_MS });
  } else {
    exchange = await ask(context, conn, first.text);
  }
  const whole = describeRequest(first.text + (first.pieces ?? []).join(""));
  const steps: Step[] = [{
    sent: first.pieces
      ? sentInWrites(whole, "body", first.pieces.length, PIECE_PAUSE_MS)
      : whole,
    exchange,
    paths: [first.path],
  }];
  if (saysHello(exchange, [first.path])) {
    const next = get(nextPath, context.host);
    steps.push({
      sent: describeRequest(next),
      exchange: await ask(context, conn, next),
      paths: [nextPath],
    });
  }
  return verdictOf(context, conn, steps);
}

function bodyCheck(
  name: string,
  title: string,
  hint: string,
  needs: string[],
  first: (host: string) => { text: string; path: string; pieces?: string[] },
  nextPath: string,
): Check {
  return {
    name,
    group: "bodies",
    title,
    expected: `200 "hello, ${first("h").path}", then 200 "hello, ${nextPath}"`,
    hint,
    needs,
    timeoutMs: CHECK_MS,
    run: (context) => thenNext(context, first(context.host), nextPath),
  };
}

/** `Expect: 100-continue`: an interim 100 (or the final answer) before the body, then the body's answer, then a next request. */
async function expectContinue(context: CheckContext): Promise<Verdict> {
  const conn = await context.connect();
  const body = "hello=world";
  const head = request("POST", "/expect", {
    host: context.host,
    fields: ["Expect: 100-continue", `Content-Length: ${body.length}`],
  });
  context.sent = describeRequest(head);
  await conn.write(head);
  const early = await conn.readAnswers(1, {
    withinMs: CONTINUE_MS,
    orInterim: true,
  });
  const answeredEarly = early.finals.length === 1;
  if (!answeredEarly && !early.interim.some((a) => a.status === 100)) {
    return {
      pass: false,
      sent: headAlone(describeRequest(head)),
      got: noContinue(describeExchange(early)),
      command: context.command(conn),
    };
  }
  await conn.write(body);
  const final = answeredEarly
    ? early
    : await conn.readAnswers(1, { withinMs: ANSWER_MS });
  const steps: Step[] = [{
    sent: bodyAfterAnswer(
      describeRequest(head),
      answeredEarly ? "final" : "100",
    ),
    exchange: final,
    paths: ["/expect"],
  }];
  if (saysHello(final, ["/expect"])) {
    const next = get("/after-expect", context.host);
    steps.push({
      sent: describeRequest(next),
      exchange: await ask(context, conn, next),
      paths: ["/after-expect"],
    });
  }
  return verdictOf(context, conn, steps);
}

/** The checks of group `bodies`, in order. */
export const BODY_CHECKS: readonly Check[] = [
  bodyCheck(
    "content-length",
    "POST /form with a Content-Length body, then GET /after-form on the same connection",
    "the body after a head is Content-Length bytes long: skip exactly that many (some may not have come yet) before reading the next request",
    [KEEP_ALIVE],
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
    "a body with Transfer-Encoding: chunked comes as hex size lines and data, ending with a 0 line and a blank line (RFC 9112 section 7.1): skip all of it before the next request",
    [CONTENT_LENGTH],
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
    `POST /pieces: the head, then a 3,000-byte body in three writes ${PIECE_PAUSE_MS} ms apart; then GET /after-pieces`,
    "a body may come over several reads: keep in stuff how many of its bytes are still to skip, and go on skipping at the next call",
    [CONTENT_LENGTH, HEAD_IN_PIECES],
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
    "a large body takes many reads: skip it as it comes (and send the answer even before all of it is read), never wait for it whole in one recv",
    [CONTENT_LENGTH, HEAD_IN_PIECES],
    (host) => ({
      text: request("POST", "/large", {
        host,
        body: "x".repeat(LARGE_BODY_BYTES),
      }),
      path: "/large",
    }),
    "/after-large",
  ),
  {
    name: "expect-100-continue",
    group: "bodies",
    title: `POST with Expect: 100-continue gets 100 (or its answer) within ${
      seconds(CONTINUE_MS)
    }, before the body is sent`,
    expected: `100 Continue (or the answer) within ${
      seconds(CONTINUE_MS)
    }, then 200 "hello, /expect", then 200 "hello, /after-expect"`,
    hint:
      "a client that sends Expect: 100-continue holds its body back: once the head is read, send HTTP/1.1 100 Continue and a blank line (or the answer), then skip the body when it comes",
    needs: ["bodies.body-in-pieces"],
    timeoutMs: CHECK_MS,
    run: expectContinue,
  },
];
