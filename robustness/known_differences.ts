/**
 * Where the project's servers and Node's llhttp (strict mode) disagree on a
 * corpus case, with the reason ours is right or at least allowed, against
 * RFC 9112 (and RFC 9110). The differential test fails on any disagreement
 * not listed here.
 *
 * `node` is what Node answers: the final statuses, comma-separated.
 *
 * @module
 */

/** One justified disagreement. */
export interface KnownDifference {
  /** Node's final statuses, e.g. `"200"` or `"200,200,200"`. */
  node: string;
  /** Why ours is right: the RFC section it rests on. */
  why: string;
}

const STRICT_REQUEST_LINE =
  "RFC 9112 section 3: request-line = method SP request-target SP HTTP-version; a recipient MAY split on any whitespace, " +
  "we do not: single SP only, so no two parsers in a chain read the line differently.";
const HOST_RULE =
  "RFC 9112 section 3.2: a server MUST answer 400 to a request with more than one Host field line or an invalid Host value; " +
  "Node's server does not check the value or the count.";
const HTTP2_LINE =
  "RFC 9110 section 15.6.6: 505 for a major version the server does not support; llhttp takes 2.0 as a version it can parse " +
  "(HTTP/2 never travels in HTTP/1 framing).";
const PIPELINE =
  "Both refuse the bad request. Node's server drops the answer already owed to the good request before it (its error path " +
  "destroys the socket); ours answers every complete request in order first (RFC 9112 section 9.3.2), then the error.";

