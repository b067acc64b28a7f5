/**
 * The smallest blocking server around `handleConnection`: the brief's loop,
 * line for line. One connection at a time: while one client is connected,
 * the next waits in the kernel's listen queue, however idle the first one
 * is (`webserve.ts` adds the timeouts and the time slice that bound that
 * wait).
 *
 * ```sh
 * deno run --allow-net examples/blocking_minimal.ts 8080
 * ```
 *
 * @module
 */

import { handleConnection } from "../handler.ts";
import { listenOrExit } from "./listen_or_exit.ts";

const listener = listenOrExit("blocking_minimal");

while (true) {
  const conn = await listener.accept();
  let [close, state] = await handleConnection(conn);
  while (!close) [close, state] = await handleConnection(conn, state);
  conn.close();
}
