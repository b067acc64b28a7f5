/**
 * A table of bad requests by class (request line, header fields, framing,
 * chunked bodies, smuggling shapes), each with the status and the reason the
 * engine must answer before it closes; and a table of unusual but valid
 * requests it must serve. Sources: RFC 9112 sections 2-7 and the request fixtures of llhttp
 * (test/request/*.md: "invalid", "connection", "content-length",
 * "transfer-encoding", "pipelining"), as cited per case.
 *
 * Requests are latin1 strings: one char per byte.
 *
 * @module
 */

/** A bad request: answered with `status` and `reason`, then closed unless `close` is false. */
export interface BadRequestCase {
  /** Unique, descriptive. */
  name: string;
  /** The bytes sent, one char per byte. */
  request: string;
  /** The status of the last response. */
  status: number;
  /**
   * Why, as the last response's body gives it: the body is
   * `<status> <status text>: <reason>\n` (for the app's 405 and 501 the
   * reason is the method). It pins the branch that refused the request, so
   * a case cannot pass through another one.
   */
  reason: string;
  /** True for a HEAD request: the error is answered without a body (RFC 9110 section 9.3.2). */
  head?: boolean;
  /** Statuses of the responses before it (valid requests earlier in a pipeline). */
  before?: number[];
  /**
   * Whether the connection closes after the answer: always for the engine's
   * own errors; the app's 405 and 501 answer a well-framed request, so the
   * connection may go on (as nginx does).
   */
  close: boolean;
}

/** An unusual request that must still be served. */
export interface ValidEdgeCase {
  /** Unique, descriptive. */
  name: string;
  /** The bytes sent, one char per byte. */
  request: string;
  /** The paths answered, in order (`hello, <path>`). */
  paths: string[];
  /** True when the request asks to close after its answer. */
  close: boolean;
  /** A header the (last) response must carry, e.g. `["connection", "keep-alive"]`. */
  header?: [name: string, value: string];
  /** True for HEAD: answered without a body. */
  head?: boolean;
}

/** A request line and fields (plus `Host: a` unless `host` is false), CRLF-terminated, with an optional body. */
function req(
  line: string,
  fields: string[] = [],
  body = "",
  host = true,
): string {
  return [line, ...(host ? ["Host: a"] : []), ...fields].map((l) => l + "\r\n")
    .join("") + "\r\n" + body;
}

const GET = "GET / HTTP/1.1";
const POST = "POST / HTTP/1.1";
const OK = req(GET);
const CHUNKED = "Transfer-Encoding: chunked";

