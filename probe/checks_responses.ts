/**
 * Group `responses`: the brief's rule that a server "should under no
 * reasonable circumstances fail to return a proper HTTP response". Each
 * class of bad input gets a complete 4xx or 5xx answer (bytes that are not
 * HTTP at all may be closed on instead); unusual but valid requests are
 * answered `hello, <path>`; and after all of it the server still serves.
 *
 * @module
 */

import {
  BAD_INPUT_CLASSES,
  type BadInput,
  type BadInputClass,
  badInputs,
  unusualInputs,
} from "./bad_inputs.ts";
import type { CaseVerdict, Check, CheckContext, Verdict } from "./check.ts";
import { PLAIN_GET } from "./checks_hello.ts";
import { HEAD_IN_PIECES } from "./checks_framing.ts";
import {
  ANSWER_MS,
  CHECK_MS,
  helloDifference,
  helloSequence,
  notHttp,
  saysHello,
} from "./judge.ts";
import { raceTimeout } from "./kit.ts";
import { caseSent, casesGot, casesSent } from "./messages.ts";
import type { Exchange } from "./probe_conn.ts";
import { describeExchange, describeRequest, get } from "./requests.ts";

/** How long one bad input may take to be answered. */
const CASE_MS = ANSWER_MS;

/** True when `exchange` is a proper refusal: a whole 4xx or 5xx answer (or, where allowed, a clean close). */
function refused(exchange: Exchange, closeAllowed: boolean): boolean {
  const first = exchange.finals[0];
  if (first) return first.status >= 400 && first.status <= 599;
  return closeAllowed && exchange.stop === "closed" &&
    exchange.rest.length === 0 &&
    exchange.interim.length === 0;
}

/**
 * Sends one input on a new connection and reads one answer, writing and
 * reading at once; with the command that sends it again, made only for a
 * failure (a 1 MiB head's takes a tenth of a CPU second).
 */
async function tryInput(
  context: CheckContext,
  text: string,
): Promise<{ exchange: Exchange; command: () => string }> {
  const conn = await context.connect();
  context.sent = describeRequest(text);
  const writing = conn.write(text);
  const exchange = await conn.readAnswers(1, { withinMs: CASE_MS });
  await raceTimeout(writing, 100);
  conn.close();
  return {
    exchange,
    command: () => context.command(conn, notHttp(exchange)),
  };
}

/** A check's verdict from its cases: passes when all do; the first failure speaks for it, naming the others. */
function fromCases(cases: CaseVerdict[], allPassed: string): Verdict {
  const failed = cases.filter((c) => !c.pass);
  const first = failed[0];
  if (first === undefined) {
    return {
      pass: true,
      sent: casesSent(cases.map((c) => c.name)),
      got: allPassed,
      cases,
    };
  }
  return {
    pass: false,
    sent: caseSent(first.name, first.sent),
    expected: first.expected,
    got: casesGot(
      first.got,
      failed.slice(1).map((c) => c.name),
      cases.length,
    ),
    ...(first.difference ? { difference: first.difference } : {}),
    ...(first.command ? { command: first.command } : {}),
    cases,
  };
}

async function refusals(
  context: CheckContext,
  inputs: BadInput[],
): Promise<Verdict> {
  const cases: CaseVerdict[] = [];
  for (const input of inputs) {
    const { exchange, command } = await tryInput(context, input.request);
    const pass = refused(exchange, input.closeAllowed);
    // Bytes that are not HTTP, against a status line.
    const difference = pass ? undefined : helloDifference(exchange, []);
    cases.push({
      name: input.name,
      pass,
      sent: describeRequest(input.request),
      expected: `a complete 4xx or 5xx response${
        input.closeAllowed ? ", or a close" : ""
      }: ${input.why}`,
      got: describeExchange(exchange),
      ...(pass ? {} : { command: command() }),
      ...(difference ? { difference } : {}),
    });
  }
  return fromCases(cases, "each refused with a complete 4xx/5xx answer");
}

/** The id of the plainest bad input's check, which the finer ones need. */
const BAD_REQUEST_LINE = "responses.bad-request-line";

