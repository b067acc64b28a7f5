import assert from "node:assert/strict";
import { frameRequest, type Framing, requestOf } from "./framing.ts";
import type { ParsedHead } from "./head_parser.ts";
import { HttpError } from "./http_error.ts";
import type { HeaderField } from "./types.ts";

/** A tokenized head: HTTP/1.1 GET of `target` with these fields. */
function head(
  headers: HeaderField[],
  { method = "GET", target = "/a?q", version = "HTTP/1.1" } = {},
): ParsedHead {
  return {
    method,
    target,
    version: version as ParsedHead["version"],
    headers,
  };
}

const HOST: HeaderField = ["Host", "example.com:8080"];

/** A head's framing, with the path and the query its request gets. */
type Framed = Framing & { path: string; query: string };

/** Frames `given` as the engine does: the framing, then the request's path. */
function framed(given: ParsedHead): Framed {
  const framing = frameRequest(given);
  const { path, query } = requestOf(given);
  return { ...framing, path, query };
}

/** The framing of a plain keep-alive GET of /a?q, with `changes`. */
function framing(changes: Partial<Framed> = {}): Framed {
  return {
    path: "/a",
    query: "q",
    contentLength: 0,
    chunked: false,
    keepAlive: true,
    expectContinue: false,
    ...changes,
  };
}

Deno.test("frameRequest and requestOf derive the path, body framing, keep-alive and Expect from the head", () => {
  const cases: [string, ParsedHead, Framed][] = [
    ["a plain GET", head([HOST]), framing()],
    [
      "Content-Length",
      head([HOST, ["content-length", "0042"]]),
      framing({ contentLength: 42 }),
    ],
    [
      "chunked, any case",
      head([HOST, ["Transfer-Encoding", "Chunked"]]),
      framing({ chunked: true }),
    ],
    [
      "Connection: close among other options",
      head([HOST, ["Connection", "foo, Close"]]),
      framing({ keepAlive: false }),
    ],
    [
      "HTTP/1.0 closes by default",
      head([], { version: "HTTP/1.0" }),
      framing({ keepAlive: false }),
    ],
    [
      "HTTP/1.0 keep-alive, over two Connection fields",
      head([["Connection", "x"], ["connection", "Keep-Alive"]], {
        version: "HTTP/1.0",
      }),
      framing(),
    ],
    [
      "Expect: 100-continue",
      head([HOST, ["Expect", "100-Continue"], ["Content-Length", "5"]]),
      framing({ contentLength: 5, expectContinue: true }),
    ],
    [
      "HTTP/1.0 ignores Expect",
      head([["Expect", "something"]], { version: "HTTP/1.0" }),
      framing({ keepAlive: false }),
    ],
    [
      "absolute-form: the path after the authority",
      head([HOST], { target: "http://example.com/b/c?x=1" }),
      framing({ path: "/b/c", query: "x=1" }),
    ],
    [
      "absolute-form without a path: /",
      head([HOST], { target: "HTTPS://example.com" }),
      framing({ path: "/", query: "" }),
    ],
    [
      "asterisk-form for OPTIONS",
      head([HOST], { method: "OPTIONS", target: "*" }),
      framing({ path: "*", query: "" }),
    ],
    [
      "authority-form for CONNECT",
      head([HOST], { method: "CONNECT", target: "example.com:443" }),
      framing({ path: "example.com:443", query: "" }),
    ],
  ];
  for (const [name, given, expected] of cases) {
    assert.deepEqual(framed(given), expected, name);
  }
});

Deno.test("frameRequest and requestOf refuse each framing error with the status and reason of its rule", () => {
  const cases: [string, ParsedHead, number, string][] = [
    ["no Host on HTTP/1.1", head([]), 400, "Missing Host"],
    ["two Hosts", head([HOST, ["host", "b"]]), 400, "More than one Host"],
    ["an empty Host on HTTP/1.1", head([["Host", ""]]), 400, "Empty Host"],
    ["a Host with a space", head([["Host", "a b"]]), 400, "Invalid Host"],
    ["a Host with obs-text", head([["Host", "caf\xe9"]]), 400, "Invalid Host"],
    [
      "two Content-Lengths, even equal",
      head([HOST, ["Content-Length", "1"], ["Content-Length", "1"]]),
      400,
      "More than one Content-Length",
    ],
    [
      "an empty Content-Length",
      head([HOST, ["Content-Length", ""]]),
      400,
      "Empty Content-Length",
    ],
    [
      "a signed Content-Length",
      head([HOST, ["Content-Length", "+5"]]),
      400,
      "Invalid Content-Length",
    ],
    [
      "a list as Content-Length",
      head([HOST, ["Content-Length", "5, 5"]]),
      400,
      "Invalid Content-Length",
    ],
    [
      "a Content-Length of 16 digits",
      head([HOST, ["Content-Length", "1234567890123456"]]),
      413,
      "Content-Length too large",
    ],
    [
      "both framings (CL.TE smuggling)",
      head([HOST, ["Content-Length", "5"], ["Transfer-Encoding", "chunked"]]),
      400,
      "Both Content-Length and Transfer-Encoding",
    ],
    [
      "Transfer-Encoding on HTTP/1.0",
      head([["Transfer-Encoding", "chunked"]], { version: "HTTP/1.0" }),
      400,
      "Transfer-Encoding in an HTTP/1.0 request",
    ],
    [
      "chunked not last",
      head([HOST, ["Transfer-Encoding", "chunked, gzip"]]),
      400,
      "chunked is not the final transfer coding",
    ],
    [
      "chunked twice",
      head([HOST, ["Transfer-Encoding", "chunked"], [
        "Transfer-Encoding",
        "chunked",
      ]]),
      400,
      "chunked applied more than once",
    ],
    [
      "an empty coding",
      head([HOST, ["Transfer-Encoding", "gzip,,chunked"]]),
      400,
      "Empty transfer coding",
    ],
    [
      "a coding before chunked",
      head([HOST, ["Transfer-Encoding", "gzip, chunked"]]),
      501,
      "Transfer coding not implemented: gzip",
    ],
    [
      "an expectation other than 100-continue",
      head([HOST, ["Expect", "200-ok"]]),
      417,
      "Only 100-continue is supported",
    ],
    [
      "asterisk-form for GET",
      head([HOST], { target: "*" }),
      400,
      "Asterisk target without OPTIONS",
    ],
    [
      "absolute-form with another scheme",
      head([HOST], { target: "ftp://example.com/" }),
      400,
      "Absolute target with a scheme other than http",
    ],
    [
      "absolute-form without a host",
      head([HOST], { target: "http:///a" }),
      400,
      "Absolute target without host",
    ],
    [
      "authority-form for GET",
      head([HOST], { target: "example.com:80" }),
      400,
      "Invalid request target",
    ],
  ];
  for (const [name, given, status, reason] of cases) {
    assert.throws(
      () => framed(given),
      (error) =>
        error instanceof HttpError && error.status === status &&
        error.message === reason,
      name,
    );
  }
});

Deno.test("frameRequest lets an empty Host through on HTTP/1.0, which has no Host rule", () => {
  assert.equal(
    framed(head([["Host", ""]], { version: "HTTP/1.0" })).path,
    "/a",
  );
});
