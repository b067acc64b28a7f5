/**
 * Lookup tables classifying single bytes, so the parser tests a byte with one
 * array read instead of a chain of comparisons.
 *
 * @module
 */

function table(accepts: (byte: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = accepts(b) ? 1 : 0;
  return t;
}

const isAlnum = (b: number) =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) ||
  (b >= 0x61 && b <= 0x7a);

function isOneOf(chars: string): (b: number) => boolean {
  const set = new Set([...chars].map((c) => c.charCodeAt(0)));
  return (b) => set.has(b);
}

/** `tchar` of RFC 9110 section 5.6.2: method names and field names. */
export const TOKEN = table((b) => isAlnum(b) || isOneOf("!#$%&'*+-.^_`|~")(b));

/**
 * Bytes allowed in a request target: visible ASCII but `#` and `\`. A
 * fragment never goes on the wire (RFC 9112 section 3.2: origin-form has no
 * `#`), and RFC 3986 allows `\` nowhere. Stricter URI grammar would also
 * refuse `{`, `|`, `}` and `^`, which browsers send unescaped; nginx and
 * llhttp accept them too.
 */
export const TARGET = table((b) =>
  b >= 0x21 && b <= 0x7e && b !== 0x23 && b !== 0x5c
);

/** `field-vchar`, SP and HTAB (RFC 9110 section 5.5): obs-text allowed, controls and DEL refused. */
export const FIELD_VALUE = table((b) =>
  b === 0x09 || (b >= 0x20 && b !== 0x7f)
);

/** Bytes of `uri-host [ ":" port ]` (RFC 3986 section 3.2.2): reg-name, IP literals, port. */
export const HOST = table((b) =>
  isAlnum(b) || isOneOf("-._~!$&'()*+,;=:[]%")(b)
);

/** Value of a hexadecimal digit, or -1. */
export const HEX_VALUE: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let d = 0; d < 10; d++) t[0x30 + d] = d;
  for (let d = 0; d < 6; d++) t[0x41 + d] = t[0x61 + d] = 10 + d;
  return t;
})();

/** Byte values the parsers name. */
export const HTAB = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  SP = 0x20,
  COLON = 0x3a,
  SEMICOLON = 0x3b,
  SLASH = 0x2f,
  DOT = 0x2e,
  DIGIT_ZERO = 0x30;

/** Decodes bytes as Latin-1 (each byte one UTF-16 unit): exact for the ASCII and obs-text of HTTP fields. */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 4096) {
    return String.fromCharCode.apply(
      null,
      buf.subarray(start, end) as unknown as number[],
    );
  }
  let s = "";
  for (let i = start; i < end; i += 4096) {
    s += latin1(buf, i, Math.min(end, i + 4096));
  }
  return s;
}
