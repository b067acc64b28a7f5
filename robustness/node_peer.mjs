// The trusted peer of the differential tests: Node's own HTTP server (llhttp,
// strict mode) answering like ours: GET/HEAD/POST -> 200 "hello, <path>" once
// the body is read; other known methods -> 405; parse errors -> 400 (431 for
// an oversized head) with the llhttp error code in X-Error. Prints its port.
import http from "node:http";

const OTHER_KNOWN = new Set([
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "CONNECT",
  "TRACE",
]);

function pathOf(url) {
  const rest = url.startsWith("/")
    ? url
    : url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, "");
  const path = rest.split("?")[0];
  return path === "" ? "/" : path;
}

function plain(res, status, body, extra = {}) {
  res.writeHead(status, {
    "Content-Type": "text/plain",
    "Content-Length": Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

const server = http.createServer({
  insecureHTTPParser: false,
  requireHostHeader: true,
}, (req, res) => {
  req.resume();
  req.on("end", () => {
    if (
      req.method === "GET" || req.method === "HEAD" || req.method === "POST"
    ) plain(res, 200, `hello, ${pathOf(req.url)}`);
    else if (OTHER_KNOWN.has(req.method)) {
      plain(res, 405, "method not allowed\n", {
        Allow: "GET, HEAD, POST",
        Connection: "close",
      });
    } else plain(res, 501, "not implemented\n", { Connection: "close" });
  });
});

server.on("clientError", (err, socket) => {
  const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} Error\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nX-Error: ${err.code}\r\nConnection: close\r\n\r\n`,
    );
  } else socket.destroy();
});

// Node's default 417 is chunked too; answer it like the others.
server.on(
  "checkExpectation",
  (_req, res) =>
    plain(res, 417, "expectation failed\n", { Connection: "close" }),
);

// CONNECT and Upgrade bypass the request handler; answer them the same way.
server.on("connect", (_req, socket) => {
  socket.end(
    "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
  );
});
server.on("upgrade", (req, socket) => {
  socket.end(
    `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${
      Buffer.byteLength(`hello, ${pathOf(req.url)}`)
    }\r\nConnection: close\r\n\r\nhello, ${pathOf(req.url)}`,
  );
});

server.listen(0, "127.0.0.1", () => {
  console.log(`listening on ${server.address().port}`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
