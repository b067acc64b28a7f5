/**
 * Step 4 of the tutorial, the non-blocking server: every connection at
 * once, one pending `handleConnection` call each, the very function the
 * blocking `step4_webserve.ts` calls (from `step4_handler.ts`).
 *
 * In Python the brief's non-blocking server asks `select` which sockets
 * have bytes, and calls `handle_connection` for each: a call must take what
 * one read brings and return, because a second read would find nothing
 * there. Deno has no "nothing there": a read is a promise that settles when
 * bytes come, and the runtime's event loop waits on every pending read at
 * once, as `select` does. So here each connection has exactly one call
 * pending; when it settles, the next call is started, and no connection
 * ever waits for another.
 *
 * ```sh
 * deno run --allow-net tutorial/step4_webserve_nb.ts 8080
 * curl -i http://localhost:8080/some/random/url http://localhost:8080/again
 * ```
 *
 * @module
 */

import { listenOnArgs } from "./listen.ts";
import { handleConnection, type State } from "./step4_handler.ts";

/** The server's name, for its one line of output. */
const NAME = "step4_webserve_nb";

/**
 * Calls `handleConnection` for `conn` and, when it settles, again, until it
 * says close. Nothing here waits: each call is handed to the event loop,
 * which runs the next step of whichever connection's read comes first.
 */
function serveConnection(conn: Deno.Conn, state?: State): void {
  handleConnection(conn, state).then(([close, next]) => {
    if (close) conn.close();
    else serveConnection(conn, next);
  });
}

/** Accepts every connection as it comes, and serves them all at once. */
export async function serve(listener: Deno.Listener): Promise<void> {
  for await (const conn of listener) serveConnection(conn);
}

// Only when run as a program: importing this file starts nothing.
if (import.meta.main) await serve(listenOnArgs(NAME));
