/**
 * Step 5 of the tutorial, the blocking server: step 4's loop, with the
 * project's own engine swapped in for the tutorial's handler. The engine's
 * `handleConnection` (from `mod.ts`) keeps the brief's contract, so the loop
 * is the brief's, line for line. The engine sets no timeouts of its own
 * (`webserve.ts` holds them), so here a client that stays connected and
 * silent holds the server until it leaves.
 *
 * ```sh
 * deno run --allow-net examples/step5_webserve.ts 8080
 * curl -i http://localhost:8080/some/random/url http://localhost:8080/again
 * ```
 *
 * @module
 */

import { handleConnection } from "../mod.ts";
import { listenOnArgs } from "../tutorial/listen.ts";

/** The server's name, for its one line of output. */
const NAME = "step5_webserve";

/**
 * The brief's blocking loop, as in step 4: accept one connection, call
 * `handleConnection` until it says close, close, then accept the next.
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
