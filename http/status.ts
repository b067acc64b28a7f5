/**
 * Status codes the engine and the hello app send, with their reason phrases
 * (RFC 9110 section 15).
 *
 * @module
 */

/** Reason phrases by status code. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  100: "Continue",
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Content Too Large",
  414: "URI Too Long",
  417: "Expectation Failed",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

const statusLines = new Map<number, string>();

/** `HTTP/1.1 <code> <reason>\r\n`, built once per code. An unknown code gets an empty reason, which RFC 9112 allows. */
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ""}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}
