/**
 * Group `framing`: HTTP/1.1 as real clients send it. A head split over
 * several writes, keep-alive, pipelining, `Connection: close`, HTTP/1.0,
 * `Expect: 100-continue`, and a request exactly as Firefox sends it.
 *
 * @module
 */

import type { Check, CheckContext, Verdict } from "./check.ts";
import {
  ANSWER_MS,
  ask,
  CHECK_MS,
  helloSequence,
  saysHello,
  verdictOf,
} from "./judge.ts";
import { delay, latin1 } from "./kit.ts";
import type { Exchange } from "./probe_conn.ts";
import {
  describeExchange,
  describeRequest,
  firefoxFavicon,
  firefoxPage,
  get,
  request,
  seconds,
} from "./requests.ts";

/** The pause between the writes of a split head: long enough that each write is its own read. */
const SPLIT_PAUSE_MS = 150;

/** How long a server may take to close after an answer that says it will. */
const CLOSE_MS = 2000;

/** How long a client waits for `100 Continue` before it sends the body anyway (curl waits 1 s). */
const CONTINUE_MS = 1000;

/** Sends `pieces` with pauses between them and expects `hello, path`. */
async function splitHead(
  context: CheckContext,
  pieces: string[],
  path: string,
): Promise<Verdict> {
  const conn = await context.connect();
  const whole = pieces.join("");
  context.sent = describeRequest(whole);
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) await delay(SPLIT_PAUSE_MS);
    await conn.write(piece);
  }
  const exchange = await conn.readAnswers(1, { withinMs: ANSWER_MS });
  return {
    pass: saysHello(exchange, [path]),
    sent: `${
      describeRequest(whole)
    } in ${pieces.length} writes ${SPLIT_PAUSE_MS} ms apart`,
    got: describeExchange(exchange),
  };
}

/** Sends `text`, expects `hello, path`, then the server's close with nothing more. */
async function answeredThenClosed(
  context: CheckContext,
  text: string,
  path: string,
): Promise<Verdict> {
  const conn = await context.connect();
  const exchange = await ask(context, conn, text);
  let pass = saysHello(exchange, [path]);
  let got = describeExchange(exchange);
  if (pass) {
    const started = performance.now();
    const end = await conn.readToEnd(CLOSE_MS);
    const extra = latin1(exchange.rest) + latin1(end.bytes);
    if (extra.length > 0) {
      pass = false;
      got += `; then ${extra.length} more bytes: ${
        JSON.stringify(extra.slice(0, 40))
      }`;
    } else if (end.end === "timeout") {
      pass = false;
      got += `; the connection was still open ${seconds(CLOSE_MS)} later`;
    } else {
      got += `; then the server closed (after ${
        seconds(performance.now() - started)
      })`;
    }
  }
  return { pass, sent: describeRequest(text), got };
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
      sent: `${describeRequest(head)} (the head alone)`,
      got: `${
        describeExchange(early)
      }: no 100 Continue, so a client such as curl stalls`,
    };
  }
  await conn.write(body);
  const final = answeredEarly
    ? early
    : await conn.readAnswers(1, { withinMs: ANSWER_MS });
  const steps: { sent: string; exchange: Exchange; pass: boolean }[] = [{
    sent: `${describeRequest(head)}, then (${
      answeredEarly ? "after its answer" : "after 100"
    }) the body`,
    exchange: final,
    pass: saysHello(final, ["/expect"]),
  }];
  if (steps[0].pass) {
    const next = get("/after-expect", context.host);
    const answer = await ask(context, conn, next);
    steps.push({
      sent: describeRequest(next),
      exchange: answer,
      pass: saysHello(answer, ["/after-expect"]),
    });
  }
  return verdictOf(steps);
}

/** The checks of group `framing`, in order. */
export const FRAMING_CHECKS: readonly Check[] = [
  {
    name: "keep-alive",
    group: "framing",
    title: "GET /first, then GET /second on the same connection",
    expected: '200 "hello, /first", then 200 "hello, /second"',
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [
        { text: get("/first", context.host), paths: ["/first"] },
        { text: get("/second", context.host), paths: ["/second"] },
      ]),
  },
  {
    name: "head-in-two-writes",
    group: "framing",
    title:
      "a head split inside its request line, sent in two writes 150 ms apart",
    expected: '200 "hello, /split/two"',
    timeoutMs: CHECK_MS,
    run: (context) => {
      const text = get("/split/two", context.host);
      return splitHead(
        context,
        [text.slice(0, 11), text.slice(11)],
        "/split/two",
      );
    },
  },
  {
    name: "head-in-three-writes",
    group: "framing",
    title:
      "a head split inside a field name and inside its final CRLF CRLF, three writes",
    expected: '200 "hello, /split/three"',
    timeoutMs: CHECK_MS,
    run: (context) => {
      const text = get("/split/three", context.host, ["User-Agent: probe"]);
      const inHost = text.indexOf("Host") + 2;
      return splitHead(
        context,
        [text.slice(0, inHost), text.slice(inHost, -1), text.slice(-1)],
        "/split/three",
      );
    },
  },
  {
    name: "pipelined",
    group: "framing",
    title: "GET /1, /2 and /3 in one write, answered in order",
    expected: '200 "hello, /1", "hello, /2", "hello, /3", in that order',
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [{
        text: ["/1", "/2", "/3"].map((p) => get(p, context.host)).join(""),
        paths: ["/1", "/2", "/3"],
      }]),
  },
  {
    name: "connection-close",
    group: "framing",
    title:
      "GET /close with Connection: close is answered, then the server closes",
    expected: '200 "hello, /close", then the close, nothing more',
    timeoutMs: CHECK_MS,
    run: (context) =>
      answeredThenClosed(
        context,
        get("/close", context.host, ["Connection: close"]),
        "/close",
      ),
  },
  {
    name: "http-1.0",
    group: "framing",
    title:
      "GET /ten HTTP/1.0 (no Host, no keep-alive) is answered, then the server closes",
    expected: '200 "hello, /ten", then the close',
    timeoutMs: CHECK_MS,
    run: (context) =>
      answeredThenClosed(
        context,
        request("GET", "/ten", { host: false, version: "HTTP/1.0" }),
        "/ten",
      ),
  },
  {
    name: "expect-100-continue",
    group: "framing",
    title:
      "POST with Expect: 100-continue gets 100 (or its answer) before the body is sent",
    expected: `100 Continue (or the answer) within ${
      seconds(CONTINUE_MS)
    }, then 200 "hello, /expect", then 200 "hello, /after-expect"`,
    timeoutMs: CHECK_MS,
    run: expectContinue,
  },
  {
    name: "firefox",
    group: "framing",
    title:
      "Firefox's request for a page, then its favicon request on the same connection",
    expected: '200 "hello, /", then 200 "hello, /favicon.ico"',
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [
        { text: firefoxPage(context.host), paths: ["/"] },
        { text: firefoxFavicon(context.host), paths: ["/favicon.ico"] },
      ]),
  },
];
