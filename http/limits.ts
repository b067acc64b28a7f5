/**
 * Named limits on what a client may send, each with the reason for its
 * number. Tests and command-line flags use these same values.
 *
 * @module
 */

/** Limits the engine enforces while parsing requests. */
export interface Limits {
  /**
   * Most bytes in a request head (request line plus header fields), and
   * separately in a chunked body's trailer section. Beyond it: 431.
   */
  maxHeadBytes: number;
  /** Most header fields in one request head (or trailer section). Beyond it: 431. */
  maxHeaderFields: number;
  /** Longest request target. Beyond it: 414. */
  maxTargetBytes: number;
  /** Longest chunk-size line, extensions included. Beyond it: 400. */
  maxChunkLineBytes: number;
  /** Longest method token. Beyond it: 501, since no method that long is one the server knows. */
  maxMethodBytes: number;
}

/** Node's default `--max-http-header-size`: large enough for big cookies, small enough to bound a slow sender. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** Apache's `LimitRequestFields`; browsers send about 20. */
export const MAX_HEADER_FIELDS = 100;

/** nginx's default `large_client_header_buffers` line size; RFC 9112 section 3 asks for at least 8,000 octets. */
export const MAX_TARGET_BYTES = 8 * 1024;

/** Bounds chunk extensions, which are ignored anyway (Node bounds them since CVE-2024-22019). */
export const MAX_CHUNK_LINE_BYTES = 4 * 1024;

/**
 * The longest method in IANA's HTTP Method Registry is 17 bytes
 * (`UPDATEREDIRECTREF`); a longer token can only be a method the server does
 * not implement (RFC 9112 section 3: 501), however long it grows.
 */
export const MAX_METHOD_BYTES = 32;

/** The limits the servers use unless told otherwise. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxHeadBytes: MAX_HEAD_BYTES,
  maxHeaderFields: MAX_HEADER_FIELDS,
  maxTargetBytes: MAX_TARGET_BYTES,
  maxChunkLineBytes: MAX_CHUNK_LINE_BYTES,
  maxMethodBytes: MAX_METHOD_BYTES,
});
