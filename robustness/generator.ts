/**
 * Random valid requests: pipelines of GET, HEAD and POST with varied targets,
 * header fields, Content-Length and chunked bodies, each paired with the
 * answers the engine owes them.
 *
 * @module
 */

import { concat, fromLatin1 } from "../wire/bytes.ts";
import type { Prng } from "../wire/prng.ts";

/** What one request of a pipeline must be answered with. */
export interface ExpectedAnswer {
  /** The path the body names: `hello, <path>`. */
  path: string;
  /** True for HEAD: same head, no body. */
  head: boolean;
}

/** A generated pipeline and what it must produce. */
export interface GeneratedRequest {
  /** The bytes to send. */
  bytes: Uint8Array;
  /** One answer per request, in order. */
  expected: ExpectedAnswer[];
}

/** Which optional features to use; all on by default. Turn some off for a peer that lacks them. */
export interface GeneratorOptions {
  /** Bare LF as a line end in the head (RFC 9112 section 2.2 MAY). */
  bareLf?: boolean;
  /** Empty lines before a request line (RFC 9112 section 2.2 SHOULD ignore). */
  leadingEmptyLines?: boolean;
  /** Whitespace between a chunk size and its `;` extension (BWS, RFC 9112 section 7.1.1). */
  chunkExtBws?: boolean;
  /** `Expect: 100-continue` on requests with a body. */
  expectContinue?: boolean;
  /** obs-text (bytes 0x80-0xFF) in field values. */
  obsText?: boolean;
  /** Never ask to close the connection (the soak reuses it). */
  keepAlive?: boolean;
  /** Most requests in one pipeline. Default 4. */
  maxRequests?: number;
}

const PCHAR =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";
const QUERY_CHAR = PCHAR + "/?";
const TOKEN_CHAR =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
const COMMON_FIELDS = [
  "Accept",
  "User-Agent",
  "Accept-Encoding",
  "Accept-Language",
  "Cookie",
  "Referer",
  "Cache-Control",
  "X-Request-Id",
];
const HOSTS = [
  "example.com",
  "localhost:8080",
  "127.0.0.1",
  "[::1]:8080",
  "a.b-c.example",
];

/** A random string of `min`..`max` characters from `alphabet`. */
function word(rng: Prng, alphabet: string, min: number, max: number): string {
  let out = "";
  for (let n = rng.int(min, max); n > 0; n--) {
    out += alphabet[rng.int(0, alphabet.length - 1)];
  }
  return out;
}

/** A random origin-form path such as `/a/b%20c/`. */
export function randomPath(rng: Prng): string {
  let path = "";
  for (let n = rng.int(0, 4); n > 0; n--) {
    path += "/" + word(rng, PCHAR, 0, 12);
    if (rng.chance(0.1)) {
      path += "%" + word(rng, "0123456789ABCDEFabcdef", 2, 2);
    }
  }
  return path === "" || rng.chance(0.2) ? path + "/" : path;
}

