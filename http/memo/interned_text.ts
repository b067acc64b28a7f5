/**
 * Strings the head parser meets again and again: the common methods, common
 * field names, and the last value seen for each of them and for the request
 * target. When the bytes match, the parser gets the string it had before
 * instead of decoding a new one; clients send the same `Host`, `User-Agent`
 * and `Accept` on every request.
 *
 * Module-wide and bounded (one value per name, short values only), so it
 * costs no memory per connection.
 *
 * @module
 */

import { latin1 } from "../byte_classes.ts";
import type { HeadText } from "../head_parser.ts";
import type { HeaderField } from "../types.ts";

/** Field names as clients commonly spell them (case matters for reuse, not for meaning). */
const COMMON_FIELDS = [
  "Host",
  "User-Agent",
  "Accept",
  "Accept-Language",
  "Accept-Encoding",
  "Connection",
  "Content-Length",
  "Content-Type",
  "Transfer-Encoding",
  "Expect",
  "Cookie",
  "Referer",
  "Origin",
  "Cache-Control",
  "Pragma",
  "Priority",
  "Upgrade-Insecure-Requests",
  "Sec-Fetch-Dest",
  "Sec-Fetch-Mode",
  "Sec-Fetch-Site",
  "Sec-Fetch-User",
  "DNT",
  "TE",
  "Authorization",
  "If-None-Match",
  "If-Modified-Since",
  "X-Forwarded-For",
  "X-Forwarded-Proto",
  "X-Real-IP",
  "host",
  "user-agent",
  "accept",
  "content-length",
  "content-type",
  "connection",
] as const;

/** Indexes into COMMON_FIELDS by name length. */
const BY_LENGTH: number[][] = [];
COMMON_FIELDS.forEach((name, i) => (BY_LENGTH[name.length] ??= []).push(i));

/** Values longer than this are decoded each time rather than kept. */
const MAX_CACHED_VALUE = 256;
const lastValues: (string | undefined)[] = new Array(COMMON_FIELDS.length);
let lastTarget = "";

/** Whether `buf[start, start + s.length)` holds exactly the char codes of `s`. */
function sameBytes(s: string, buf: Uint8Array, start: number): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== buf[start + i]) return false;
  }
  return true;
}

/** The index of a common field name spelled exactly as `buf[start, end)`, or -1. */
function commonField(
  buf: Uint8Array,
  start: number,
  end: number,
): number {
  const candidates = BY_LENGTH[end - start];
  if (candidates === undefined) return -1;
  for (const i of candidates) {
    if (sameBytes(COMMON_FIELDS[i], buf, start)) return i;
  }
  return -1;
}

/** `buf[start, end)` as a string, reusing the last value of common field `index` when equal. */
function fieldValue(
  index: number,
  buf: Uint8Array,
  start: number,
  end: number,
): string {
  const last = lastValues[index];
  if (
    last !== undefined && last.length === end - start &&
    sameBytes(last, buf, start)
  ) {
    return last;
  }
  const value = latin1(buf, start, end);
  if (value.length <= MAX_CACHED_VALUE) lastValues[index] = value;
  return value;
}

/** `buf[start, end)` as a string, reusing the last request target when equal. */
function targetString(
  buf: Uint8Array,
  start: number,
  end: number,
): string {
  if (lastTarget.length === end - start && sameBytes(lastTarget, buf, start)) {
    return lastTarget;
  }
  const target = latin1(buf, start, end);
  if (target.length <= MAX_CACHED_VALUE) lastTarget = target;
  return target;
}

/** The method as a string; the three the hello app serves are reused, not decoded. */
function methodName(buf: Uint8Array, start: number, end: number): string {
  switch (end - start) {
    case 3:
      if (sameBytes("GET", buf, start)) return "GET";
      break;
    case 4:
      if (sameBytes("POST", buf, start)) return "POST";
      if (sameBytes("HEAD", buf, start)) return "HEAD";
      break;
  }
  return latin1(buf, start, end);
}

/** A field whose name, and value, are the strings of last time when the bytes match. */
function field(
  buf: Uint8Array,
  nameStart: number,
  nameEnd: number,
  valueStart: number,
  valueEnd: number,
): HeaderField {
  const common = commonField(buf, nameStart, nameEnd);
  return common === -1
    ? [latin1(buf, nameStart, nameEnd), latin1(buf, valueStart, valueEnd)]
    : [COMMON_FIELDS[common], fieldValue(common, buf, valueStart, valueEnd)];
}

/** The parser's text, reusing strings it has made before. */
export const INTERNED_TEXT: HeadText = {
  method: methodName,
  target: targetString,
  field,
};