const CLASS_TITLES: Record<BadInputClass, string> = {
  "request-line": "malformed request lines",
  header: "malformed header fields",
  framing: "bad body framing (Content-Length, chunk sizes)",
  oversized: "a 1 MiB request head",
  garbage: "bytes that are not HTTP",
};

/** What each class needs, and what usually causes its failure. */
const CLASS_NEEDS: Record<
  BadInputClass,
  { needs: string[]; hint: string }
> = {
  "request-line": {
    needs: [PLAIN_GET],
    hint:
      "a request line that is not METHOD TARGET HTTP/1.x must get an error answer such as 400 Bad Request, a whole response: catch the parse error and answer it, never close without a word",
  },
  header: {
    needs: [BAD_REQUEST_LINE],
    hint:
      "a field line without a colon, or with a space before its colon, must get 400 Bad Request (RFC 9112 section 5.1)",
  },
  framing: {
    needs: [BAD_REQUEST_LINE, "bodies.chunked"],
    hint:
      "a Content-Length that is not one number, or a chunk size that is not hex, must get 400 Bad Request: where the body ends cannot be known (RFC 9112 sections 6.3 and 7.1)",
  },
  oversized: {
    needs: [BAD_REQUEST_LINE, HEAD_IN_PIECES],
    hint:
      "a head that never ends must not be gathered without end: answer 431 Request Header Fields Too Large once it passes a limit of your own (64 KiB, say)",
  },
  garbage: {
    needs: [PLAIN_GET],
    hint:
      "bytes that are not HTTP get 400 Bad Request or a close: does the server answer something whole, or close, rather than hang or answer 200?",
  },
};

function classCheck(badClass: BadInputClass): Check {
  const inputs = badInputs().filter((input) => input.class === badClass);
  const closeAllowed = inputs.every((input) => input.closeAllowed);
  return {
    name: `bad-${badClass}`,
    group: "responses",
    title: `${
      CLASS_TITLES[badClass]
    } (${inputs.length}) each get a complete 4xx/5xx answer${
      closeAllowed ? " (or a close)" : ""
    }`,
    expected: `a complete HTTP/1.x response with a 4xx or 5xx status${
      closeAllowed ? ", or a clean close" : ""
    }`,
    ...CLASS_NEEDS[badClass],
    timeoutMs: inputs.length * (CASE_MS + 500) + CHECK_MS,
    run: (context) => refusals(context, inputs),
  };
}

async function unusual(context: CheckContext): Promise<Verdict> {
  const cases: CaseVerdict[] = [];
  for (const input of unusualInputs()) {
    const { exchange, command } = await tryInput(context, input.request);
    const pass = saysHello(exchange, [input.path]);
    const difference = pass
      ? undefined
      : helloDifference(exchange, [input.path]);
    cases.push({
      name: input.name,
      pass,
      sent: describeRequest(input.request),
      expected: `200 "hello, ${
        input.path.length > 30 ? input.path.slice(0, 30) + "..." : input.path
      }"`,
      got: describeExchange(exchange),
      ...(pass ? {} : { command: command() }),
      ...(difference ? { difference } : {}),
    });
  }
  return fromCases(cases, "each answered hello");
}

/** The checks of group `responses`, in order. */
export const RESPONSE_CHECKS: readonly Check[] = [
  ...BAD_INPUT_CLASSES.map(classCheck),
  {
    name: "unusual-but-valid",
    group: "responses",
    title:
      "non-ASCII in a field value, 100 fields, an 8,000-byte path, a 4 KiB field: each answered hello",
    expected: '200 "hello, <path>" for each',
    hint:
      "valid requests can be unusual: bytes above 127 in a field value, 100 fields, an 8,000-byte path, a 4 KiB field; read the head as latin-1 bytes, with limits well above these",
    needs: [PLAIN_GET],
    timeoutMs: 4 * (CASE_MS + 500) + CHECK_MS,
    run: unusual,
  },
  {
    name: "still-serving",
    group: "responses",
    title:
      'after all that, GET /still-serving answers 200 "hello, /still-serving"',
    expected: '200 "hello, /still-serving"',
    hint:
      "after the bad requests the server no longer answers: did an exception in one connection end the whole server (catch it per connection, and answer 500)?",
    needs: [PLAIN_GET],
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [{
        text: get("/still-serving", context.host),
        paths: ["/still-serving"],
      }]),
  },
];
