/**
 * The bad-request corpus and the valid edge cases, each sent whole to the
 * engine (then again under every split by `checkInput`): the status, the
 * close, and the general properties must all hold.
 */

import assert from "node:assert/strict";
import { handleConnection } from "../handler.ts";
import { BAD_REQUESTS, VALID_EDGE_CASES } from "../robustness/corpus.ts";
import { checkInput } from "../robustness/properties.ts";
import {
  headerValue,
  parseResponseStream,
  saysClose,
} from "../testing/response_parser.ts";
import { fromLatin1 } from "../testing/bytes.ts";
import { runSession, type SessionHandler } from "../testing/session.ts";

const handler = handleConnection as SessionHandler;

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

for (const badCase of BAD_REQUESTS) {
  Deno.test(`handleConnection answers ${badCase.name} with ${badCase.status}${badCase.close ? " and closes" : ""}`, async () => {
    const { responses, closedAfterLast } = await sendWhole(badCase.request);
    assert.deepEqual(responses.map((r) => r.status), [
      ...(badCase.before ?? []),
      badCase.status,
    ]);
    const last = responses.at(-1)!;
    if (badCase.head) assert.ok(last.bodiless, "no body in an answer to HEAD");
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
      await checkInput(handler, fromLatin1(badCase.request), undefined, 1),
      undefined,
    );
  });
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
      assert.equal(new TextDecoder().decode(finals[i].body), body);
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
