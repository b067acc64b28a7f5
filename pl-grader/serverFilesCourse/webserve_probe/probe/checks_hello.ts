/**
 * Group `hello`: GET and POST are answered `200` with exactly
 * `hello, <path>`; the query string is ignored; HEAD gets no body.
 *
 * @module
 */

import type { Check, CheckContext, Verdict } from "./check.ts";
import { ask, CHECK_MS, hello, helloSequence, saysHello } from "./judge.ts";
import { latin1 } from "./kit.ts";
import { describeExchange, describeRequest, get, request } from "./requests.ts";

/** How long the HEAD check waits for a body that should not come. */
const NO_BODY_WAIT_MS = 300;

function getCheck(name: string, path: string, title: string): Check {
  return {
    name,
    group: "hello",
    title,
    expected: `200 ${JSON.stringify(hello(path))}`,
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [{
        text: get(path, context.host),
        paths: [path],
      }]),
  };
}

/** A percent-encoded path is answered as sent; its decoded form is accepted too. */
async function percentEncoded(context: CheckContext): Promise<Verdict> {
  const path = "/a%20b/%7Euser";
  const conn = await context.connect();
  const text = get(path, context.host);
  const exchange = await ask(context, conn, text);
  const pass = saysHello(exchange, [path]) ||
    saysHello(exchange, [decodeURIComponent(path)]);
  return { pass, sent: describeRequest(text), got: describeExchange(exchange) };
}

/** HEAD: a 200 head, and not one byte of body after it. */
async function head(context: CheckContext): Promise<Verdict> {
  const text = request("HEAD", "/some/random/url", { host: context.host });
  const conn = await context.connect();
  const exchange = await ask(context, conn, text, 1, [true]);
  let got = describeExchange(exchange);
  let pass = exchange.stop === undefined && exchange.finals[0].status === 200;
  if (pass) {
    const extra = latin1(exchange.rest) +
      latin1(await conn.bytesWithin(NO_BODY_WAIT_MS));
    if (extra.length > 0) {
      pass = false;
      got += `, then ${extra.length} bytes of body: ${
        JSON.stringify(extra.slice(0, 40))
      }`;
    }
  }
  return { pass, sent: describeRequest(text), got };
}

/** The checks of group `hello`, in order. */
export const HELLO_CHECKS: readonly Check[] = [
  getCheck("get-root", "/", 'GET / answers 200 "hello, /"'),
  getCheck(
    "get-nested",
    "/some/random/url",
    'GET /some/random/url answers 200 "hello, /some/random/url"',
  ),
  {
    name: "get-percent-encoded",
    group: "hello",
    title:
      'GET /a%20b/%7Euser answers "hello, /a%20b/%7Euser" (as sent, or decoded)',
    expected: '200 "hello, /a%20b/%7Euser" (or "hello, /a b/~user")',
    timeoutMs: CHECK_MS,
    run: percentEncoded,
  },
  {
    name: "post",
    group: "hello",
    title:
      'POST /process_form with a form body answers 200 "hello, /process_form"',
    expected: '200 "hello, /process_form"',
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [{
        text: request("POST", "/process_form", {
          host: context.host,
          fields: ["Content-Type: application/x-www-form-urlencoded"],
          body: "firstname=Ada&lastname=Lovelace",
        }),
        paths: ["/process_form"],
      }]),
  },
  {
    name: "query-ignored",
    group: "hello",
    title:
      'GET /search?q=hello&page=2 answers "hello, /search" (the query string ignored)',
    expected: '200 "hello, /search"',
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [{
        text: get("/search?q=hello&page=2", context.host),
        paths: ["/search"],
      }]),
  },
  {
    name: "head",
    group: "hello",
    title: "HEAD /some/random/url answers 200 with no body",
    expected: "200, head only (RFC 9110 section 9.3.2)",
    timeoutMs: CHECK_MS,
    run: head,
  },
];
