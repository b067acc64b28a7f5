/**
 * Group `hello`: what the brief asks in its first sentences. GET and POST to
 * any path are answered `200` with exactly `hello, <path>`; the query string
 * and the body are read and ignored. `get-root` is the prerequisite of every
 * other check of a server: nothing else can be judged without a plain GET
 * answered.
 *
 * @module
 */

import type { Check, CheckContext, Verdict } from "./check.ts";
import {
  ask,
  brokenAnswerHint,
  CHECK_MS,
  hello,
  helloSequence,
  saysHello,
  verdictOf,
} from "./judge.ts";
import { describeRequest, get, request } from "./requests.ts";

/** The id of the check every other check of a server needs. */
export const PLAIN_GET = "hello.get-root";

/** A GET of `path`, answered hello. */
function getCheck(
  name: string,
  path: string,
  title: string,
  hint: string,
): Check {
  return {
    name,
    group: "hello",
    title,
    expected: `200 ${JSON.stringify(hello(path))}`,
    hint,
    ...(name === "get-root" ? {} : { needs: [PLAIN_GET] }),
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [{
        text: get(path, context.host),
        paths: [path],
      }]),
  };
}

/** A plain GET, with a hint from what came back when it is no answer at all. */
async function plainGet(context: CheckContext): Promise<Verdict> {
  const conn = await context.connect();
  const text = get("/", context.host);
  const exchange = await ask(context, conn, text);
  const verdict = verdictOf(context, conn, [
    { sent: describeRequest(text), exchange, paths: ["/"] },
  ]);
  const hint = brokenAnswerHint(exchange);
  return !verdict.pass && hint ? { ...verdict, hint } : verdict;
}

/** A percent-encoded path is answered as sent; its decoded form is accepted too. */
async function percentEncoded(context: CheckContext): Promise<Verdict> {
  const path = "/a%20b/%7Euser";
  const decoded = decodeURIComponent(path);
  const conn = await context.connect();
  const text = get(path, context.host);
  const exchange = await ask(context, conn, text);
  return verdictOf(context, conn, [{
    sent: describeRequest(text),
    exchange,
    paths: [saysHello(exchange, [decoded]) ? decoded : path],
  }]);
}

/** The checks of group `hello`, in order. */
export const HELLO_CHECKS: readonly Check[] = [
  {
    ...getCheck(
      "get-root",
      "/",
      'GET / answers 200 "hello, /"',
      "a plain GET is answered 200 with hello and the path it asked for, exactly: take the path from the request line, and count the body's bytes in Content-Length",
    ),
    run: plainGet,
  },
  getCheck(
    "get-nested",
    "/some/random/url",
    'GET /some/random/url answers 200 "hello, /some/random/url"',
    "the answer names the path asked for: take it from the request line, the second of its three words",
  ),
  {
    name: "get-percent-encoded",
    group: "hello",
    title:
      'GET /a%20b/%7Euser answers "hello, /a%20b/%7Euser" (as sent, or decoded)',
    expected: '200 "hello, /a%20b/%7Euser" (or "hello, /a b/~user")',
    hint:
      "a path may hold percent-encoded bytes such as %20: answer it as it was sent (or decoded), never refuse it",
    needs: [PLAIN_GET],
    timeoutMs: CHECK_MS,
    run: percentEncoded,
  },
  {
    name: "post",
    group: "hello",
    title:
      'POST /process_form with a form body answers 200 "hello, /process_form"',
    expected: '200 "hello, /process_form"',
    hint:
      "POST is answered as GET is, hello and its path: does the server answer POST, and read its body (Content-Length bytes after the head) before it answers?",
    needs: [PLAIN_GET],
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
    hint:
      "the query string (from the ? on) is part of the request target, not of the path: cut it off before answering hello, <path>",
    needs: [PLAIN_GET],
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [{
        text: get("/search?q=hello&page=2", context.host),
        paths: ["/search"],
      }]),
  },
];
