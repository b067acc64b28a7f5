/**
 * Group `methods`: HTTP's rules for methods beyond the brief's GET and POST.
 * RFC 9110 section 9.1 asks every general-purpose server to support HEAD
 * as well as GET; section 9.3.2 says HEAD is answered as GET would be, with
 * the head alone. The brief does not ask for it, so it stands apart from
 * `hello` and its points (`docs/probe-checks.md`).
 *
 * @module
 */

import type { Check, CheckContext, Verdict } from "./check.ts";
import { ask, CHECK_MS } from "./judge.ts";
import { latin1 } from "./kit.ts";
import { differsAt, moreBytes, quote } from "./messages.ts";
import { describeExchange, describeRequest, request } from "./requests.ts";
import { PLAIN_GET } from "./checks_hello.ts";

/** How long the HEAD check waits for a body that should not come. */
const NO_BODY_WAIT_MS = 300;

/** HEAD: a 200 head, and not one byte of body after it. */
async function head(context: CheckContext): Promise<Verdict> {
  const text = request("HEAD", "/some/random/url", { host: context.host });
  const conn = await context.connect();
  const exchange = await ask(context, conn, text, 1, [true]);
  const sent = describeRequest(text);
  const got = describeExchange(exchange);
  const answer = exchange.finals[0];
  if (exchange.stop !== undefined || answer.status !== 200) {
    return { pass: false, sent, got, command: context.command(conn) };
  }
  // What is left after the head (already read, or still coming), counted once.
  const extra = latin1(await conn.bytesWithin(NO_BODY_WAIT_MS));
  if (extra.length === 0) return { pass: true, sent, got };
  return {
    pass: false,
    sent,
    got: moreBytes(got, extra.length, quote(extra, 40), "head"),
    // Every head ends in CRLF CRLF: the body's first bytes come right after.
    difference: differsAt(
      answer.end,
      "answer",
      "\r\n\r\n",
      "",
      extra.slice(0, 12),
    ),
    command: context.command(conn),
  };
}

/** The checks of group `methods`, in order. */
export const METHOD_CHECKS: readonly Check[] = [
  {
    name: "head",
    group: "methods",
    title: "HEAD /some/random/url answers 200 with the head alone, no body",
    expected: "200, the head alone (RFC 9110 sections 9.1 and 9.3.2)",
    hint:
      "RFC 9110 asks every server to answer HEAD as it would GET, with the same status and header fields (Content-Length too) but not one byte of body",
    needs: [PLAIN_GET],
    timeoutMs: CHECK_MS,
    run: head,
  },
];
