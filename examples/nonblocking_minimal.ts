/**
 * The smallest non-blocking server around the same `handleConnection`:
 * accept, and give every connection its own async loop. While one
 * connection waits for its next read, the event loop serves the others
 * (`webserve_nb.ts` adds timeouts, a connection cap and fair turns).
 *
 * ```sh
 * deno run --allow-net examples/nonblocking_minimal.ts 8080
 * ```
 *
 * @module
 */

import { handleConnection } from "../handler.ts";
import { listenOrExit } from "./listen_or_exit.ts";

/** The brief's inner loop, for one connection; several run at once. */
async function serve(conn: Deno.Conn): Promise<void> {
  let [close, state] = await handleConnection(conn);
  while (!close) [close, state] = await handleConnection(conn, state);
  conn.close();
}

for await (const conn of listenOrExit("nonblocking_minimal")) {
  serve(conn); // not awaited: the accept loop goes on at once
}
