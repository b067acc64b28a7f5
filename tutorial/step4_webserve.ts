/**
 * Step 4 of the tutorial, the blocking server: step 3's loop, now calling
 * the `handleConnection` of `step4_handler.ts`, which it shares with the
 * non-blocking `step4_webserve_nb.ts`.
 *
 * ```sh
 * deno run --allow-net tutorial/step4_webserve.ts 8080
 * curl -i http://localhost:8080/some/random/url http://localhost:8080/again
 * ```
 *
 * Read `docs/tutorial.md` beside it: it says what to try, and what the probe
 * makes of this step.
 *
 * @module
 */

import { listenOnArgs } from "./listen.ts";
import { handleConnection } from "./step4_handler.ts";

/** The server's name, for its one line of output. */
const NAME = "step4_webserve";

/**
 * The brief's blocking loop: accept one connection, call `handleConnection`
 * until it says close, close, then accept the next. While one client is
 * served, the others wait in the kernel's queue of connections not yet
 * accepted; the handler's timeout is what makes an idle client let go.
 */
export async function serve(listener: Deno.Listener): Promise<void> {
  while (true) {
    const conn = await listener.accept();
    let [close, state] = await handleConnection(conn);
    while (!close) [close, state] = await handleConnection(conn, state);
    conn.close();
  }
}

// Only when run as a program: importing this file starts nothing.
if (import.meta.main) await serve(listenOnArgs(NAME));
