import assert from "node:assert/strict";
import { createConnectionHandler, DEFAULT_LIMITS } from "../handler.ts";
import { HeadParser, type RequestHead } from "../http/head_parser.ts";
import { LastHead } from "../http/last_head.ts";
import type { HttpRequest } from "../http/types.ts";
import { bytes, parseResponses, serveChunks } from "./fake_socket.ts";

const HEAD = "GET /a?q=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n";

/** Parses `text` whole, as the engine does before it remembers a head. */
function parsed(text: string): RequestHead {
  const parser = new HeadParser(DEFAULT_LIMITS);
  parser.parse(bytes(text), 0, text.length);
  return parser.head!;
}

function remembering(text: string): LastHead {
  const last = new LastHead();
  last.remember(bytes(text), 0, text.length, DEFAULT_LIMITS);
  return last;
}

Deno.test("LastHead matches input that begins with exactly the remembered bytes", () => {
  const last = remembering(HEAD);
  const next = bytes(HEAD + "GET /b");
  const head = last.match(next, 0, next.length, DEFAULT_LIMITS);
  assert.deepEqual(head, parsed(HEAD));
  assert.equal(last.length, HEAD.length);
  // At an offset, as when requests are pipelined.
  const shifted = bytes("xx" + HEAD);
  assert.ok(last.match(shifted, 2, shifted.length, DEFAULT_LIMITS) !== null);
});

Deno.test("LastHead misses on any other byte, a shorter input or other limits", () => {
  const last = remembering(HEAD);
  for (
    const other of [
      HEAD.replace("/a", "/b"),
      HEAD.replace("h\r\n", "H\r\n"),
      // The same head but not yet ended: more fields may follow.
      HEAD.slice(0, -2) + "Connection: close\r\n\r\n",
      HEAD.slice(0, -1),
    ]
  ) {
    const input = bytes(other);
    assert.equal(
      last.match(input, 0, input.length, DEFAULT_LIMITS),
      null,
      JSON.stringify(other),
    );
  }
  const input = bytes(HEAD);
  const otherLimits = { ...DEFAULT_LIMITS };
  assert.equal(last.match(input, 0, input.length, otherLimits), null);
});

Deno.test("LastHead freezes a head before handing it out again", () => {
  const last = remembering(HEAD);
  const input = bytes(HEAD);
  const head = last.match(input, 0, input.length, DEFAULT_LIMITS)!;
  assert.ok(Object.isFrozen(head) && Object.isFrozen(head.headers));
  assert.ok(head.headers.every((field) => Object.isFrozen(field)));
});

Deno.test("LastHead forgets when told a head larger than its buffer", () => {
  const large = `GET / HTTP/1.1\r\nHost: h\r\nX: ${"v".repeat(2000)}\r\n\r\n`;
  const last = remembering(HEAD);
  last.remember(bytes(large), 0, large.length, DEFAULT_LIMITS);
  const input = bytes(HEAD);
  assert.equal(last.match(input, 0, input.length, DEFAULT_LIMITS), null);
  assert.equal(last.length, 0);
});

Deno.test("a repeated head gives the same answers as parsing it, whole or byte by byte", async () => {
  const close = HEAD.slice(0, -2) + "Connection: close\r\n\r\n";
  const stream = HEAD.repeat(3) + HEAD.replace("/a", "/b") + HEAD + close;
  const expected = ["/a", "/a", "/a", "/b", "/a", "/a"].map((p) =>
    `hello, ${p}`
  );
  // Whole, then byte by byte: a head that arrives in pieces is parsed, not matched.
  for (
    const chunks of [
      [bytes(stream)],
      [...bytes(stream)].map((b) => new Uint8Array([b])),
    ]
  ) {
    const result = await serveChunks(chunks);
    const responses = parseResponses(result.output);
    assert.deepEqual(responses.map((r) => r.body), expected);
    assert.equal(responses.at(-1)!.headers.get("connection"), "close");
    assert.ok(result.closedByServer);
  }
});

Deno.test("a remembered head is not reused under other limits", async () => {
  const seen: HttpRequest[] = [];
  const app = (request: HttpRequest) => {
    seen.push(request);
    return { status: 200, body: "ok" };
  };
  const roomy = createConnectionHandler(app);
  const strict = createConnectionHandler(app, { maxHeaderFields: 1 });
  const twice = [bytes(HEAD + HEAD)];
  assert.equal(
    parseResponses((await serveChunks(twice, {}, roomy)).output).length,
    2,
  );
  const refused = parseResponses((await serveChunks(twice, {}, strict)).output);
  assert.deepEqual(refused.map((r) => r.status), [431]);
  assert.equal(seen.length, 2);
});

Deno.test("an app cannot change a remembered request for the requests after it", async () => {
  const writes: boolean[] = [];
  const app = (request: HttpRequest) => {
    const path = request.path;
    try {
      (request as { path: string }).path = "/changed";
      writes.push(true);
    } catch {
      writes.push(false); // frozen
    }
    return { status: 200, body: path };
  };
  const write = HEAD.replace("/a?q=1", "/write");
  const result = await serveChunks(
    [bytes(write.repeat(3))],
    {},
    createConnectionHandler(app),
  );
  const responses = parseResponses(result.output);
  assert.deepEqual(responses.map((r) => r.body), Array(3).fill("/write"));
  // The first request is the parser's own object; the memo's copy is frozen.
  assert.deepEqual(writes, [true, false, false]);
});
