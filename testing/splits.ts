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

/** What else {@linkcode splits} cuts a stream into. */
export interface SplitOptions {
  /** The mean chunk sizes of the random splits: one split per seed and size (default: 12 bytes). */
  meanChunks?: readonly number[];
  /** The longest stream fed byte by byte; a longer one is cut at random into chunks of 1 to 4 bytes instead (default: any length). */
  byteByByteUpTo?: number;
}

/**
 * The ways a table test feeds one request stream: whole (always first),
 * byte by byte, and at random cuts for each seed (chunks of 1 to 24 bytes
 * unless `options.meanChunks` says otherwise). The same seed cuts the
 * same way.
 */
export function splits(
  data: Uint8Array,
  seeds: readonly number[] = [1, 2, 3],
  options: SplitOptions = {},
): Split[] {
  const { meanChunks = [12], byteByByteUpTo = Infinity } = options;
  const ways: Split[] = [["whole", [data]]];
  if (data.length <= byteByByteUpTo) {
    ways.push(["byte by byte", byteByByte(data)]);
  } else {
    const seed = seeds[0] ?? 1;
    ways.push(randomSplit(data, new Prng(seed), seed, 2));
  }
  for (const seed of seeds) {
    const rng = new Prng(seed);
    for (const mean of meanChunks) {
      ways.push(randomSplit(data, rng, seed, mean));
    }
  }
  return ways;
}

function randomSplit(
  data: Uint8Array,
  rng: Prng,
  seed: number,
  meanChunk: number,
): Split {
  return [
    `random splits (seed ${seed}, mean ${meanChunk} bytes)`,
    splitAt(data, randomCuts(rng, data.length, meanChunk)),
  ];
}
