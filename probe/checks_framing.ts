/**
 * Group `framing`: HTTP/1.1 as real clients send it, what the brief means by
 * "Firefox can talk to it". Keep-alive, a head split over several writes,
 * pipelining, `Connection: close`, HTTP/1.0, and a request exactly as
 * Firefox sends it.
 *
 * `keep-alive` and `head-in-two-writes` are what much else needs: a second
 * request on a connection, and a request read over several reads.
 *
 * @module
 */

import type { Check, CheckContext, Verdict } from "./check.ts";
import { PLAIN_GET } from "./checks_hello.ts";
import {
  ANSWER_MS,
  ask,
  CHECK_MS,
  hello,
  helloDifference,
  helloSequence,
  notHttp,
  saysHello,
  verdictOf,
} from "./judge.ts";
import { delay, latin1 } from "./kit.ts";
import {
  closedAfter,
  moreBytes,
  quote,
  sentInWrites,
  stillOpen,
} from "./messages.ts";
import {
  describeExchange,
  describeRequest,
  firefoxFavicon,
  firefoxPage,
  get,
  request,
} from "./requests.ts";

/** The id of the check that a second request on one connection needs. */
export const KEEP_ALIVE = "framing.keep-alive";

/** The id of the check that a request read over several reads needs. */
export const HEAD_IN_PIECES = "framing.head-in-two-writes";

/** The pause between the writes of a split head: long enough that each write is its own read. */
export const SPLIT_PAUSE_MS = 150;

/** How long a server may take to close after an answer that says it will. */
const CLOSE_MS = 2000;

/** What usually causes a keep-alive failure in which the server closed. */
const CLOSED_HINT =
  "the connection closed after the first answer: does handle_connection return close_flag true only when the client asked for it (Connection: close, or HTTP/1.0)?";

/** What usually causes a keep-alive failure in which the second request got no answer. */
const SILENT_HINT =
  "the second request on the connection got no answer: after an answer, does the server call handle_connection again with its stuff and read what comes next?";

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
  return verdictOf(context, conn, [{
    sent: sentInWrites(
      describeRequest(whole),
      "head",
      pieces.length,
      SPLIT_PAUSE_MS,
    ),
    exchange,
    paths: [path],
  }]);
}

/** Sends `text`, expects `hello, path`, then the server's close with nothing more. */
async function answeredThenClosed(
  context: CheckContext,
  text: string,
  path: string,
): Promise<Verdict> {
  const conn = await context.connect();
  const exchange = await ask(context, conn, text);
  const sent = describeRequest(text);
  let got = describeExchange(exchange);
  if (!saysHello(exchange, [path])) {
    const difference = helloDifference(exchange, [path]);
    return {
      pass: false,
      sent,
      got,
      command: context.command(conn, notHttp(exchange)),
      ...(difference ? { difference } : {}),
    };
  }
  const started = performance.now();
  // What is left after the answer (already read, or still coming), counted once.
  const end = await conn.readToEnd(CLOSE_MS);
  const extra = latin1(end.bytes);
  let pass = true;
  if (extra.length > 0) {
    pass = false;
    got = moreBytes(got, extra.length, quote(extra, 40), "answer");
  } else if (end.end === "timeout") {
    pass = false;
    got = stillOpen(got, CLOSE_MS);
  } else {
    got = closedAfter(got, performance.now() - started);
  }
  return {
    pass,
    sent,
    got,
    ...(pass ? {} : { command: context.command(conn) }),
  };
}

/** Two GETs on one connection; the hint says whether the server closed or fell silent. */
async function keepAlive(context: CheckContext): Promise<Verdict> {
  const verdict = await helloSequence(context, [
    { text: get("/first", context.host), paths: ["/first"] },
    { text: get("/second", context.host), paths: ["/second"] },
  ]);
  if (verdict.pass || !verdict.got.startsWith(`200 "${hello("/first")}"`)) {
    return verdict;
  }
  return {
    ...verdict,
    hint: /closed|reset/.test(verdict.got) ? CLOSED_HINT : SILENT_HINT,
  };
}

/** The checks of group `framing`, in order. */
export const FRAMING_CHECKS: readonly Check[] = [
  {
    name: "keep-alive",
    group: "framing",
    title: "GET /first, then GET /second on the same connection",
    expected: '200 "hello, /first", then 200 "hello, /second"',
    hint: CLOSED_HINT,
    needs: [PLAIN_GET],
    timeoutMs: CHECK_MS,
    run: keepAlive,
  },
  {
    name: "head-in-two-writes",
    group: "framing",
    title:
      `a head split inside its request line, sent in two writes ${SPLIT_PAUSE_MS} ms apart`,
    expected: '200 "hello, /split/two"',
    hint:
      "a request may come over several reads: keep what each recv gave in stuff, and answer only once the blank line that ends the head has come",
    needs: [PLAIN_GET],
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
    hint:
      "the blank line that ends a head (CRLF CRLF) may itself be split between reads: look for it in all the bytes gathered so far, not in the last read alone",
    needs: [HEAD_IN_PIECES],
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
    hint:
      "one read may hold several requests: answer every whole request in the bytes gathered, in order, and keep the rest for the next call",
    needs: [KEEP_ALIVE],
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
    hint:
      "a request with Connection: close is the connection's last: answer it, then return close_flag true",
    needs: [PLAIN_GET],
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
    hint:
      "HTTP/1.0 needs no Host field and closes after each answer unless it asks for keep-alive (RFC 9112 section 9.3)",
    needs: [PLAIN_GET],
    timeoutMs: CHECK_MS,
    run: (context) =>
      answeredThenClosed(
        context,
        request("GET", "/ten", { host: false, version: "HTTP/1.0" }),
        "/ten",
      ),
  },
  {
    name: "firefox",
    group: "framing",
    title:
      "Firefox's request for a page, then its favicon request on the same connection",
    expected: '200 "hello, /", then 200 "hello, /favicon.ico"',
    hint:
      "Firefox sends a dozen header fields and reuses the connection: are long heads read whole, and is the second request answered?",
    needs: [KEEP_ALIVE],
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [
        { text: firefoxPage(context.host), paths: ["/"] },
        { text: firefoxFavicon(context.host), paths: ["/favicon.ico"] },
      ]),
  },
];
