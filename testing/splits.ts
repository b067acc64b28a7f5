/**
 * The ways a test feeds one byte stream to a connection: whole, one byte at
 * a time, and cut at seeded random points. The engine's answer must not
 * depend on the cut.
 *
 * @module
 */

import { Prng } from "../wire/prng.ts";

/** Cuts `bytes` into chunks at the given offsets (sorted, deduplicated inside). */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))]
    .sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

/** Random cut points: about one per `meanChunk` bytes (chunks of 1 to 2 * `meanChunk`). */
export function randomCuts(
  rng: Prng,
  length: number,
  meanChunk: number,
): number[] {
  const cuts: number[] = [];
  for (let at = 0; at < length;) {
    at += rng.int(1, Math.max(1, 2 * meanChunk));
    cuts.push(at);
  }
  return cuts;
}

/** One chunk per byte. */
export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** One way of feeding a stream, named for test messages. */
export type Split = [name: string, chunks: Uint8Array[]];

/**
 * The ways a table test feeds one request stream: whole, byte by byte, and
 * at random cuts (chunks of 1 to 24 bytes) for each seed.
 */
export function splits(data: Uint8Array, seeds = [1, 2, 3]): Split[] {
  return [
    ["whole", [data]],
    ["byte by byte", byteByByte(data)],
    ...seeds.map((seed): Split => [
      `random splits (seed ${seed})`,
      splitAt(data, randomCuts(new Prng(seed), data.length, 12)),
    ]),
  ];
}
