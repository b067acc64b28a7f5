/**
 * The last response, remembered as bytes once it repeats. A server asked for
 * the same path again and again (a load test, a health check, a proxy's
 * probe) then copies bytes instead of building and encoding the same text.
 *
 * @module
 */

import { httpDate } from "../http_date.ts";
import type { Output } from "../output.ts";
import { type ConnectionField, writeResponse } from "../response.ts";
import type { HttpResponse } from "../types.ts";

/** Responses up to this size are remembered; one fixed buffer holds them. */
const BUFFER_BYTES = 1024;

/** What the last response was, and whether its bytes are kept. */
const enum Kept {
  /** Seen once: not worth encoding twice yet. */
  No,
  /** Seen again: {@linkcode LastResponse.remember} keeps its bytes. */
  Wanted,
  /** The bytes are in the buffer. */
  Yes,
  /** Larger than the buffer. */
  TooLarge,
}

/**
 * Remembers the last response without extra headers, keyed by everything
 * its bytes depend on. The `Date` value is part of the key, so a remembered
 * response is never stale. A response that differs from the last costs only
 * a few comparisons: its bytes are kept only once it comes twice in a row.
 */
export class LastResponse {
  #status = 0;
  #body = "";
  #connection: ConnectionField = "none";
  #headOnly = false;
  #date = "";
  #kept = Kept.No;
  #buffer = new Uint8Array(BUFFER_BYTES);
  #bytes = this.#buffer.subarray(0, 0);

  /**
   * The bytes of the response for this key, if it is the last one and they
   * are kept; otherwise `null`, and the key becomes the last one.
   */
  lookup(
    status: number,
    body: string,
    connection: ConnectionField,
    headOnly: boolean,
    date: string,
  ): Uint8Array | null {
    if (
      body === this.#body && status === this.#status &&
      connection === this.#connection && headOnly === this.#headOnly &&
      date === this.#date
    ) {
      if (this.#kept === Kept.Yes) return this.#bytes;
      if (this.#kept === Kept.No) this.#kept = Kept.Wanted;
      return null;
    }
    this.#status = status;
    this.#body = body;
    this.#connection = connection;
    this.#headOnly = headOnly;
    this.#date = date;
    this.#kept = Kept.No;
    return null;
  }

  /**
   * Called with the bytes of the response {@linkcode LastResponse.lookup}
   * missed: keeps a copy of them when they are wanted and fit.
   */
  remember(bytes: Uint8Array): void {
    if (this.#kept !== Kept.Wanted) return;
    if (bytes.length > this.#buffer.length) {
      this.#kept = Kept.TooLarge;
      return;
    }
    this.#buffer.set(bytes);
    this.#bytes = this.#buffer.subarray(0, bytes.length);
    this.#kept = Kept.Yes;
  }
}

const lastResponse = new LastResponse();

/**
 * `writeResponse`, through the last response: a plain response (a string
 * body, no extra fields) equal to the last one, with the same `Date`, is
 * copied as bytes.
 */
export function writeRememberedResponse(
  out: Output,
  response: HttpResponse,
  connection: ConnectionField,
  headOnly: boolean,
): number {
  const { status, body } = response;
  const plain = typeof body === "string" && response.headers === undefined;
  if (!plain) return writeResponse(out, response, connection, headOnly);
  const kept = lastResponse.lookup(
    status,
    body,
    connection,
    headOnly,
    httpDate(),
  );
  if (kept !== null) {
    out.appendBytes(kept);
    return kept.length;
  }
  const length = writeResponse(out, response, connection, headOnly);
  lastResponse.remember(out.uncommitted());
  return length;
}
