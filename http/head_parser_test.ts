import assert from "node:assert/strict";
import { HeadParser, type ParsedHead, PLAIN_TEXT } from "./head_parser.ts";
import { HttpError } from "./http_error.ts";
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";
import { INTERNED_TEXT } from "./memo/interned_text.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

const REQUEST = "GET /a?q=1 HTTP/1.1\r\nHost: h\r\nX-Y:  v w \r\n\r\n";
const PARSED: ParsedHead = {
  method: "GET",
  target: "/a?q=1",
  version: "HTTP/1.1",
  headers: [["Host", "h"], ["X-Y", "v w"]],
};

/** A new parser's answer to `text` given whole: bytes consumed, and the head if complete. */
function parseOnce(text: string, limits: Limits = DEFAULT_LIMITS) {
  const parser = new HeadParser(limits);
  const consumed = parser.parse(bytes(text), 0, text.length);
  return { consumed, head: parser.head };
}

/**
 * Feeds `text` one byte per call, as the engine does: the buffer holds what
 * is not yet consumed, and each call sees it from where the last call's
 * consumed bytes ended.
 */
function parseByteByByte(text: string, limits: Limits = DEFAULT_LIMITS) {
  const parser = new HeadParser(limits);
  const buf = bytes(text);
  let start = 0;
  for (let end = 1; end <= buf.length && parser.head === null; end++) {
    start += parser.parse(buf, start, end);
  }
  return { consumed: start, head: parser.head };
}

function httpError(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  assert.fail("no HttpError thrown");
}

Deno.test("HeadParser parses a head whole and byte by byte to the same tokens", () => {
  assert.deepEqual(parseOnce(REQUEST), {
    consumed: REQUEST.length,
    head: PARSED,
  });
  assert.deepEqual(parseByteByByte(REQUEST), {
    consumed: REQUEST.length,
    head: PARSED,
  });
});

Deno.test("HeadParser consumes whole lines only, for every prefix of a head (picohttpparser's incomplete cases)", () => {
  // [prefix, bytes consumed]: a line is consumed once its LF has arrived.
  const cases: [string, number][] = [
    ["", 0],
    ["G", 0],
    ["GET", 0],
    ["GET ", 0],
    ["GET /a?q=1", 0],
    ["GET /a?q=1 ", 0],
    ["GET /a?q=1 HTTP/1.1", 0],
    ["GET /a?q=1 HTTP/1.1\r", 0],
    ["GET /a?q=1 HTTP/1.1\r\n", 21],
    ["GET /a?q=1 HTTP/1.1\r\nH", 21],
    ["GET /a?q=1 HTTP/1.1\r\nHost", 21],
    ["GET /a?q=1 HTTP/1.1\r\nHost:", 21],
    ["GET /a?q=1 HTTP/1.1\r\nHost: h", 21],
    ["GET /a?q=1 HTTP/1.1\r\nHost: h\r", 21],
    ["GET /a?q=1 HTTP/1.1\r\nHost: h\r\n", 30],
    ["GET /a?q=1 HTTP/1.1\r\nHost: h\r\nX-Y:  v w \r\n", 42],
    ["GET /a?q=1 HTTP/1.1\r\nHost: h\r\nX-Y:  v w \r\n\r", 42],
  ];
  for (const [prefix, consumed] of cases) {
    assert.deepEqual(parseOnce(prefix), { consumed, head: null }, prefix);
  }
  // Every prefix, not only the listed ones: incomplete, whole lines consumed.
  for (let n = 0; n < REQUEST.length; n++) {
    const prefix = REQUEST.slice(0, n);
    const result = parseOnce(prefix);
    assert.equal(result.head, null, JSON.stringify(prefix));
    assert.equal(result.consumed, prefix.lastIndexOf("\n") + 1);
  }
});

Deno.test("HeadParser leaves the bytes after the head unconsumed", () => {
  const result = parseOnce(REQUEST + "GET /next");
  assert.equal(result.consumed, REQUEST.length);
  assert.deepEqual(result.head, PARSED);
});

Deno.test("HeadParser skips empty lines before the request line and is not started by them", () => {
  const parser = new HeadParser(DEFAULT_LIMITS);
  const input = bytes("\r\n\n\r\n");
  assert.equal(parser.parse(input, 0, input.length), input.length);
  assert.equal(parser.started, false);
  const rest = bytes("G");
  parser.parse(rest, 0, 1);
  assert.equal(parser.started, true);
});

Deno.test("HeadParser accepts bare LF line ends and reads HTTP/1.0 and higher 1.x minors", () => {
  const lf = parseOnce("GET / HTTP/1.0\nHost: h\n\n").head!;
  assert.equal(lf.version, "HTTP/1.0");
  assert.deepEqual(lf.headers, [["Host", "h"]]);
  assert.equal(parseOnce("GET / HTTP/1.7\r\n\r\n").head!.version, "HTTP/1.1");
});

Deno.test("HeadParser gives method and target once the request line is read, for error logs", () => {
  const parser = new HeadParser(DEFAULT_LIMITS);
  const input = bytes("POST /form HTTP/1.1\r\nHost");
  parser.parse(input, 0, input.length);
  assert.equal(parser.method, "POST");
  assert.equal(parser.target, "/form");
  assert.equal(parser.head, null);
});

