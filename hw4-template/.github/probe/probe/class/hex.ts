/**
 * Bytes as lower-case hex, and the SHA-256 of several pieces (for file
 * hashes and the probe's version).
 *
 * @module
 */

/** `buffer` as lower-case hex, two digits a byte. */
export function encodeHex(buffer: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** The SHA-256 of `parts` one after the other, as lower-case hex. */
export async function sha256Hex(parts: readonly Uint8Array[]): Promise<string> {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return encodeHex(await crypto.subtle.digest("SHA-256", joined));
}
