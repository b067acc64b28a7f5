import assert from "node:assert/strict";
import { parseAnswers } from "./answers.ts";
import { fromLatin1, latin1 } from "./kit.ts";

const OK = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nhello, /";

Deno.test("parseAnswers reads back-to-back responses framed by length", () => {
  const parsed = parseAnswers(fromLatin1(OK + OK));
  assert.equal(parsed.error, undefined);
  assert.equal(parsed.answers.length, 2);
  assert.equal(latin1(parsed.answers[1].body), "hello, /");
  assert.equal(parsed.end, OK.length * 2);
});

Deno.test("parseAnswers takes an HTTP/1.0 status line and says so", () => {
  const parsed = parseAnswers(
    fromLatin1(OK.replace("HTTP/1.1", "HTTP/1.0") + OK),
  );
  assert.equal(parsed.error, undefined);
  assert.deepEqual(parsed.answers.map((a) => a.version), [
    "HTTP/1.0",
    "HTTP/1.1",
  ]);
});

Deno.test("parseAnswers takes a body that runs to the close only once the connection has ended", () => {
  const bytes = fromLatin1(
    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello, /x",
  );
  const open = parseAnswers(bytes);
  assert.equal(open.answers.length, 0);
  assert.match(open.partial ?? "", /until the close/);
  const ended = parseAnswers(bytes, { ended: true });
  assert.equal(ended.error, undefined);
  assert.equal(latin1(ended.answers[0].body), "hello, /x");
  assert.equal(ended.answers[0].closeDelimited, true);
});

Deno.test("parseAnswers calls bytes that cannot start a status line not HTTP at once", () => {
  const parsed = parseAnswers(fromLatin1("hello, /"));
  assert.match(parsed.error ?? "", /^not an HTTP response: "hello, \/"/);
  const after = parseAnswers(fromLatin1(OK + "hello"));
  assert.equal(after.answers.length, 1);
  assert.match(after.error ?? "", /not an HTTP response/);
});

Deno.test("parseAnswers waits on a response still arriving", () => {
  for (const cut of [3, 12, OK.length - 3]) {
    const parsed = parseAnswers(fromLatin1(OK.slice(0, cut)));
    assert.equal(parsed.error, undefined, `cut at ${cut}`);
    assert.match(parsed.partial ?? "", /truncated/);
  }
});

Deno.test("parseAnswers reads an answer to HEAD without its body, so a body sent anyway is left over", () => {
  const parsed = parseAnswers(fromLatin1(OK), { isHead: () => true });
  assert.equal(parsed.answers[0].bodiless, true);
  assert.equal(parsed.end, OK.length - 8);
  assert.match(
    parseAnswers(fromLatin1(OK), { isHead: () => true }).error ?? "",
    /not an HTTP response: "hello, \/"/,
  );
});

Deno.test("parseAnswers keeps the strict parser's other complaints", () => {
  const parsed = parseAnswers(
    fromLatin1(
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
    ),
  );
  assert.match(parsed.error ?? "", /Content-Length/);
});
