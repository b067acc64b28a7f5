/**
 * A server module for `workers_test.ts` whose every worker dies: it listens
 * as a worker should, then throws as it accepts its first connection, as a
 * bug in a server loop would. As a script, it is a server command line over
 * such workers.
 *
 * Usage: `deno run --allow-net --allow-read=. tests/testdata/dying_server.ts 0 --workers 2`
 *
 * @module
 */

import type { Listeners } from "../../server/listen.ts";
import { runServerCli } from "../../server/main.ts";
import type { ServerHandle } from "../../server/options.ts";
import { resolveWorkers } from "../../server/worker_count.ts";
import { serveWithWorkers } from "../../server/workers.ts";

/** Listens, then dies of an uncaught error on its first connection. */
export function serveOn(listeners: Listeners): ServerHandle {
  listeners.accept().then((conn) => {
    if (conn === null) return; // stopped
    conn.close();
    setTimeout(() => {
      throw new Error("boom");
    });
  });
  const stop = () => {
    listeners.close();
    return Promise.resolve();
  };
  return {
    addr: listeners.addrs[0],
    addrs: listeners.addrs,
    families: listeners.families,
    ready: Promise.resolve(),
    finished: new Promise(() => {}),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

if (import.meta.main) {
  Deno.exit(
    await runServerCli(
      "non-blocking",
      Deno.args,
      (options) =>
        serveWithWorkers(
          import.meta.url,
          "non-blocking",
          resolveWorkers(options.workers),
          options,
        ),
    ),
  );
}
