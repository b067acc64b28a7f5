import assert from "node:assert/strict";
import { LastResponse } from "./last_response.ts";

const DATE = "Tue, 24 Nov 2026 10:00:00 GMT";
const TEXT = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nhello, /";
const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("LastResponse keeps a response's bytes once it comes twice in a row", () => {
  const last = new LastResponse();
  assert.equal(last.lookup(200, "hello, /", "none", false, DATE), null);
  last.remember(bytes(TEXT));
  assert.equal(
    last.lookup(200, "hello, /", "none", false, DATE),
    null,
    "not kept after one sighting",
  );
  last.remember(bytes(TEXT));
  assert.deepEqual(
    last.lookup(200, "hello, /", "none", false, DATE),
    bytes(TEXT),
  );
});

Deno.test("LastResponse keeps a copy, not the caller's buffer", () => {
  const last = new LastResponse();
  const written = bytes(TEXT);
  last.lookup(200, "hello, /", "none", false, DATE);
  last.lookup(200, "hello, /", "none", false, DATE);
  last.remember(written);
  written.fill(0);
  assert.deepEqual(
    last.lookup(200, "hello, /", "none", false, DATE),
    bytes(TEXT),
  );
});

Deno.test("LastResponse misses when anything its bytes depend on changes", () => {
  const keep = () => {
    const last = new LastResponse();
    for (let i = 0; i < 2; i++) {
      last.lookup(200, "hello, /", "none", false, DATE);
      last.remember(bytes(TEXT));
    }
    return last;
  };
  assert.ok(keep().lookup(200, "hello, /", "none", false, DATE) !== null);
  // A new second: the cached Date would be stale.
  const later = "Tue, 24 Nov 2026 10:00:01 GMT";
  assert.equal(keep().lookup(200, "hello, /", "none", false, later), null);
  assert.equal(keep().lookup(200, "hello, /", "close", false, DATE), null);
  assert.equal(keep().lookup(200, "hello, /", "none", true, DATE), null);
  assert.equal(keep().lookup(404, "hello, /", "none", false, DATE), null);
  assert.equal(keep().lookup(200, "hello, /x", "none", false, DATE), null);
  // A miss forgets the old bytes: going back is a first sighting again.
  const last = keep();
  last.lookup(200, "hello, /x", "none", false, DATE);
  assert.equal(last.lookup(200, "hello, /", "none", false, DATE), null);
});

Deno.test("LastResponse leaves a response larger than its buffer to the caller", () => {
  const last = new LastResponse();
  const body = "x".repeat(2000);
  for (let i = 0; i < 3; i++) {
    assert.equal(last.lookup(200, body, "none", false, DATE), null);
    last.remember(bytes(`HTTP/1.1 200 OK\r\n\r\n${body}`));
  }
});
