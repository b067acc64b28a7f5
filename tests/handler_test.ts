/**
 * handleConnection, case by case: each request stream is fed whole, one byte
 * at a time and at seeded random splits, and must give the same responses
 * and the same close whatever the split. Bad requests are in the one
 * bad-request table, wire/corpus.ts, which tests/corpus_test.ts runs
 * the same way (alone and after a good request).
 */

import assert from "node:assert/strict";
import { fromLatin1 } from "../wire/bytes.ts";
import {
  bodyText,
  headerValue,
  readResponses,
} from "../wire/response_parser.ts";
import { splits } from "../testing/splits.ts";
import { serveChunks, type ServeResult } from "../testing/session.ts";

interface Case {
  name: string;
  request: string;
  /** Status of each response, in order. */
  statuses: number[];
  /** Body of each 200 response, in order. */
  bodies?: string[];
  /** Whether the server closes before the client ends its stream. */
  closes: boolean;
  /** HEAD responses at the start of the stream (their bodies are empty). */
  headRequests?: number;
}

const GET = (path: string, extra = "") =>
  `GET ${path} HTTP/1.1\r\nHost: example.com\r\n${extra}\r\n`;

/** A whole request, sent as a body: it must stay body. */
const SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";

/** Requests the engine answers and keeps the connection for. */
const VALID: Case[] = [
  {
    name: "answers a GET with its path",
    request: GET("/some/random/url"),
    statuses: [200],
    bodies: ["hello, /some/random/url"],
    closes: false,
  },
  {
    name: "drops the query string",
    request: GET("/some/random/url?x=1&y=%20"),
    statuses: [200],
    bodies: ["hello, /some/random/url"],
    closes: false,
  },
  {
    name: "keeps the path exactly as requested",
    request: GET("/a%20b//c/./d/../e|{}^"),
    statuses: [200],
    bodies: ["hello, /a%20b//c/./d/../e|{}^"],
    closes: false,
  },
  {
    name: "answers an absolute-form target for its path",
    request: GET("http://example.com/p?q"),
    statuses: [200],
    bodies: ["hello, /p"],
    closes: false,
  },
  {
    name: "answers an absolute-form target without a path for /",
    request: GET("http://example.com:8080?q"),
    statuses: [200],
    bodies: ["hello, /"],
    closes: false,
  },
  {
    name: "reads and ignores a Content-Length body",
    request: "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n" +
      "a=1&b=2&c=3",
    statuses: [200],
    bodies: ["hello, /form"],
    closes: false,
  },
  {
    name: "reads and ignores a chunked body with extensions and trailers",
    request:
      "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
      '5;name=value\r\nhello\r\nA ; x="y"\r\n0123456789\r\n0\r\n' +
      "Checksum: abc\r\nX-T: 1\r\n\r\n",
    statuses: [200],
    bodies: ["hello, /up"],
    closes: false,
  },
  {
    name: "answers pipelined requests in order",
    request: GET("/one") + GET("/two") +
      "POST /three HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" +
      GET("/four"),
    statuses: [200, 200, 200, 200],
    bodies: ["hello, /one", "hello, /two", "hello, /three", "hello, /four"],
    closes: false,
  },
  {
    name: "never takes body bytes for a request",
    request:
      `POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n` +
      SMUGGLED + GET("/b"),
    statuses: [200, 200],
    bodies: ["hello, /a", "hello, /b"],
    closes: false,
  },
  {
    name: "never takes chunk data for a request",
    request:
      "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
      `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n` + GET("/b"),
    statuses: [200, 200],
    bodies: ["hello, /a", "hello, /b"],
    closes: false,
  },
  {
    name: "answers HEAD with GET's headers and no body",
    request: "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n" + GET("/g"),
    statuses: [200, 200],
    bodies: ["", "hello, /g"],
    closes: false,
    headRequests: 1,
  },
  {
    name: "closes after an HTTP/1.0 request",
    request: "GET /old HTTP/1.0\r\n\r\n" + GET("/ignored"),
    statuses: [200],
    bodies: ["hello, /old"],
    closes: true,
  },
  {
    name: "keeps an HTTP/1.0 connection that asks for keep-alive",
    request: "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" +
      "GET /b HTTP/1.0\r\n\r\n",
    statuses: [200, 200],
    bodies: ["hello, /a", "hello, /b"],
    closes: true,
  },
  {
    name: "closes after Connection: close",
    request: GET("/last", "Connection: Keep-Alive, Close\r\n") +
      GET("/ignored"),
    statuses: [200],
    bodies: ["hello, /last"],
    closes: true,
  },
  {
    name: "accepts bare LF line endings",
    request: "GET /lf HTTP/1.1\nHost: h\nAccept: */*\n\n",
    statuses: [200],
    bodies: ["hello, /lf"],
    closes: false,
  },
  {
    name: "skips empty lines before a request line",
    request: "\r\n\r\n" + GET("/after-blank"),
    statuses: [200],
    bodies: ["hello, /after-blank"],
    closes: false,
  },
  {
    name: "serves an 8,000-octet target",
    request: GET("/" + "x".repeat(7999)),
    statuses: [200],
    bodies: ["hello, /" + "x".repeat(7999)],
    closes: false,
  },
  {
    name: "serves HTTP/1.2 as HTTP/1.1",
    request: "GET /v HTTP/1.2\r\nHost: h\r\n\r\n",
    statuses: [200],
    bodies: ["hello, /v"],
    closes: false,
  },
  {
    name: "accepts obs-text, empty values and tabs in fields",
    request: GET("/f", "X-Latin: caf\xe9\r\nX-Empty:\r\nX-Tab:\ta\tb\t\r\n"),
    statuses: [200],
    bodies: ["hello, /f"],
    closes: false,
  },
  {
    name: "answers other known methods 405 and keeps the connection",
    request: "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n" + GET("/y"),
    statuses: [405, 200],
    bodies: ["hello, /y"],
    closes: false,
  },
  {
    name: "answers unknown methods 501 (methods are case-sensitive)",
    request:
      "get /x HTTP/1.1\r\nHost: h\r\n\r\nBREW /pot HTTP/1.1\r\nHost: h\r\n\r\n",
    statuses: [501, 501],
    closes: false,
  },
];

