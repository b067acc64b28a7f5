// Peer for the benchmark: Node's `http` module answering `hello, <path>`
// like the project's servers.
//
// Usage: node bench/peers/node_http.mjs <port>
import http from "node:http";

const port = Number(process.argv[2] ?? 8000);
const server = http.createServer((request, response) => {
  const path = request.url.split("?", 1)[0];
  response.setHeader("Content-Type", "text/plain; charset=utf-8");
  response.end(`hello, ${path}`);
});
// Node's default keep-alive timeout (5 s) would close idle connections during
// the idle-memory scenario; the project's servers and nginx keep them longer.
server.keepAliveTimeout = 120_000;
server.listen(port, "127.0.0.1", () => {
  console.log(`node:http listening on http://127.0.0.1:${port}/`);
});
