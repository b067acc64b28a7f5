/**
 * Bytes and Latin-1 text, one char per byte, so a test can write any byte
 * as `\xNN` in a string and read any output back as a string of the same
 * length.
 *
 * @module
 */

/** Bytes as a string of the same length, one char per byte. */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** A string of chars 0-255 as the bytes they stand for. */
export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Joins byte arrays. */
export function concat(
  parts: readonly Uint8Array[],
  total = parts.reduce((sum, p) => sum + p.length, 0),
): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