function check(result: ServeResult, expected: Case, way: string): void {
  // The strict parser also holds every response to Date, Content-Type and
  // Content-Length.
  const responses = readResponses(result.output, expected.headRequests);
  const where = `${expected.name} (${way})`;
  assert.deepEqual(responses.map((r) => r.status), expected.statuses, where);
  if (expected.bodies) {
    const bodies = responses.filter((r) => r.status === 200).map(bodyText);
    assert.deepEqual(bodies, expected.bodies, where);
  }
  assert.equal(result.closedByServer, expected.closes, `close: ${where}`);
  for (const r of responses) {
    assert.ok(headerValue(r, "date"), `Date: ${where}`);
    assert.ok(headerValue(r, "content-type"), `Content-Type: ${where}`);
    assert.ok(headerValue(r, "content-length"), `Content-Length: ${where}`);
  }
  const last = responses[responses.length - 1];
  if (expected.closes) {
    assert.equal(
      headerValue(last, "connection")?.toLowerCase(),
      "close",
      `Connection: close: ${where}`,
    );
  }
}

async function checkEverySplit(expected: Case): Promise<void> {
  let first: ServeResult | undefined;
  for (const [way, chunks] of splits(fromLatin1(expected.request))) {
    const result = await serveChunks(chunks);
    check(result, expected, way);
    if (first === undefined) first = result;
    else {
      assert.equal(
        result.output,
        first.output,
        `output differs: ${expected.name} (${way})`,
      );
    }
  }
}

for (const c of VALID) {
  Deno.test(`handleConnection ${c.name}`, () => checkEverySplit(c));
}