function randomCase(rng: Prng, text: string): string {
  return [...text].map((
    c,
  ) => (rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join("");
}

function fieldValue(rng: Prng, options: GeneratorOptions): string {
  let value = "";
  for (let n = rng.int(0, 30); n > 0; n--) {
    const r = rng.next();
    if (r < 0.08) value += rng.pick([" ", "\t"]);
    else if (r < 0.1 && options.obsText !== false) {
      value += String.fromCharCode(rng.int(0x80, 0xff));
    } else value += String.fromCharCode(rng.int(0x21, 0x7e));
  }
  return value.trim();
}

function randomBody(rng: Prng, size: number): string {
  return Array.from(
    { length: size },
    () => String.fromCharCode(rng.int(0, 255)),
  ).join("");
}

/** A chunked body; its framing, trailers included, always uses CRLF (the engine refuses bare LF there). */
function chunkedBody(rng: Prng, options: GeneratorOptions): string {
  const ext = () => {
    if (!rng.chance(0.2)) return "";
    const bws = options.chunkExtBws !== false && rng.chance(0.3)
      ? rng.pick([" ", "\t"])
      : "";
    const name = word(rng, TOKEN_CHAR, 1, 6);
    const value = rng.pick([
      "",
      "=" + word(rng, TOKEN_CHAR, 1, 6),
      '="' + word(rng, PCHAR + " ", 0, 6) + '"',
    ]);
    return `${bws};${name}${value}`;
  };
  const hex = (n: number) =>
    (rng.chance(0.1) ? "0" : "") + randomCase(rng, n.toString(16));
  let body = "";
  for (let n = rng.int(0, 4); n > 0; n--) {
    const size = rng.int(1, 100);
    body += `${hex(size)}${ext()}\r\n${randomBody(rng, size)}\r\n`;
  }
  body += `${rng.chance(0.1) ? "000" : "0"}${ext()}\r\n`;
  for (let n = rng.chance(0.2) ? rng.int(1, 2) : 0; n > 0; n--) {
    body += `X-Trailer-${word(rng, TOKEN_CHAR, 1, 6)}: ${
      fieldValue(rng, options)
    }\r\n`;
  }
  return body + "\r\n";
}

/**
 * One request of a pipeline. `last` tells whether it may close the
 * connection; `close` in the result says whether it does.
 */
function oneRequest(
  rng: Prng,
  options: GeneratorOptions,
  last: boolean,
): { text: string; answer: ExpectedAnswer; close: boolean } {
  const method = rng.pick(["GET", "GET", "HEAD", "POST", "POST"]);
  const http10 = rng.chance(0.15);
  const eol = options.bareLf !== false && rng.chance(0.15) ? "\n" : "\r\n";
  const path = randomPath(rng);
  const query = rng.chance(0.3) ? "?" + word(rng, QUERY_CHAR, 0, 20) : "";
  const host = rng.pick(HOSTS);
  let target = path + query;
  let answered = path;
  if (rng.chance(0.1)) {
    // Absolute form; with no path at all the answer is for "/" (RFC 9112 section 3.2.2).
    const bare = rng.chance(0.2);
    target = bare ? `http://${host}` : `http://${host}${path}${query}`;
    answered = bare ? "/" : path;
  }
  const fields: string[] = [];
  if (!http10 || rng.chance(0.5)) {
    fields.push(`${randomCase(rng, "host")}: ${host}`);
  }
  for (let n = rng.int(0, 6); n > 0; n--) {
    const name = rng.chance(0.5)
      ? rng.pick(COMMON_FIELDS)
      : "X-" + word(rng, TOKEN_CHAR, 1, 10);
    const ows = () => rng.pick(["", " ", " ", "\t", "  "]);
    fields.push(`${name}:${ows()}${fieldValue(rng, options)}${ows()}`);
  }
  let body = "";
  const wantsBody = method === "POST" ? rng.chance(0.9) : rng.chance(0.1);
  let hasBody = false;
  if (wantsBody) {
    if (!http10 && rng.chance(0.4)) {
      fields.push(`Transfer-Encoding: ${randomCase(rng, "chunked")}`);
      body = chunkedBody(rng, options);
      hasBody = true;
    } else {
      const size = rng.chance(0.1) ? rng.int(0, 3000) : rng.int(0, 200);
      fields.push(
        `${
          rng.pick(["Content-Length", "content-length", "CONTENT-LENGTH"])
        }: ${size}`,
      );
      body = randomBody(rng, size);
      hasBody = size > 0;
    }
  }
  if (
    hasBody && !http10 && options.expectContinue !== false && rng.chance(0.2)
  ) fields.push("Expect: 100-continue");
  let close = false;
  const mayClose = last && !options.keepAlive;
  if (http10) {
    if (!mayClose || rng.chance(0.5)) fields.push("Connection: keep-alive");
    else close = true;
  } else if (mayClose && rng.chance(0.3)) {
    fields.push(
      `Connection: ${rng.pick(["close", "Close", "keep-alive, close"])}`,
    );
    close = true;
  }
  shuffle(rng, fields);
  const lead = options.leadingEmptyLines !== false && rng.chance(0.1)
    ? "\r\n".repeat(rng.int(1, 2))
    : "";
  const head =
    `${lead}${method} ${target} ${http10 ? "HTTP/1.0" : "HTTP/1.1"}${eol}` +
    fields.map((f) => f + eol).join("") + eol;
  return {
    text: head + body,
    answer: { path: answered, head: method === "HEAD" },
    close,
  };
}

function shuffle<T>(rng: Prng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** A random pipeline of 1 to `maxRequests` valid requests, with the answers owed. */
export function generateRequest(
  rng: Prng,
  options: GeneratorOptions = {},
): GeneratedRequest {
  const count = rng.chance(0.5) ? 1 : rng.int(2, options.maxRequests ?? 4);
  const parts: Uint8Array[] = [];
  const expected: ExpectedAnswer[] = [];
  for (let i = 0; i < count; i++) {
    const { text, answer, close } = oneRequest(rng, options, i === count - 1);
    parts.push(fromLatin1(text));
    expected.push(answer);
    if (close) break;
  }
  return { bytes: concat(parts), expected };
}
