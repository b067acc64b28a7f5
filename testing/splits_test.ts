import assert from "node:assert/strict";
import { concat, fromLatin1 } from "../wire/bytes.ts";
import { Prng } from "../wire/prng.ts";
import { randomCuts, splitAt, splits } from "./splits.ts";

const DATA = fromLatin1("GET /a HTTP/1.1\r\nHost: h\r\n\r\n".repeat(5));

Deno.test("splits cuts a stream whole, byte by byte and at seeded cuts, losing no byte", () => {
  const ways = splits(DATA);
  assert.deepEqual(ways.map(([name]) => name), [
    "whole",
    "byte by byte",
    "random splits (seed 1, mean 12 bytes)",
    "random splits (seed 2, mean 12 bytes)",
    "random splits (seed 3, mean 12 bytes)",
  ]);
  for (const [name, chunks] of ways) {
    assert.deepEqual(concat(chunks), DATA, name);
    assert.ok(chunks.every((c) => c.length > 0), `${name}: no empty chunk`);
  }
  assert.equal(ways[1][1].length, DATA.length);
  const random = ways[2][1];
  assert.ok(random.every((c) => c.length <= 24), "chunks of 1 to 24 bytes");
  assert.ok(random.length > 1 && random.length < DATA.length);
});

Deno.test("splits replays the same cuts from the same seed, and others from another", () => {
  const lengths = (seed: number) =>
    splits(DATA, [seed])[2][1].map((c) => c.length);
  assert.deepEqual(lengths(7), lengths(7));
  assert.notDeepEqual(lengths(7), lengths(8));
});

Deno.test("splits takes other chunk sizes, and cuts a stream too long to feed byte by byte into chunks of 1 to 4 bytes", () => {
  const ways = splits(DATA, [5], { meanChunks: [3, 40], byteByByteUpTo: 64 });
  assert.deepEqual(ways.map(([name]) => name), [
    "whole",
    "random splits (seed 5, mean 2 bytes)",
    "random splits (seed 5, mean 3 bytes)",
    "random splits (seed 5, mean 40 bytes)",
  ]);
  for (const [name, chunks] of ways) {
    assert.deepEqual(concat(chunks), DATA, name);
  }
  assert.ok(ways[1][1].every((c) => c.length <= 4), "chunks of 1 to 4 bytes");
  assert.ok(ways[3][1].some((c) => c.length > 24), "chunks up to 80 bytes");
});

Deno.test("splitAt ignores cuts out of range and repeated, in any order", () => {
  const bytes = fromLatin1("abcdef");
  const chunks = splitAt(bytes, [4, 0, 2, 2, 9, -1]);
  assert.deepEqual(chunks.map((c) => c.length), [2, 2, 2]);
  const cuts = randomCuts(new Prng(1), 100, 5);
  assert.ok(cuts.at(-1)! >= 100, "the cuts reach the end");
  assert.ok(cuts.every((c, i) => i === 0 || c > cuts[i - 1]), "ascending");
});
