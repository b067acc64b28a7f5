/**
 * A server whose listening socket can no longer accept does not retry for
 * ever in silence: it says why once, stops on its own, and `finished`
 * resolves to the reason (which the command line prints before exiting 1).
 */

import assert from "node:assert/strict";
import { Listeners } from "../server/listen.ts";
import { raceTimeout } from "../wire/timers.ts";
import { serveOn as serveBlocking } from "../webserve.ts";
import { serveOn as serveNonBlocking } from "../webserve_nb.ts";

const SERVERS = [
  ["webserve", serveBlocking],
  ["webserve_nb", serveNonBlocking],
] as const;

for (const [name, serveOn] of SERVERS) {
  Deno.test(`${name} stops on its own, saying why once, when its socket can no longer accept`, async () => {
    const socket = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let accepts = 0;
    // A listener whose accept fails as a broken socket's does.
    const broken = {
      addr: socket.addr,
      accept() {
        accepts++;
        return Promise.reject(
          Object.assign(new Error("Invalid argument (os error 22)"), {
            code: "EINVAL",
          }),
        );
      },
      close: () => socket.close(),
    };
    const reported: unknown[] = [];
    const server = serveOn(
      new Listeners(
        [broken as unknown as Deno.TcpListener],
        "IPv4",
        (error) => reported.push(error),
      ),
      { quiet: true },
    );
    assert.equal(
      await raceTimeout(server.finished, 5_000),
      "cannot accept connections: Invalid argument (os error 22)",
    );
    assert.equal(accepts, 1);
    assert.equal(reported.length, 1);
  });
}
