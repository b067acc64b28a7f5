/**
 * The requests the probe sends, built as latin1 strings (one char per byte),
 * and the one-line descriptions of what was sent and what came back that the
 * report card prints.
 *
 * @module
 */

import { latin1 } from "./kit.ts";
import type { Exchange } from "./probe_conn.ts";

/** Parts of a request beyond its method and target. */
export interface RequestParts {
  /** Extra header field lines, e.g. `"Connection: close"`. */
  fields?: string[];
  /** The body; a `Content-Length` for it is added unless `fields` frame it. */
  body?: string;
  /** `HTTP/1.1` unless given. */
  version?: string;
  /** The Host field's value; `false` for none (HTTP/1.0). */
  host: string | false;
}

/** A request head and body, CRLF-terminated. */
export function request(
  method: string,
  target: string,
  parts: RequestParts,
): string {
  const fields = [
    ...(parts.host === false ? [] : [`Host: ${parts.host}`]),
    ...(parts.fields ?? []),
  ];
  const body = parts.body ?? "";
  const framed = fields.some((f) =>
    /^(content-length|transfer-encoding):/i.test(f)
  );
  if (body !== "" && !framed) fields.push(`Content-Length: ${body.length}`);
  return `${method} ${target} ${parts.version ?? "HTTP/1.1"}\r\n` +
    fields.map((f) => f + "\r\n").join("") + "\r\n" + body;
}

/** `GET target` with a Host field and any extra `fields`. */
export function get(
  target: string,
  host: string,
  fields: string[] = [],
): string {
  return request("GET", target, { host, fields });
}

const FIREFOX_COMMON = [
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
];

/** Firefox ESR 128's request when its address bar opens `http://host/`. */
export function firefoxPage(host: string): string {
  return request("GET", "/", {
    host,
    fields: [
      ...FIREFOX_COMMON,
      "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "Accept-Language: en-US,en;q=0.5",
      "Accept-Encoding: gzip, deflate, br, zstd",
      "Connection: keep-alive",
      "Upgrade-Insecure-Requests: 1",
      "Sec-Fetch-Dest: document",
      "Sec-Fetch-Mode: navigate",
      "Sec-Fetch-Site: none",
      "Sec-Fetch-User: ?1",
      "Priority: u=0, i",
    ],
  });
}

/** The favicon request Firefox sends next, on the same connection. */
export function firefoxFavicon(host: string): string {
  return request("GET", "/favicon.ico", {
    host,
    fields: [
      ...FIREFOX_COMMON,
      "Accept: image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
      "Accept-Language: en-US,en;q=0.5",
      "Accept-Encoding: gzip, deflate, br, zstd",
      "Connection: keep-alive",
      `Referer: http://${host}/`,
      "Sec-Fetch-Dest: image",
      "Sec-Fetch-Mode: no-cors",
      "Sec-Fetch-Site: same-origin",
      "Priority: u=6",
    ],
  });
}

/** A latin1 string as a short quoted preview: JSON escapes, cut at `max` chars. */
export function quote(text: string, max = 60): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  return JSON.stringify(cut) +
    (text.length > max ? `... (${text.length} bytes)` : "");
}

/** A request as one line: its request line (or first bytes) and its size. */
export function describeRequest(text: string): string {
  const lineEnd = text.search(/\r?\n/);
  const line = lineEnd < 0 ? text : text.slice(0, lineEnd);
  return `${quote(line, 70)}${
    line.length === text.length ? "" : `, ${text.length} bytes`
  }`;
}

/** What came back, as one line: each whole response, then how reading stopped. */
export function describeExchange(exchange: Exchange): string {
  const parts = [...exchange.interim, ...exchange.finals].map((answer) => {
    const version = answer.version === "HTTP/1.0" ? " (HTTP/1.0)" : "";
    const body = answer.bodiless || answer.body.length === 0
      ? answer.status < 200 ? "" : " (no body)"
      : ` ${quote(latin1(answer.body), 50)}`;
    return `${answer.status}${body}${version}`;
  });
  const seen = parts.length ? parts.join(", ") : "";
  const then = parts.length ? "; then " : "";
  switch (exchange.stop) {
    case undefined:
      return seen;
    case "closed":
      return `${seen}${then}the connection closed${
        exchange.error
          ? ` mid-response (${exchange.error})`
          : parts.length
          ? ""
          : " with no answer"
      }`;
    case "reset":
      return `${seen}${then}the connection was reset${
        parts.length ? "" : " with no answer"
      }`;
    case "timeout":
      return `${seen}${then}${
        parts.length ? "nothing more" : "no answer"
      } within ${seconds(exchange.ms)}${
        exchange.rest.length ? ` (had ${quote(latin1(exchange.rest), 40)})` : ""
      }`;
    case "not-http":
      return `${seen}${then}${exchange.error}`;
  }
}

/** Milliseconds as "250 ms" or "2.0 s". */
export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
