import assert from "node:assert/strict";
import { fromLatin1 } from "./bytes.ts";
import {
  bodyText,
  headerValue,
  parseResponse,
  parseResponseStream,
  readResponses,
} from "./response_parser.ts";

const OK =
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 9\r\n\r\nhello, /a";

Deno.test("parseResponseStream reads back-to-back responses, interim ones included", () => {
  const stream = "HTTP/1.1 100 Continue\r\n\r\n" + OK + OK;
  const { responses, error } = parseResponseStream(fromLatin1(stream));
  assert.equal(error, undefined);
  assert.deepEqual(responses.map((r) => r.status), [100, 200, 200]);
  assert.equal(bodyText(responses[2]), "hello, /a");
  assert.equal(headerValue(responses[1], "content-type"), "text/plain");
  assert.equal(responses[2].end, stream.length);
});

Deno.test("parseResponse tells a truncated response from a malformed one", () => {
  for (const cut of [10, OK.indexOf("\r\n\r\n") + 4, OK.length - 1]) {
    const parsed = parseResponse(fromLatin1(OK.slice(0, cut)));
    assert.ok("error" in parsed && parsed.truncated, `cut at ${cut}`);
  }
  const noLength = parseResponse(
    fromLatin1(OK.replace("Content-Length: 9\r\n", "")),
  );
  assert.ok("error" in noLength && !noLength.truncated, "no Content-Length");
  const noDate = parseResponse(fromLatin1(OK.replace(/Date: [^\r]*\r\n/, "")));
  assert.ok("error" in noDate && /lacks date/.test(noDate.error));
  const head = parseResponse(fromLatin1(OK.slice(0, -9)), true);
  assert.ok(!("error" in head) && head.bodiless, "an answer to HEAD");
});

Deno.test("readResponses throws on output that does not parse", () => {
  assert.equal(readResponses(OK + OK).length, 2);
  assert.throws(() => readResponses(OK + "junk"), /does not parse/);
  assert.throws(() => readResponses(OK.slice(0, -1)), /truncated body/);
});