/** The disagreements, by corpus case name. */
export const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {
  // Both refuse; the status differs.
  "lowercase method": {
    node: "400",
    why:
      "RFC 9110 section 9.1: methods are case-sensitive tokens, so `get` is a well-formed unknown method: 501 " +
      "(section 15.6.2). llhttp only parses the methods it knows and calls the rest a syntax error.",
  },
  "unknown method": {
    node: "400",
    why:
      "As for `get`: a well-formed unknown method is 501 (RFC 9110 section 15.6.2).",
  },
  "HTTP/3.0 request line": { node: "400", why: HTTP2_LINE },
  "HTTP/2 connection preface": {
    node: "400",
    why:
      "RFC 9113 section 3.4: the preface is `PRI * HTTP/2.0`; answering 505 says plainly that HTTP/2 is not spoken here.",
  },
  "Content-Length over 2^53-1": {
    node: "400",
    why:
      "RFC 9110 section 15.5.14: 413 for content larger than the server will take; ours refuses at once, Node waits for the " +
      "body and fails at end of stream.",
  },
  "Content-Length of 30 digits": {
    node: "400",
    why:
      "As above: 413 at once for a length beyond 2^53-1 (RFC 9110 section 15.5.14).",
  },
  // Node serves what ours refuses.
  "two spaces after method": { node: "200", why: STRICT_REQUEST_LINE },
  "two spaces before version": { node: "200", why: STRICT_REQUEST_LINE },
  "HTTP/0.9 request line without version": {
    node: "200",
    why:
      "RFC 9112 section 2.3 and Appendix C.1: HTTP/0.9 is not supported; a request line must end in an HTTP-version.",
  },
  "HTTP/2.0 request line": { node: "200", why: HTTP2_LINE },
  "100 KB method": {
    node: "400",
    why:
      "RFC 9112 section 3 and RFC 9110 section 15.6.2: a method the server does not implement is 501, however long; llhttp " +
      "knows a fixed list and calls anything else a syntax error.",
  },
  "method one byte over the longest known": {
    node: "400",
    why: "As for the 100 KB method: 501 (RFC 9110 section 15.6.2).",
  },
  "fragment in target": {
    node: "200",
    why:
      'RFC 9112 section 3.2: origin-form is absolute-path [ "?" query ], with no fragment; a client never sends one ' +
      "(RFC 9110 section 7.1), so `#` on the wire is malformed. Node passes it to the app.",
  },
  "backslash in target": {
    node: "200",
    why:
      "RFC 3986 allows `\\` in no part of a URI, so a target holding one is malformed (RFC 9112 section 3.2); Node passes it on.",
  },
  "asterisk-form on GET": {
    node: "200",
    why: "RFC 9112 section 3.2.4: asterisk-form is only for OPTIONS.",
  },
  "asterisk-form on POST": {
    node: "200",
    why: "RFC 9112 section 3.2.4: asterisk-form is only for OPTIONS.",
  },
  "non-http absolute target": {
    node: "200",
    why:
      "RFC 9110 sections 4.3.1 and 7.4: an origin server serves only the origins it is configured for, and an ftp URI is " +
      "none of an http server's; ours refuses it (a 421 would also do), Node ignores the scheme and serves the path.",
  },
  "target over 8 KiB": {
    node: "200",
    why:
      "RFC 9112 section 3 asks servers to take at least 8,000 octets; beyond our 8 KiB limit we answer 414 (RFC 9110 section 15.5.15). " +
      "Node's only limit is the 16 KiB head.",
  },
  "101 fields": {
    node: "200",
    why:
      "Our limit of 100 fields (Apache's) answers 431 (RFC 6585 section 5); Node keeps the first 2,000 and drops the rest silently.",
  },
  "two Host fields": { node: "200", why: HOST_RULE },
  "empty Host on HTTP/1.1": {
    node: "200",
    why:
      "RFC 9110 section 4.2.1: an http URI with an empty host is invalid and a recipient MUST reject it; the empty Host that " +
      "RFC 9112 section 3.2 allows is for targets without an authority, which an http origin server never has.",
  },
  "two identical Host fields": { node: "200", why: HOST_RULE },
  "Host with space": { node: "200", why: HOST_RULE },
  "Host with slash": { node: "200", why: HOST_RULE },
  "Host with userinfo": {
    node: "200",
    why: HOST_RULE +
      ' RFC 9110 section 7.2: Host is uri-host [ ":" port ], no userinfo.',
  },
  "Host list": { node: "200", why: HOST_RULE },
  "TE on HTTP/1.0": {
    node: "200",
    why:
      "RFC 9112 section 6.1: a server that receives an HTTP/1.0 message with Transfer-Encoding MUST treat the framing as faulty; " +
      "we answer 400 and close, Node decodes it as chunked.",
  },
  "gzip then chunked": {
    node: "200",
    why:
      "RFC 9112 section 6.1: a server SHOULD answer 501 to a transfer coding it does not understand; Node strips the chunked " +
      "framing and passes gzip bytes on undecoded.",
  },
  "chunk size line over 4 KiB": {
    node: "200",
    why:
      "Our 4 KiB bound on a chunk-size line (extensions are ignored anyway; RFC 9112 section 7.1.1 lets a server limit them) " +
      "is tighter than Node's.",
  },
  "chunk extension with an empty value": {
    node: "200",
    why:
      'RFC 9112 section 7.1.1: after "=" comes chunk-ext-val, a token or quoted-string, never nothing; Node accepts it.',
  },
  "good then garbage": { node: "400", why: PIPELINE },
  "good then two Content-Lengths": { node: "400", why: PIPELINE },
  "good then CL.TE": { node: "400", why: PIPELINE },
  "body holding a request then bad": { node: "400", why: PIPELINE },
  "two good then bad version": { node: "200,200,200", why: HTTP2_LINE },
  // Ours serves what Node refuses.
  "bare LF line ends": {
    node: "400",
    why:
      "RFC 9112 section 2.2: a recipient MAY recognize a single LF as a line terminator (nginx does); llhttp in strict mode " +
      "requires CR. Bare LF stays refused inside chunked framing, where no such allowance exists.",
  },
  "mixed LF and CRLF": {
    node: "400",
    why: "RFC 9112 section 2.2, as for bare LF line ends.",
  },
  "HTTP/1.2 served as 1.1": {
    node: "400",
    why:
      "RFC 9110 section 2.5: a higher minor version of a major version we implement SHOULD be processed as the highest minor " +
      "version we conform to, 1.1.",
  },
  "chunk extensions with BWS around = and a quoted-pair": {
    node: "400",
    why:
      'RFC 9112 section 7.1.1 allows BWS around "=" and a quoted-string value, whose quoted-pair RFC 9110 section 5.6.4 ' +
      "defines; llhttp strict refuses the whitespace.",
  },
  "chunk extension after BWS": {
    node: "400",
    why:
      'RFC 9112 section 7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), so whitespace ' +
      "before `;` is allowed; llhttp strict refuses it.",
  },
};
