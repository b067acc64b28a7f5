/**
 * For `bench/thread_or_process.ts`, not a peer of its own: one webserve_nb
 * worker as a process instead of a thread. It opens its socket with
 * `SO_REUSEPORT` exactly as a worker thread does (`listenShared`) and runs
 * the same `serveOn`; several of these on one port are the child-process
 * design `--workers` did not take.
 *
 * Usage: `deno run --allow-net --unstable-net bench/peers/shared_port_server.ts <port>`
 *
 * @module
 */

import { listenShared } from "../../server/listen.ts";
import { serveOn } from "../../webserve_nb.ts";

const port = Number(Deno.args[0]);
const server = serveOn(
  listenShared([{ transport: "tcp", hostname: "127.0.0.1", port }], "IPv4"),
  { quiet: true },
);
console.log(`shared-port webserve_nb listening on http://127.0.0.1:${port}/`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    await server.stop();
    Deno.exit(0);
  });
}
