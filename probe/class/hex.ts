/**
 * Bytes as lower-case hex (for file hashes).
 *
 * @module
 */

/** `buffer` as lower-case hex, two digits a byte. */
export function encodeHex(buffer: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}
