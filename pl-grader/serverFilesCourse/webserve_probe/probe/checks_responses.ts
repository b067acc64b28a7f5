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
import { ANSWER_MS, CHECK_MS, helloSequence, saysHello } from "./judge.ts";
import { raceTimeout } from "./kit.ts";
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

/** Sends one input on a new connection and reads one answer, writing and reading at once. */
async function tryInput(
  context: CheckContext,
  text: string,
): Promise<Exchange> {
  const conn = await context.connect();
  context.sent = describeRequest(text);
  const writing = conn.write(text);
  const exchange = await conn.readAnswers(1, { withinMs: CASE_MS });
  await raceTimeout(writing, 100);
  conn.close();
  return exchange;
}

/** A check's verdict from its cases: passes when all do; `got` names the failures. */
function fromCases(cases: CaseVerdict[], allPassed: string): Verdict {
  const failed = cases.filter((c) => !c.pass);
  const first = failed[0];
  return {
    pass: failed.length === 0,
    sent: first
      ? `${first.name}: ${first.sent}`
      : `${cases.length} requests: ${cases.map((c) => c.name).join(", ")}`,
    got: first
      ? `${first.got}${
        failed.length > 1
          ? ` (and ${failed.length - 1} more of ${cases.length} failed: ${
            failed.slice(1).map((c) => c.name).join(", ")
          })`
          : ""
      }`
      : allPassed,
    cases,
  };
}

async function refusals(
  context: CheckContext,
  inputs: BadInput[],
): Promise<Verdict> {
  const cases: CaseVerdict[] = [];
  for (const input of inputs) {
    const exchange = await tryInput(context, input.request);
    cases.push({
      name: input.name,
      pass: refused(exchange, input.closeAllowed),
      sent: describeRequest(input.request),
      expected: `a complete 4xx or 5xx response${
        input.closeAllowed ? ", or a close" : ""
      }: ${input.why}`,
      got: describeExchange(exchange),
    });
  }
  return fromCases(cases, "each refused with a complete 4xx/5xx answer");
}

const CLASS_TITLES: Record<BadInputClass, string> = {
  "request-line": "malformed request lines",
  header: "malformed header fields",
  framing: "bad body framing (Content-Length, chunk sizes)",
  oversized: "a 1 MiB request head",
  garbage: "bytes that are not HTTP",
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
    timeoutMs: inputs.length * (CASE_MS + 500) + CHECK_MS,
    run: (context) => refusals(context, inputs),
  };
}

async function unusual(context: CheckContext): Promise<Verdict> {
  const cases: CaseVerdict[] = [];
  for (const input of unusualInputs()) {
    const exchange = await tryInput(context, input.request);
    cases.push({
      name: input.name,
      pass: saysHello(exchange, [input.path]),
      sent: describeRequest(input.request),
      expected: `200 "hello, ${
        input.path.length > 30 ? input.path.slice(0, 30) + "..." : input.path
      }"`,
      got: describeExchange(exchange),
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
    timeoutMs: 4 * (CASE_MS + 500) + CHECK_MS,
    run: unusual,
  },
  {
    name: "still-serving",
    group: "responses",
    title:
      'after all that, GET /still-serving answers 200 "hello, /still-serving"',
    expected: '200 "hello, /still-serving"',
    timeoutMs: CHECK_MS,
    run: (context) =>
      helloSequence(context, [{
        text: get("/still-serving", context.host),
        paths: ["/still-serving"],
      }]),
  },
];
