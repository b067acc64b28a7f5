import assert from "node:assert/strict";
import { frameRequest, requestOf } from "../framing.ts";
import { HeadParser } from "../head_parser.ts";
import { DEFAULT_LIMITS } from "../limits.ts";
import { INTERNED_TEXT } from "./interned_text.ts";
import { LastHead } from "./last_head.ts";

const HEAD = "GET /a?q=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n";
const bytes = (text: string) => new TextEncoder().encode(text);

/** Parses `text` whole, as the engine does before it remembers a head. */
function parsed(text: string) {
  const parser = new HeadParser(DEFAULT_LIMITS);
  parser.parse(bytes(text), 0, text.length);
  const framing = frameRequest(parser.head!);
  return { request: requestOf(parser.head!), framing };
}

function remembering(text: string): LastHead {
  const last = new LastHead(INTERNED_TEXT);
  last.remember(bytes(text), 0, text.length, DEFAULT_LIMITS);
  return last;
}

Deno.test("LastHead recalls input that begins with exactly the remembered bytes, as a parse gives it", () => {
  const last = remembering(HEAD);
  const next = bytes(HEAD + "GET /b");
  const recalled = last.recall(next, 0, next.length, DEFAULT_LIMITS);
  assert.deepEqual(recalled, { length: HEAD.length, ...parsed(HEAD) });
  // At an offset, as when requests are pipelined.
  const shifted = bytes("xx" + HEAD);
  assert.ok(last.recall(shifted, 2, shifted.length, DEFAULT_LIMITS) !== null);
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
      last.recall(input, 0, input.length, DEFAULT_LIMITS),
      null,
      JSON.stringify(other),
    );
  }
  const input = bytes(HEAD);
  const otherLimits = { ...DEFAULT_LIMITS };
  assert.equal(last.recall(input, 0, input.length, otherLimits), null);
});

Deno.test("LastHead parses a head once, on its first repeat, and shares it between repeats", () => {
  const last = remembering(HEAD);
  const input = bytes(HEAD);
  const first = last.recall(input, 0, input.length, DEFAULT_LIMITS)!;
  const second = last.recall(input, 0, input.length, DEFAULT_LIMITS)!;
  assert.equal(first, second);
  // Remembering anew forgets the parse.
  last.remember(input, 0, input.length, DEFAULT_LIMITS);
  const third = last.recall(input, 0, input.length, DEFAULT_LIMITS)!;
  assert.notEqual(third, first);
  assert.deepEqual(third, first);
});

Deno.test("LastHead forgets when told a head larger than its buffer", () => {
  const large = `GET / HTTP/1.1\r\nHost: h\r\nX: ${"v".repeat(2000)}\r\n\r\n`;
  const last = remembering(HEAD);
  last.remember(bytes(large), 0, large.length, DEFAULT_LIMITS);
  const input = bytes(HEAD);
  assert.equal(last.recall(input, 0, input.length, DEFAULT_LIMITS), null);
  const big = bytes(large);
  assert.equal(last.recall(big, 0, big.length, DEFAULT_LIMITS), null);
});
