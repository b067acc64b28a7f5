/**
 * Mutations of valid requests: flipped, replaced, inserted and deleted bytes
 * (favouring the bytes that matter to a parser: CR, LF, NUL, SP, HTAB, colon,
 * semicolon), duplicated ranges, and framing fields spliced in at line starts.
 *
 * @module
 */

import { fromLatin1 } from "../wire/bytes.ts";
import type { Prng } from "../wire/prng.ts";

/** Bytes a parser treats specially; mutations favour them. */
export const SPECIAL_BYTES: readonly number[] = [
  0x0d,
  0x0a,
  0x00,
  0x20,
  0x09,
  0x3a,
  0x3b,
  0x2c,
  0x22,
  0x30,
  0x7f,
  0x80,
  0xff,
  0x2f,
  0x3f,
  0x25,
];

/** Field lines that change framing or meaning, spliced in by mutation (smuggling shapes). */
const SPLICED_FIELDS = [
  "Content-Length: 5\r\n",
  "Content-Length: 0\r\n",
  "Content-Length: -1\r\n",
  "Transfer-Encoding: chunked\r\n",
  "Transfer-Encoding: gzip\r\n",
  "Transfer-Encoding : chunked\r\n",
  "Host: other\r\n",
  "Expect: 100-continue\r\n",
  "Expect: nonsense\r\n",
  "Connection: close\r\n",
  " folded\r\n",
  "\r\n",
];

/** A position, more often inside the first `head` bytes where the parser's decisions are made. */
function position(rng: Prng, length: number, head = 256): number {
  return rng.chance(0.7)
    ? rng.int(0, Math.min(length, head))
    : rng.int(0, length);
}

function specialOrRandom(rng: Prng): number {
  return rng.chance(0.7) ? rng.pick(SPECIAL_BYTES) : rng.int(0, 255);
}

/** Applies one to four random mutations to a copy of `input`. */
export function mutate(rng: Prng, input: Uint8Array): Uint8Array {
  let bytes = [...input];
  for (let n = rng.int(1, 4); n > 0; n--) {
    const at = position(rng, bytes.length);
    switch (rng.int(0, 7)) {
      case 0: // flip one bit
        if (at < bytes.length) bytes[at] ^= 1 << rng.int(0, 7);
        break;
      case 1: // replace a byte
        if (at < bytes.length) bytes[at] = specialOrRandom(rng);
        break;
      case 2: // insert one to three bytes
        bytes.splice(
          at,
          0,
          ...Array.from({ length: rng.int(1, 3) }, () => specialOrRandom(rng)),
        );
        break;
      case 3: // delete one to eight bytes
        bytes.splice(at, rng.int(1, 8));
        break;
      case 4: { // duplicate a range
        const length = rng.int(1, 40);
        bytes.splice(at, 0, ...bytes.slice(at, at + length));
        break;
      }
      case 5: // truncate
        bytes = bytes.slice(0, at);
        break;
      case 6: { // splice a field line in after some LF
        const lineStarts = bytes.flatMap((b, i) => (b === 0x0a ? [i + 1] : []));
        if (lineStarts.length > 0) {
          bytes.splice(
            rng.pick(lineStarts),
            0,
            ...fromLatin1(rng.pick(SPLICED_FIELDS)),
          );
        }
        break;
      }
      default: // swap CRLF for LF or the reverse
        if (bytes[at] === 0x0d) bytes.splice(at, 1);
        else if (bytes[at] === 0x0a) bytes.splice(at, 0, 0x0d);
        else if (at < bytes.length) bytes[at] = 0x0d;
    }
  }
  return Uint8Array.from(bytes);
}