Deno.test("HeadParser refuses each malformed head with the status and reason of its branch", () => {
  const limits = { ...DEFAULT_LIMITS, maxHeaderFields: 2, maxTargetBytes: 16 };
  const cases: [string, number, string][] = [
    ["\rGET / HTTP/1.1\r\n\r\n", 400, "Bare CR before the request line"],
    [" GET / HTTP/1.1\r\n\r\n", 400, "Invalid character in method"],
    ["G(T / HTTP/1.1\r\n\r\n", 400, "Invalid character in method"],
    ["GET\r\n\r\n", 400, "Invalid character in method"],
    [`${"A".repeat(33)} / HTTP/1.1\r\n\r\n`, 501, "Method not implemented"],
    ["GET /a#b HTTP/1.1\r\n\r\n", 400, "Invalid character in request target"],
    ["GET /a\\b HTTP/1.1\r\n\r\n", 400, "Invalid character in request target"],
    ["GET /\x01 HTTP/1.1\r\n\r\n", 400, "Invalid character in request target"],
    ["GET  / HTTP/1.1\r\n\r\n", 400, "Empty request target"],
    ["GET /\r\n\r\n", 400, "Missing HTTP version"],
    [`GET /${"a".repeat(16)} HTTP/1.1\r\n\r\n`, 414, "Request target too long"],
    ["GET / HTTP/1.1 \r\n\r\n", 400, "Invalid HTTP version"],
    ["GET / http/1.1\r\n\r\n", 400, "Invalid HTTP version"],
    ["GET / HTTP/2.0\r\n\r\n", 505, "HTTP/2.0 is not supported"],
    ["GET / HTTP/1.1\rX\r\n\r\n", 400, "Bare CR in request line"],
    [
      "GET / HTTP/1.1\r\n folded\r\n\r\n",
      400,
      "Obsolete line folding in header field",
    ],
    [
      "GET / HTTP/1.1\r\n@: x\r\n\r\n",
      400,
      "Invalid character in header field name",
    ],
    [
      "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
      400,
      "Whitespace between header field name and colon",
    ],
    [
      "GET / HTTP/1.1\r\nHo(st: h\r\n\r\n",
      400,
      "Invalid character in header field name",
    ],
    [
      "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n",
      400,
      "Invalid character in header field value",
    ],
    ["GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 400, "Bare CR in header field value"],
    ["GET / HTTP/1.1\r\n\rX", 400, "Bare CR at the end of the head"],
    [
      "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
      431,
      "Too many header fields",
    ],
  ];
  for (const [input, status, reason] of cases) {
    for (const parse of [parseOnce, parseByteByByte]) {
      const error = httpError(() => parse(input, limits));
      assert.deepEqual(
        [error.status, error.message],
        [status, reason],
        `${parse.name} ${JSON.stringify(input)}`,
      );
    }
  }
});

Deno.test("HeadParser answers a head over its size limit with 431, whole or in pieces", () => {
  const limits = { ...DEFAULT_LIMITS, maxHeadBytes: 64 };
  const long = `GET / HTTP/1.1\r\nX: ${"v".repeat(64)}\r\n\r\n`;
  for (const parse of [parseOnce, parseByteByByte]) {
    const error = httpError(() => parse(long, limits));
    assert.deepEqual([error.status, error.message], [
      431,
      "Request head too large",
    ]);
  }
  // A line still in progress counts too: a slow sender is bounded.
  const parser = new HeadParser(limits);
  const partial = bytes(`GET / HTTP/1.1\r\nX: ${"v".repeat(64)}`);
  assert.throws(() => parser.parse(partial, 0, partial.length), HttpError);
});

Deno.test("HeadParser refuses a method longer than any known with 501 however it arrives", () => {
  const method = "A".repeat(100_000);
  for (const parse of [parseOnce, parseByteByByte]) {
    const error = httpError(() => parse(`${method} / HTTP/1.1\r\n\r\n`));
    assert.equal(error.status, 501);
  }
});

Deno.test("HeadParser gives the same head with the memo's interned text as with plain text", () => {
  for (const text of [PLAIN_TEXT, INTERNED_TEXT, INTERNED_TEXT]) {
    const parser = new HeadParser(DEFAULT_LIMITS, text);
    const input = bytes(REQUEST);
    parser.parse(input, 0, input.length);
    assert.deepEqual(parser.head, PARSED);
  }
});

Deno.test("HeadParser examines each byte a bounded number of times when a 16 KiB head comes one byte per call", () => {
  const fields = Array.from(
    { length: 90 },
    (_, i) => `X-${i}: ${"v".repeat(170)}`,
  );
  const text = `GET / HTTP/1.1\r\n${fields.join("\r\n")}\r\n\r\n`;
  assert.ok(text.length > 15_000 && text.length <= DEFAULT_LIMITS.maxHeadBytes);
  let reads = 0;
  const buf = new Proxy(bytes(text), {
    get(target, key) {
      if (typeof key === "string" && /^[0-9]+$/.test(key)) reads++;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const parser = new HeadParser(DEFAULT_LIMITS);
  let start = 0;
  for (let end = 1; end <= text.length; end++) {
    start += parser.parse(buf, start, end);
  }
  assert.ok(parser.head !== null);
  // Each byte is tested about once or twice (a state's first test, then its
  // scan); a parser that rescans its line on every call would read about
  // 170 / 2 times per byte here, and one that rescans the head ~8,000 times.
  assert.ok(
    reads <= 3 * text.length,
    `${reads} byte reads for ${text.length} bytes`,
  );
});
