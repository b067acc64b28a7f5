// Peer for the benchmark's 2-core rows: Node's `cluster` with N workers,
// each the `node:http` server of node_http.mjs. Node's default scheduling
// on Linux: the primary accepts and hands connections round-robin.
//
// Usage: node bench/peers/node_cluster.mjs <port> [workers=2]
import cluster from "node:cluster";
import http from "node:http";

const port = Number(process.argv[2] ?? 8000);
const workers = Number(process.argv[3] ?? 2);

if (cluster.isPrimary) {
  let listening = 0;
  cluster.on("listening", () => {
    if (++listening === workers) {
      console.log(
        `node:http cluster (${workers} workers) listening on http://127.0.0.1:${port}/`,
      );
    }
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers)) worker.kill();
    process.exit(0);
  });
} else {
  const server = http.createServer((request, response) => {
    const path = request.url.split("?", 1)[0];
    response.setHeader("Content-Type", "text/plain; charset=utf-8");
    response.end(`hello, ${path}`);
  });
  server.keepAliveTimeout = 120_000;
  server.listen(port, "127.0.0.1");
}
