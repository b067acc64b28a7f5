/**
 * The bad-request corpus and the valid edge cases, each sent whole to the
 * engine (then again under every split by `checkInput`): the status, the
 * reason, the close, and the general properties must all hold. Each bad
 * request is also sent after a good one, which must be answered first.
 */

import assert from "node:assert/strict";
import { handleConnection } from "../handler.ts";
import { STATUS_TEXT } from "../http/status.ts";
import {
  BAD_REQUESTS,
  type BadRequestCase,
  VALID_EDGE_CASES,
} from "../wire/corpus.ts";
import { checkInput } from "../robustness/properties.ts";
import { fromLatin1 } from "../wire/bytes.ts";
import {
  bodyText,
  headerValue,
  type ParsedResponse,
  parseResponseStream,
  saysClose,
} from "../wire/response_parser.ts";
import { runSession, type SessionHandler } from "../testing/session.ts";

const handler = handleConnection as SessionHandler;

/** A request the engine answers `hello, /first`, keeping the connection. */
const GOOD = "GET /first HTTP/1.1\r\nHost: a\r\n\r\n";

/** Sends `request` whole; returns the parsed responses and whether the call that wrote the last one returned close. */
async function sendWhole(request: string, isHead?: (i: number) => boolean) {
  const session = await runSession(handler, [fromLatin1(request)]);
  const parsed = parseResponseStream(session.output, isHead ? { isHead } : {});
  assert.equal(parsed.error, undefined, `output parses: ${parsed.error}`);
  const last = parsed.responses.at(-1);
  const lastCall = session.calls.findIndex((c) =>
    last !== undefined && c.outputEnd >= last.end
  );
  return {
    responses: parsed.responses,
    closedAfterLast: session.calls[lastCall]?.close ?? false,
  };
}

/**
 * Asserts that `response` gives the case's reason as the engine's error body
 * does, `<status> <status text>: <reason>\n`; an answer to HEAD has no body,
 * so there its Content-Length must be that body's.
 */
function assertReason(response: ParsedResponse, badCase: BadRequestCase) {
  const body = `${badCase.status} ${
    STATUS_TEXT[badCase.status]
  }: ${badCase.reason}\n`;
  if (badCase.head) {
    assert.ok(response.bodiless, "no body in an answer to HEAD");
    assert.equal(
      Number(headerValue(response, "content-length")),
      new TextEncoder().encode(body).length,
      `Content-Length of ${JSON.stringify(body)}`,
    );
  } else {
    assert.equal(bodyText(response), body, "the reason in the body");
  }
}

/** Sends `prefix` (good requests) then the case; checks every answer, the reason and the close, then every split. */
async function checkBadCase(
  badCase: BadRequestCase,
  prefix = "",
): Promise<void> {
  const good = prefix === "" ? [] : [200];
  const before = [...good, ...(badCase.before ?? [])];
  const request = prefix + badCase.request;
  const { responses, closedAfterLast } = await sendWhole(
    request,
    (i) => badCase.head === true && i === before.length,
  );
  assert.deepEqual(responses.map((r) => r.status), [
    ...before,
    badCase.status,
  ]);
  if (prefix !== "") assert.equal(bodyText(responses[0]), "hello, /first");
  const last = responses.at(-1)!;
  assertReason(last, badCase);
  assert.equal(
    saysClose(last),
    badCase.close,
    "Connection: close on the last response",
  );
  assert.equal(
    closedAfterLast,
    badCase.close,
    "the call that wrote it returned close",
  );
  assert.equal(
    await checkInput(handler, fromLatin1(request), undefined, 1),
    undefined,
  );
}

for (const badCase of BAD_REQUESTS) {
  Deno.test(`handleConnection answers ${badCase.name} with ${badCase.status}${badCase.close ? " and closes" : ""}`, () =>
    checkBadCase(badCase));
  Deno.test(`handleConnection answers a good request, then ${badCase.name} with ${badCase.status}`, () =>
    checkBadCase(badCase, GOOD));
}

for (const edge of VALID_EDGE_CASES) {
  Deno.test(`handleConnection serves ${edge.name}`, async () => {
    const { responses, closedAfterLast } = await sendWhole(
      edge.request,
      () => edge.head ?? false,
    );
    const finals = responses.filter((r) => r.status !== 100);
    assert.deepEqual(finals.map((r) => r.status), edge.paths.map(() => 200));
    for (const [i, path] of edge.paths.entries()) {
      const body = edge.head ? "" : `hello, ${path}`;
      assert.equal(bodyText(finals[i]), body);
      assert.equal(
        Number(headerValue(finals[i], "content-length")),
        new TextEncoder().encode(`hello, ${path}`).length,
      );
    }
    assert.equal(closedAfterLast, edge.close, "close after the last answer");
    if (edge.header) {
      assert.equal(
        headerValue(finals.at(-1)!, edge.header[0])?.toLowerCase(),
        edge.header[1],
      );
    }
    const expected = edge.paths.map((path) => ({
      path,
      head: edge.head ?? false,
    }));
    assert.equal(
      await checkInput(handler, fromLatin1(edge.request), expected, 1),
      undefined,
    );
  });
}