/** The bad-request corpus. */
export const BAD_REQUESTS: readonly BadRequestCase[] = [
  // --- Request line (RFC 9112 section 3; llhttp invalid.md, method.md) ---
  // Methods are case-sensitive tokens (RFC 9110 section 9.1): an unknown one is 501 (RFC 9110 section 15.6.2).
  {
    name: "lowercase method",
    request: req("get / HTTP/1.1"),
    status: 501,
    reason: "get",
    close: false,
  },
  {
    name: "unknown method",
    request: req("FOO / HTTP/1.1"),
    status: 501,
    reason: "FOO",
    close: false,
  },
  {
    name: "method with non-token char",
    request: req("GE(T / HTTP/1.1"),
    status: 400,
    reason: "Invalid character in method",
    close: true,
  },
  {
    name: "method with NUL",
    request: req("GE\0T / HTTP/1.1"),
    status: 400,
    reason: "Invalid character in method",
    close: true,
  },
  // A method longer than any registered one can only be one the server does not
  // implement: 501 (RFC 9112 section 3), not 431, however long it grows.
  {
    name: "100 KB method",
    request: req(`${"A".repeat(100_000)} / HTTP/1.1`),
    status: 501,
    reason: "Method not implemented",
    close: true,
  },
  {
    name: "method one byte over the longest known",
    request: req(`${"M".repeat(33)} / HTTP/1.1`),
    status: 501,
    reason: "Method not implemented",
    close: true,
  },
  {
    name: "PUT not allowed",
    request: req("PUT / HTTP/1.1", ["Content-Length: 0"]),
    status: 405,
    reason: "PUT",
    close: false,
  },
  {
    name: "DELETE not allowed",
    request: req("DELETE / HTTP/1.1"),
    status: 405,
    reason: "DELETE",
    close: false,
  },
  {
    name: "PATCH not allowed",
    request: req("PATCH / HTTP/1.1", ["Content-Length: 0"]),
    status: 405,
    reason: "PATCH",
    close: false,
  },
  {
    name: "TRACE not allowed",
    request: req("TRACE / HTTP/1.1"),
    status: 405,
    reason: "TRACE",
    close: false,
  },
  {
    name: "CONNECT not allowed",
    request: req("CONNECT a:443 HTTP/1.1"),
    status: 405,
    reason: "CONNECT",
    close: false,
  },
  // Exactly one SP between the three parts (RFC 9112 section 3).
  {
    name: "two spaces after method",
    request: req("GET  / HTTP/1.1"),
    status: 400,
    reason: "Empty request target",
    close: true,
  },
  {
    name: "two spaces before version",
    request: req("GET /  HTTP/1.1"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "trailing space after version",
    request: req("GET / HTTP/1.1 "),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "leading space before method",
    request: req(" GET / HTTP/1.1"),
    status: 400,
    reason: "Invalid character in method",
    close: true,
  },
  {
    name: "tabs as separators",
    request: req("GET\t/\tHTTP/1.1"),
    status: 400,
    reason: "Invalid character in method",
    close: true,
  },
  {
    name: "HTTP/0.9 request line without version",
    request: "GET /\r\n\r\n",
    status: 400,
    reason: "Missing HTTP version",
    close: true,
  },
  // With one SP the second word is read as the target, so the line lacks a version.
  {
    name: "missing target",
    request: req("GET HTTP/1.1"),
    status: 400,
    reason: "Missing HTTP version",
    close: true,
  },
  {
    name: "empty request line then garbage",
    request: "\r\n\r\nxyz\r\n\r\n",
    status: 400,
    reason: "Invalid character in method",
    close: true,
  },
  {
    name: "binary junk",
    request: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    status: 400,
    reason: "Invalid character in method",
    close: true,
  },
  // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 section 2.3).
  {
    name: "version without minor",
    request: req("GET / HTTP/1"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "lowercase version",
    request: req("GET / http/1.1"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "two-digit minor version",
    request: req("GET / HTTP/1.10"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "two-digit major version",
    request: req("GET / HTTP/11.1"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "version with trailing junk",
    request: req("GET / HTTP/1.1x"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "version with NUL",
    request: req("GET / HTTP/1.1\0"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "wrong protocol name",
    request: req("GET / XTTP/1.1"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  {
    name: "version with letters",
    request: req("GET / HTTP/a.b"),
    status: 400,
    reason: "Invalid HTTP version",
    close: true,
  },
  // A major version the server does not speak: 505 (RFC 9110 section 15.6.6).
  {
    name: "HTTP/2.0 request line",
    request: req("GET / HTTP/2.0"),
    status: 505,
    reason: "HTTP/2.0 is not supported",
    close: true,
  },
  {
    name: "HTTP/3.0 request line",
    request: req("GET / HTTP/3.0"),
    status: 505,
    reason: "HTTP/3.0 is not supported",
    close: true,
  },
  {
    name: "HTTP/2 connection preface",
    request: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    status: 505,
    reason: "HTTP/2.0 is not supported",
    close: true,
  },
  // request-target: origin-form or absolute-form for GET/POST (RFC 9112 section 3.2).
  {
    name: "asterisk-form on GET",
    request: req("GET * HTTP/1.1"),
    status: 400,
    reason: "Asterisk target without OPTIONS",
    close: true,
  },
  {
    name: "authority-form on GET",
    request: req("GET a:80 HTTP/1.1"),
    status: 400,
    reason: "Invalid request target",
    close: true,
  },
  {
    name: "relative target",
    request: req("GET a/b HTTP/1.1"),
    status: 400,
    reason: "Invalid request target",
    close: true,
  },
  {
    name: "non-http absolute target",
    request: req("GET ftp://a/x HTTP/1.1"),
    status: 400,
    reason: "Absolute target with a scheme other than http",
    close: true,
  },
  {
    name: "asterisk-form on POST",
    request: req("POST * HTTP/1.1", ["Content-Length: 0"]),
    status: 400,
    reason: "Asterisk target without OPTIONS",
    close: true,
  },
  {
    name: "non-ASCII byte in target",
    request: req("GET /caf\xe9 HTTP/1.1"),
    status: 400,
    reason: "Invalid character in request target",
    close: true,
  },
  {
    name: "NUL in target",
    request: req("GET /a\0b HTTP/1.1"),
    status: 400,
    reason: "Invalid character in request target",
    close: true,
  },
  {
    name: "control char in target",
    request: req("GET /a\x01b HTTP/1.1"),
    status: 400,
    reason: "Invalid character in request target",
    close: true,
  },
  {
    name: "DEL in target",
    request: req("GET /a\x7fb HTTP/1.1"),
    status: 400,
    reason: "Invalid character in request target",
    close: true,
  },
  // origin-form has no fragment (RFC 9112 section 3.2), and RFC 3986 allows `\` nowhere.
  {
    name: "fragment in target",
    request: req("GET /a#b HTTP/1.1"),
    status: 400,
    reason: "Invalid character in request target",
    close: true,
  },
  {
    name: "backslash in target",
    request: req("GET /a\\b HTTP/1.1"),
    status: 400,
    reason: "Invalid character in request target",
    close: true,
  },
  // A CR ends the target and the line, which then lacks a version.
  {
    name: "bare CR in target",
    request: req("GET /a\rb HTTP/1.1"),
    status: 400,
    reason: "Missing HTTP version",
    close: true,
  },
  // Longer than the 8 KiB target limit: 414 (RFC 9112 section 3, RFC 9110 section 15.5.15).
  {
    name: "target over 8 KiB",
    request: req(`GET /${"a".repeat(8192)} HTTP/1.1`),
    status: 414,
    reason: "Request target too long",
    close: true,
  },
  // A bare CR is not a line end (RFC 9112 section 2.2: MUST be rejected or replaced; we reject).
  {
    name: "bare CR ends request line",
    request: "GET / HTTP/1.1\rHost: a\r\n\r\n",
    status: 400,
    reason: "Bare CR in request line",
    close: true,
  },
  {
    name: "CR CR LF after request line",
    request: "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n",
    status: 400,
    reason: "Bare CR in request line",
    close: true,
  },
  {
    name: "only CRs as line ends",
    request: "GET / HTTP/1.1\rHost: a\r\r",
    status: 400,
    reason: "Bare CR in request line",
    close: true,
  },

  // --- Header fields (RFC 9112 section 5; llhttp invalid.md, connection.md) ---
  // No whitespace between field name and colon: MUST 400 (RFC 9112 section 5.1).
  {
    name: "space before colon",
    request: req(GET, ["X-A : b"]),
    status: 400,
    reason: "Whitespace between header field name and colon",
    close: true,
  },
  {
    name: "tab before colon",
    request: req(GET, ["X-A\t: b"]),
    status: 400,
    reason: "Whitespace between header field name and colon",
    close: true,
  },
  {
    name: "space before colon in Host",
    request: req(GET, ["Host : a"], "", false),
    status: 400,
    reason: "Whitespace between header field name and colon",
    close: true,
  },
  // obs-fold: rejected with 400 (RFC 9112 section 5.2 allows this outside message/http).
  {
    name: "obs-fold with space",
    request: req(GET, ["X-A: b", " c"]),
    status: 400,
    reason: "Obsolete line folding in header field",
    close: true,
  },
  {
    name: "obs-fold with tab",
    request: req(GET, ["X-A: b", "\tc"]),
    status: 400,
    reason: "Obsolete line folding in header field",
    close: true,
  },
  // Whitespace before the first field: reject (RFC 9112 section 2.2).
  // Leading whitespace on a field line is obs-fold, first field or not.
  {
    name: "whitespace before first field",
    request: "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
    status: 400,
    reason: "Obsolete line folding in header field",
    close: true,
  },
  {
    name: "empty field name",
    request: req(GET, [": b"]),
    status: 400,
    reason: "Invalid character in header field name",
    close: true,
  },
  {
    name: "line without colon",
    request: req(GET, ["X-A"]),
    status: 400,
    reason: "Invalid character in header field name",
    close: true,
  },
  {
    name: "paren in field name",
    request: req(GET, ["X(A): b"]),
    status: 400,
    reason: "Invalid character in header field name",
    close: true,
  },
  {
    name: "at sign in field name",
    request: req(GET, ["X@A: b"]),
    status: 400,
    reason: "Invalid character in header field name",
    close: true,
  },
  {
    name: "non-ASCII field name",
    request: req(GET, ["X-\xe9: b"]),
    status: 400,
    reason: "Invalid character in header field name",
    close: true,
  },
  {
    name: "NUL in field name",
    request: req(GET, ["X\0A: b"]),
    status: 400,
    reason: "Invalid character in header field name",
    close: true,
  },
  {
    name: "DEL in field name",
    request: req(GET, ["X\x7fA: b"]),
    status: 400,
    reason: "Invalid character in header field name",
    close: true,
  },
  {
    name: "slash in field name",
    request: req(GET, ["X/A: b"]),
    status: 400,
    reason: "Invalid character in header field name",
    close: true,
  },
  // field-value = VCHAR, SP, HTAB, obs-text; NUL, CR, LF and other CTLs are errors (RFC 9110 section 5.5).
  {
    name: "NUL in field value",
    request: req(GET, ["X-A: b\0c"]),
    status: 400,
    reason: "Invalid character in header field value",
    close: true,
  },
  {
    name: "control char in field value",
    request: req(GET, ["X-A: b\x01c"]),
    status: 400,
    reason: "Invalid character in header field value",
    close: true,
  },
  {
    name: "vertical tab in field value",
    request: req(GET, ["X-A: \x0bb"]),
    status: 400,
    reason: "Invalid character in header field value",
    close: true,
  },
  {
    name: "DEL in field value",
    request: req(GET, ["X-A: b\x7fc"]),
    status: 400,
    reason: "Invalid character in header field value",
    close: true,
  },
  {
    name: "bare CR in field value",
    request: req(GET, ["X-A: b\rc"]),
    status: 400,
    reason: "Bare CR in header field value",
    close: true,
  },
  {
    name: "bare CR ends a field line",
    request: "GET / HTTP/1.1\r\nHost: a\rX-A: b\r\n\r\n",
    status: 400,
    reason: "Bare CR in header field value",
    close: true,
  },
  {
    name: "bare CR at head end",
    request: "GET / HTTP/1.1\r\nHost: a\r\n\rX\r\n\r\n",
    status: 400,
    reason: "Bare CR at the end of the head",
    close: true,
  },
  // Limits: 431 (RFC 6585 section 5).
  {
    name: "head over 16 KiB",
    request: req(GET, [`X-A: ${"b".repeat(17 * 1024)}`]),
    status: 431,
    reason: "Request head too large",
    close: true,
  },
  {
    name: "many fields over 16 KiB",
    request: req(
      GET,
      Array.from({ length: 90 }, (_, i) => `X-${i}: ${"v".repeat(200)}`),
    ),
    status: 431,
    reason: "Request head too large",
    close: true,
  },
  {
    name: "101 fields",
    request: req(GET, Array.from({ length: 100 }, (_, i) => `X-${i}: v`)),
    status: 431,
    reason: "Too many header fields",
    close: true,
  },
  // Host: exactly one, valid, on HTTP/1.1 (RFC 9112 section 3.2: MUST 400).
  {
    name: "missing Host on HTTP/1.1",
    request: req(GET, [], "", false),
    status: 400,
    reason: "Missing Host",
    close: true,
  },
  {
    name: "two Host fields",
    request: req(GET, ["Host: b"]),
    status: 400,
    reason: "More than one Host",
    close: true,
  },
  {
    name: "two identical Host fields",
    request: req(GET, ["Host: a"]),
    status: 400,
    reason: "More than one Host",
    close: true,
  },
  {
    name: "Host with space",
    request: req(GET, ["Host: a b"], "", false),
    status: 400,
    reason: "Invalid Host",
    close: true,
  },
  {
    name: "Host with slash",
    request: req(GET, ["Host: a/b"], "", false),
    status: 400,
    reason: "Invalid Host",
    close: true,
  },
  {
    name: "Host with userinfo",
    request: req(GET, ["Host: u@a"], "", false),
    status: 400,
    reason: "Invalid Host",
    close: true,
  },
  {
    name: "Host list",
    request: req(GET, ["Host: a, b"], "", false),
    status: 400,
    reason: "Invalid Host",
    close: true,
  },
  // An http URI's host is never empty: a recipient MUST reject it (RFC 9110 section 4.2.1).
  {
    name: "empty Host on HTTP/1.1",
    request: req(GET, ["Host:"], "", false),
    status: 400,
    reason: "Empty Host",
    close: true,
  },

  // --- Content-Length (RFC 9112 section 6.3, RFC 9110 section 8.6; llhttp content-length.md) ---
  {
    name: "Content-Length with plus sign",
    request: req(POST, ["Content-Length: +1"], "x"),
    status: 400,
    reason: "Invalid Content-Length",
    close: true,
  },
  {
    name: "negative Content-Length",
    request: req(POST, ["Content-Length: -1"], "x"),
    status: 400,
    reason: "Invalid Content-Length",
    close: true,
  },
  {
    name: "Content-Length with inner space",
    request: req(POST, ["Content-Length: 1 2"], "x"),
    status: 400,
    reason: "Invalid Content-Length",
    close: true,
  },
  {
    name: "hex Content-Length",
    request: req(POST, ["Content-Length: 0x1"], "x"),
    status: 400,
    reason: "Invalid Content-Length",
    close: true,
  },
  {
    name: "Content-Length with letter",
    request: req(POST, ["Content-Length: 1a"], "x"),
    status: 400,
    reason: "Invalid Content-Length",
    close: true,
  },
  {
    name: "empty Content-Length",
    request: req(POST, ["Content-Length:"], "x"),
    status: 400,
    reason: "Empty Content-Length",
    close: true,
  },
  {
    name: "Content-Length with CR inside",
    request: req(POST, ["Content-Length: 1\r2"], "x"),
    status: 400,
    reason: "Bare CR in header field value",
    close: true,
  },
  {
    name: "Content-Length with vertical tab",
    request: req(POST, ["Content-Length:\x0b1"], "x"),
    status: 400,
    reason: "Invalid character in header field value",
    close: true,
  },
  {
    name: "two different Content-Lengths",
    request: req(POST, ["Content-Length: 1", "Content-Length: 2"], "xy"),
    status: 400,
    reason: "More than one Content-Length",
    close: true,
  },
  {
    name: "two equal Content-Lengths",
    request: req(POST, ["Content-Length: 1", "Content-Length: 1"], "x"),
    status: 400,
    reason: "More than one Content-Length",
    close: true,
  },
  {
    name: "Content-Length list",
    request: req(POST, ["Content-Length: 1, 1"], "x"),
    status: 400,
    reason: "Invalid Content-Length",
    close: true,
  },
  {
    name: "Content-Length over 2^53-1",
    request: req(POST, ["Content-Length: 9007199254740992"], "x"),
    status: 413,
    reason: "Content-Length too large",
    close: true,
  },
  {
    name: "Content-Length of 30 digits",
    request: req(POST, [`Content-Length: ${"9".repeat(30)}`], "x"),
    status: 413,
    reason: "Content-Length too large",
    close: true,
  },
  {
    name: "Content-Length folded",
    request: req(POST, ["Content-Length: 1", " 2"], "x"),
    status: 400,
    reason: "Obsolete line folding in header field",
    close: true,
  },

  // --- Transfer-Encoding (RFC 9112 sections 6.1 and 6.3; llhttp transfer-encoding.md) ---
  // CL with TE: the classic smuggling shapes (RFC 9112 section 6.3 rule 3: treat as an error; we 400 and close).
  {
    name: "CL.TE smuggling",
    request: req(POST, ["Content-Length: 6", CHUNKED], "0\r\n\r\nG"),
    status: 400,
    reason: "Both Content-Length and Transfer-Encoding",
    close: true,
  },
  {
    name: "TE.CL smuggling",
    request: req(
      POST,
      [CHUNKED, "Content-Length: 3"],
      "8\r\nSMUGGLED\r\n0\r\n\r\n",
    ),
    status: 400,
    reason: "Both Content-Length and Transfer-Encoding",
    close: true,
  },
  {
    name: "TE with CL of zero",
    request: req(POST, [CHUNKED, "Content-Length: 0"], "0\r\n\r\n"),
    status: 400,
    reason: "Both Content-Length and Transfer-Encoding",
    close: true,
  },
  {
    name: "TE on HTTP/1.0",
    request: req("POST / HTTP/1.0", [CHUNKED], "0\r\n\r\n", false),
    status: 400,
    reason: "Transfer-Encoding in an HTTP/1.0 request",
    close: true,
  },
  // chunked must be the final coding of a request (RFC 9112 section 6.3 rule 4: 400).
  {
    name: "chunked not last",
    request: req(POST, ["Transfer-Encoding: chunked, gzip"], "0\r\n\r\n"),
    status: 400,
    reason: "chunked is not the final transfer coding",
    close: true,
  },
  {
    name: "chunked twice in one field",
    request: req(POST, ["Transfer-Encoding: chunked, chunked"], "0\r\n\r\n"),
    status: 400,
    reason: "chunked applied more than once",
    close: true,
  },
  {
    name: "chunked in two fields",
    request: req(POST, [CHUNKED, CHUNKED], "0\r\n\r\n"),
    status: 400,
    reason: "chunked applied more than once",
    close: true,
  },
  {
    name: "chunked then identity fields",
    request: req(POST, [CHUNKED, "Transfer-Encoding: identity"], "0\r\n\r\n"),
    status: 400,
    reason: "chunked is not the final transfer coding",
    close: true,
  },
  // A coding the server does not implement, chunked last: 501 (RFC 9112 section 6.1 SHOULD).
  {
    name: "gzip then chunked",
    request: req(POST, ["Transfer-Encoding: gzip, chunked"], "0\r\n\r\n"),
    status: 501,
    reason: "Transfer coding not implemented: gzip",
    close: true,
  },
  // No chunked at all: section 6.3 rule 4 (chunked not final, MUST 400) wins over section 6.1's SHOULD 501.
  {
    name: "identity coding",
    request: req(POST, ["Transfer-Encoding: identity"], ""),
    status: 400,
    reason: "chunked is not the final transfer coding",
    close: true,
  },
  {
    name: "unknown coding",
    request: req(POST, ["Transfer-Encoding: foo"], ""),
    status: 400,
    reason: "chunked is not the final transfer coding",
    close: true,
  },
  {
    name: "chunked with suffix",
    request: req(POST, ["Transfer-Encoding: chunkedx"], "0\r\n\r\n"),
    status: 400,
    reason: "chunked is not the final transfer coding",
    close: true,
  },
  {
    name: "TE with space before colon",
    request: req(POST, ["Transfer-Encoding : chunked"], "0\r\n\r\n"),
    status: 400,
    reason: "Whitespace between header field name and colon",
    close: true,
  },
  {
    name: "TE with vertical tab",
    request: req(POST, ["Transfer-Encoding:\x0bchunked"], "0\r\n\r\n"),
    status: 400,
    reason: "Invalid character in header field value",
    close: true,
  },
  {
    name: "TE folded",
    request: req(POST, ["Transfer-Encoding: gzip,", " chunked"], "0\r\n\r\n"),
    status: 400,
    reason: "Obsolete line folding in header field",
    close: true,
  },

  // --- Chunked bodies (RFC 9112 section 7.1; llhttp transfer-encoding.md) ---
  {
    name: "chunk size not hex",
    request: req(POST, [CHUNKED], "g\r\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk size",
    close: true,
  },
  {
    name: "empty chunk size",
    request: req(POST, [CHUNKED], "\r\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk size",
    close: true,
  },
  {
    name: "negative chunk size",
    request: req(POST, [CHUNKED], "-1\r\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk size",
    close: true,
  },
  {
    name: "chunk size with 0x",
    request: req(POST, [CHUNKED], "0x1\r\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk size",
    close: true,
  },
  // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), name a token,
  // value a token or quoted-string (RFC 9112 section 7.1.1).
  {
    name: "chunk extension without a name",
    request: req(POST, [CHUNKED], "5;\r\nhello\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk extension",
    close: true,
  },
  {
    name: "chunk extension name not a token",
    request: req(POST, [CHUNKED], "5;bad[=x\r\nhello\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk extension",
    close: true,
  },
  {
    name: "chunk extension with an empty value",
    request: req(POST, [CHUNKED], "5;a=\r\nhello\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk extension",
    close: true,
  },
  {
    name: "chunk extension with an unclosed quoted value",
    request: req(POST, [CHUNKED], '5;a="x\r\nhello\r\n0\r\n\r\n'),
    status: 400,
    reason: "Invalid chunk extension",
    close: true,
  },
  // Whitespace after a size may only lead to a chunk extension (`1 ;a` is served).
  {
    name: "chunk size with inner space",
    request: req(POST, [CHUNKED], "1 0\r\n" + "x".repeat(16) + "\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk extension",
    close: true,
  },
  {
    name: "chunk size with leading space",
    request: req(POST, [CHUNKED], " 1\r\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk size",
    close: true,
  },
  {
    name: "chunk size overflow",
    request: req(POST, [CHUNKED], "fffffffffffffffffff\r\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Chunk size too large",
    close: true,
  },
  {
    name: "chunk size just over 2^53",
    request: req(POST, [CHUNKED], "20000000000001\r\nx"),
    status: 400,
    reason: "Chunk size too large",
    close: true,
  },
  // A chunk size line ends in CRLF only: a bare LF is no size digit, nor a line end.
  {
    name: "bare LF after chunk size",
    request: req(POST, [CHUNKED], "1\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk size",
    close: true,
  },
  {
    name: "bare CR after chunk size",
    request: req(POST, [CHUNKED], "1\rx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Chunk size line not ended by CRLF",
    close: true,
  },
  {
    name: "chunk data too long",
    request: req(POST, [CHUNKED], "1\r\nxy\r\n0\r\n\r\n"),
    status: 400,
    reason: "Chunk data not followed by CRLF",
    close: true,
  },
  {
    name: "bare LF after chunk data",
    request: req(POST, [CHUNKED], "1\r\nx\n0\r\n\r\n"),
    status: 400,
    reason: "Chunk data not followed by CRLF",
    close: true,
  },
  {
    name: "no line end after chunk data",
    request: req(POST, [CHUNKED], "3\r\nabcdef\r\n0\r\n\r\n"),
    status: 400,
    reason: "Chunk data not followed by CRLF",
    close: true,
  },
  {
    name: "bare LF after last chunk",
    request: req(POST, [CHUNKED], "0\n\r\n"),
    status: 400,
    reason: "Invalid chunk size",
    close: true,
  },
  {
    name: "chunk extension with NUL",
    request: req(POST, [CHUNKED], "1;a\0b\r\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Invalid chunk extension",
    close: true,
  },
  {
    name: "chunk extension with bare CR",
    request: req(POST, [CHUNKED], "1;a\rb\r\nx\r\n0\r\n\r\n"),
    status: 400,
    reason: "Chunk size line not ended by CRLF",
    close: true,
  },
  {
    name: "chunk size line over 4 KiB",
    request: req(POST, [CHUNKED], `1;a=${"b".repeat(4100)}\r\nx\r\n0\r\n\r\n`),
    status: 400,
    reason: "Chunk size line too long",
    close: true,
  },
  // Trailer fields are checked like header fields (RFC 9112 section 7.1.2).
  {
    name: "trailer with space before colon",
    request: req(POST, [CHUNKED], "0\r\nX-T : v\r\n\r\n"),
    status: 400,
    reason: "Invalid trailer field name",
    close: true,
  },
  {
    name: "trailer with NUL",
    request: req(POST, [CHUNKED], "0\r\nX-T: a\0b\r\n\r\n"),
    status: 400,
    reason: "Invalid trailer field value",
    close: true,
  },
  {
    name: "trailer obs-fold",
    request: req(POST, [CHUNKED], "0\r\nX-T: a\r\n b\r\n\r\n"),
    status: 400,
    reason: "Invalid trailer field",
    close: true,
  },
  {
    name: "trailers over 16 KiB",
    request: req(POST, [CHUNKED], `0\r\nX-T: ${"v".repeat(17 * 1024)}\r\n\r\n`),
    status: 431,
    reason: "Trailer section too large",
    close: true,
  },

  // --- Expect (RFC 9110 section 10.1.1: an unknown expectation MAY be 417) ---
  {
    name: "unknown expectation",
    request: req(POST, ["Expect: teapot", "Content-Length: 1"], "x"),
    status: 417,
    reason: "Only 100-continue is supported",
    close: true,
  },

  // --- HEAD: an error answer has the head only (RFC 9110 section 9.3.2; found by the fuzzer) ---
  {
    name: "HEAD with unknown expectation",
    request: req("HEAD / HTTP/1.1", ["Expect: teapot"]),
    status: 417,
    reason: "Only 100-continue is supported",
    head: true,
    close: true,
  },
  {
    name: "HEAD with bad Content-Length",
    request: req("HEAD / HTTP/1.1", ["Content-Length: x"]),
    status: 400,
    reason: "Invalid Content-Length",
    head: true,
    close: true,
  },

  // --- Pipelines: the good request is answered, then the bad one (llhttp pipelining.md) ---
  {
    name: "good then garbage",
    request: OK + "garbage\r\n\r\n",
    status: 400,
    reason: "Invalid character in method",
    before: [200],
    close: true,
  },
  {
    name: "good then two Content-Lengths",
    request: OK + req(POST, ["Content-Length: 1", "Content-Length: 2"], "xy"),
    status: 400,
    reason: "More than one Content-Length",
    before: [200],
    close: true,
  },
  {
    name: "good then CL.TE",
    request: OK + req(POST, ["Content-Length: 4", CHUNKED], "0\r\n\r\n"),
    status: 400,
    reason: "Both Content-Length and Transfer-Encoding",
    before: [200],
    close: true,
  },
  {
    name: "two good then bad version",
    request: OK + OK + req("GET / HTTP/2.0"),
    status: 505,
    reason: "HTTP/2.0 is not supported",
    before: [200, 200],
    close: true,
  },
  // A body that hides a request: the smuggled bytes are body, the next request is then checked on its own.
  {
    name: "body holding a request then bad",
    request: req(POST, ["Content-Length: 18"], "GET /x HTTP/1.1\r\n\r\n") +
      "\0",
    status: 400,
    reason: "Invalid character in method",
    before: [200],
    close: true,
  },
];

/** Unusual requests that must be served. */
export const VALID_EDGE_CASES: readonly ValidEdgeCase[] = [
  {
    name: "empty lines before request line",
    request: "\r\n\r\n" + OK,
    paths: ["/"],
    close: false,
  }, // RFC 9112 section 2.2
  {
    name: "bare LF line ends",
    request: "GET /lf HTTP/1.1\nHost: a\n\n",
    paths: ["/lf"],
    close: false,
  }, // RFC 9112 section 2.2 MAY
  {
    name: "mixed LF and CRLF",
    request: "GET /m HTTP/1.1\r\nHost: a\nX-A: b\r\n\n",
    paths: ["/m"],
    close: false,
  },
  {
    name: "obs-text in field value",
    request: req("GET /o HTTP/1.1", ["X-A: caf\xe9 \xff"]),
    paths: ["/o"],
    close: false,
  }, // RFC 9110 section 5.5
  {
    name: "HTAB and trailing space in field value",
    request: req("GET /t HTTP/1.1", ["X-A:\tb\tc \t"]),
    paths: ["/t"],
    close: false,
  },
  {
    name: "empty field value",
    request: req("GET /e HTTP/1.1", ["X-A:"]),
    paths: ["/e"],
    close: false,
  },
  {
    name: "absolute-form target",
    request: req("GET http://a/p/q?x=1 HTTP/1.1"),
    paths: ["/p/q"],
    close: false,
  }, // RFC 9112 section 3.2.2
  {
    name: "absolute-form without path",
    request: req("GET http://a HTTP/1.1"),
    paths: ["/"],
    close: false,
  },
  {
    name: "HTTP/1.2 served as 1.1",
    request: req("GET /v HTTP/1.2"),
    paths: ["/v"],
    close: false,
  }, // RFC 9110 section 2.5
  {
    name: "HTTP/1.0 without Host",
    request: req("GET /ten HTTP/1.0", [], "", false),
    paths: ["/ten"],
    close: true,
  },
  {
    name: "HTTP/1.0 keep-alive",
    request: req("GET /ka HTTP/1.0", ["Connection: keep-alive"], "", false),
    paths: ["/ka"],
    close: false,
    header: ["connection", "keep-alive"],
  },
  {
    name: "Connection: close",
    request: req("GET /c HTTP/1.1", ["Connection: close"]),
    paths: ["/c"],
    close: true,
    header: ["connection", "close"],
  },
  {
    name: "target of 8000 bytes",
    request: req(`GET /${"a".repeat(7999)} HTTP/1.1`),
    paths: [`/${"a".repeat(7999)}`],
    close: false,
  },
  {
    name: "100 fields",
    request: req(
      "GET /f HTTP/1.1",
      Array.from({ length: 99 }, (_, i) => `X-${i}: v`),
    ),
    paths: ["/f"],
    close: false,
  },
  {
    name: "percent-encoded path answered as sent",
    request: req("GET /a%20b/%7E HTTP/1.1"),
    paths: ["/a%20b/%7E"],
    close: false,
  },
  {
    name: "query with slash and question mark",
    request: req("GET /q?a=/b?c HTTP/1.1"),
    paths: ["/q"],
    close: false,
  },
  {
    name: "Content-Length with leading zeros",
    request: req("POST /z HTTP/1.1", ["Content-Length: 003"], "abc"),
    paths: ["/z"],
    close: false,
  }, // 1*DIGIT
  {
    name: "chunked with leading zeros and upper hex",
    request: req(
      "POST /h HTTP/1.1",
      [CHUNKED],
      "000A\r\n0123456789\r\n00\r\n\r\n",
    ),
    paths: ["/h"],
    close: false,
  },
  {
    name: "chunk extensions",
    request: req(
      "POST /x HTTP/1.1",
      [CHUNKED],
      '1;a=b;c="d;e"\r\nx\r\n0;z\r\n\r\n',
    ),
    paths: ["/x"],
    close: false,
  }, // RFC 9112 section 7.1.1
  {
    name: "chunk extension after BWS",
    request: req("POST /b HTTP/1.1", [CHUNKED], "1 ;a\r\nx\r\n0\r\n\r\n"),
    paths: ["/b"],
    close: false,
  },
  {
    name: "chunk extensions with BWS around = and a quoted-pair",
    request: req(
      "POST /q HTTP/1.1",
      [CHUNKED],
      '1 ; a = "q\\"x" ;b\r\nx\r\n0\r\n\r\n',
    ),
    paths: ["/q"],
    close: false,
  }, // RFC 9112 section 7.1.1, RFC 9110 section 5.6.4
  {
    name: "trailer fields",
    request: req(
      "POST /tr HTTP/1.1",
      [CHUNKED],
      "1\r\nx\r\n0\r\nX-T: v\r\nX-U: w\r\n\r\n",
    ),
    paths: ["/tr"],
    close: false,
  }, // RFC 9112 section 7.1.2
  {
    name: "TE chunked in any case with OWS",
    request: req(
      "POST /cc HTTP/1.1",
      ["Transfer-Encoding:  ChUnKeD  "],
      "0\r\n\r\n",
    ),
    paths: ["/cc"],
    close: false,
  },
  {
    name: "HEAD answered without body",
    request: req("HEAD /hd HTTP/1.1"),
    paths: ["/hd"],
    close: false,
    head: true,
  },
  {
    name: "GET with a body",
    request: req("GET /gb HTTP/1.1", ["Content-Length: 2"], "ab"),
    paths: ["/gb"],
    close: false,
  },
  {
    name: "body bytes that look like a request",
    request: req(
      "POST /p HTTP/1.1",
      ["Content-Length: 18"],
      "GET /x HTTP/1.1\r\n\r\n",
    ),
    paths: ["/p"],
    close: false,
  },
  {
    name: "pipeline of three",
    request: req("GET /1 HTTP/1.1") +
      req("POST /2 HTTP/1.1", ["Content-Length: 1"], "x") +
      req("GET /3 HTTP/1.1"),
    paths: ["/1", "/2", "/3"],
    close: false,
  },
  {
    name: "Expect 100-continue with body present",
    request: req("POST /ec HTTP/1.1", [
      "Expect: 100-continue",
      "Content-Length: 1",
    ], "x"),
    paths: ["/ec"],
    close: false,
  },
  // RFC 9110 section 10.1.1: a server MUST ignore 100-continue in an HTTP/1.0 request.
  {
    name: "Expect 100-continue on HTTP/1.0",
    request: req(
      "POST /e10 HTTP/1.0",
      ["Expect: 100-continue", "Content-Length: 1"],
      "x",
      false,
    ),
    paths: ["/e10"],
    close: true,
  },
  // HTTP/1.0 has no Host rule: an empty one is ignored.
  {
    name: "empty Host on HTTP/1.0",
    request: req("GET /eh HTTP/1.0", ["Host:"], "", false),
    paths: ["/eh"],
    close: true,
  },
  {
    name: "Host with port and IPv6 literal",
    request: req("GET /v6 HTTP/1.1", ["Host: [::1]:8080"], "", false),
    paths: ["/v6"],
    close: false,
  },
];
