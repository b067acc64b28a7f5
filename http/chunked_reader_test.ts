import assert from "node:assert/strict";
import { ChunkedReader } from "./chunked_reader.ts";
import { HttpError } from "./http_error.ts";
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `text` to a new reader in pieces of `piece` bytes; the offset just after the body, or -1 if it did not end. */
function consume(
  text: string,
  piece = text.length,
  limits: Limits = DEFAULT_LIMITS,
): number {
  const reader = new ChunkedReader(limits);
  const buf = bytes(text);
  for (let start = 0; start < buf.length; start += piece) {
    const end = Math.min(buf.length, start + piece);
    const next = reader.consume(buf, start, end);
    if (reader.done) return next;
    assert.equal(next, end, "a body not yet done consumes all it is given");
  }
  return -1;
}

function refusal(text: string, limits: Limits = DEFAULT_LIMITS) {
  const outcomes = [text.length, 1].map((piece) => {
    try {
      consume(text, piece, limits);
      return "accepted";
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return `${error.status} ${error.message}`;
    }
  });
  assert.equal(outcomes[0], outcomes[1], "whole and byte by byte agree");
  return outcomes[0];
}

Deno.test("ChunkedReader finds the end of valid bodies, whole and one byte at a time", () => {
  const bodies = [
    "0\r\n\r\n",
    "5\r\nhello\r\n0\r\n\r\n",
    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    "A\r\n0123456789\r\n0\r\n\r\n",
    "00005\r\nhello\r\n000\r\n\r\n",
    // Extensions (RFC 9112 section 7.1.1): names, tokens, quoted strings, whitespace.
    "5;name\r\nhello\r\n0\r\n\r\n",
    "5;name=value;other\r\nhello\r\n0;last=1\r\n\r\n",
    '5;q="a quoted; \\"value\\""\r\nhello\r\n0\r\n\r\n',
    "5 ; a = b ;c\r\nhello\r\n0\r\n\r\n",
    // Trailers.
    "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nY: \r\n\r\n",
  ];
  for (const body of bodies) {
    for (const piece of [body.length, 1, 3]) {
      assert.equal(consume(body, piece), body.length, JSON.stringify(body));
    }
    // What follows the body is left for the next request.
    assert.equal(consume(body + "GET / HTTP/1.1\r\n"), body.length);
  }
});

Deno.test("ChunkedReader waits for more on every prefix of a body", () => {
  const body = '3;e="x"\r\nabc\r\n0\r\nT: v\r\n\r\n';
  for (let n = 0; n < body.length; n++) {
    assert.equal(
      consume(body.slice(0, n)),
      -1,
      JSON.stringify(body.slice(0, n)),
    );
  }
});

Deno.test("ChunkedReader refuses malformed framing with the reason of its branch", () => {
  const cases: [string, string][] = [
    ["\r\n", "400 Invalid chunk size"],
    ["x\r\n", "400 Invalid chunk size"],
    ["5x\r\nhello\r\n0\r\n\r\n", "400 Invalid chunk size"],
    ["-5\r\n", "400 Invalid chunk size"],
    ["5 x\r\n", "400 Invalid chunk extension"],
    ["5 \r\nhello\r\n", "400 Invalid chunk extension"],
    // RFC 9112 section 7.1.1: an extension is ";" token [ "=" value ].
    ["5;\r\nhello\r\n0\r\n\r\n", "400 Invalid chunk extension"],
    ["5;bad[=x\r\nhello\r\n0\r\n\r\n", "400 Invalid chunk extension"],
    ["5;a=\r\nhello\r\n", "400 Invalid chunk extension"],
    ["5;a=b[\r\nhello\r\n", "400 Invalid chunk extension"],
    ['5;a="open\r\nhello\r\n', "400 Invalid chunk extension"],
    ['5;a="x"y\r\nhello\r\n', "400 Invalid chunk extension"],
    ["5;a\x00\r\nhello\r\n", "400 Invalid chunk extension"],
    ["5;a \r\nhello\r\n", "400 Invalid chunk extension"],
    ["5\rhello", "400 Chunk size line not ended by CRLF"],
    ["5\nhello\r\n0\r\n\r\n", "400 Invalid chunk size"],
    ["5\r\nhelloX\r\n", "400 Chunk data not followed by CRLF"],
    ["5\r\nhello\rX", "400 Chunk data not followed by CRLF"],
    ["0\r\n:x\r\n\r\n", "400 Invalid trailer field"],
    ["0\r\nX y: 1\r\n\r\n", "400 Invalid trailer field name"],
    ["0\r\nX: \x01\r\n\r\n", "400 Invalid trailer field value"],
    ["0\r\nX: 1\rY", "400 Trailer field not ended by CRLF"],
    ["0\r\n\rX", "400 Trailer section not ended by CRLF"],
    [`${"f".repeat(14)}\r\n`, "400 Chunk size too large"],
  ];
  for (const [body, expected] of cases) {
    assert.equal(refusal(body), expected, JSON.stringify(body));
  }
});

Deno.test("ChunkedReader bounds chunk lines and trailers by the limits", () => {
  const limits = {
    ...DEFAULT_LIMITS,
    maxChunkLineBytes: 16,
    maxHeadBytes: 32,
    maxHeaderFields: 2,
  };
  assert.equal(
    refusal(`5;${"e".repeat(16)}\r\nhello\r\n`, limits),
    "400 Chunk size line too long",
  );
  assert.equal(
    refusal(`0\r\nX: ${"v".repeat(40)}\r\n\r\n`, limits),
    "431 Trailer section too large",
  );
  assert.equal(
    refusal("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits),
    "431 Too many trailer fields",
  );
  // The line limit counts one line: a long body of short lines is fine.
  const many = "1\r\nx\r\n".repeat(100) + "0\r\n\r\n";
  assert.equal(consume(many, many.length, limits), many.length);
});

Deno.test("ChunkedReader discards a large body without holding it", () => {
  const reader = new ChunkedReader(DEFAULT_LIMITS);
  const head = bytes("100000\r\n");
  reader.consume(head, 0, head.length);
  const data = new Uint8Array(64 * 1024);
  for (let i = 0; i < 16; i++) {
    assert.equal(reader.consume(data, 0, data.length), data.length);
  }
  const end = bytes("\r\n0\r\n\r\n");
  assert.equal(reader.consume(end, 0, end.length), end.length);
  assert.ok(reader.done);
});
