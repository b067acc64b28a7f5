/**
 * Step 1 of the tutorial: the brief's blocking loop, and a server that
 * ignores what it receives and answers a hard-coded "hello, world".
 *
 * ```sh
 * deno run --allow-net tutorial/step1_hello_world.ts 8080
 * curl -i http://localhost:8080/any/path
 * ```
 *
 * Read `docs/tutorial.md` beside it: it says what to try, and what the probe
 * makes of this step.
 *
 * @module
 */

import { listenOnArgs } from "./listen.ts";

/** The server's name, for its one line of output. */
const NAME = "step1_hello_world";

/**
 * The whole answer, written once. Every response needs its status line; the
 * Content-Length tells the client where the body ends, and `Connection:
 * close` tells it not to send a second request on this connection.
 */
// ANCHOR: response
const RESPONSE = "HTTP/1.1 200 OK\r\n" +
  "Content-Type: text/plain\r\n" +
  "Content-Length: 12\r\n" +
  "Connection: close\r\n" +
  "\r\n" +
  "hello, world";
// ANCHOR_END: response

/** How much one read takes: a usual request head fits. */
const READ_SIZE = 16 * 1024;

/**
 * Writes all of `text`. A write may take only part of what it is given
 * (when the kernel's buffer is full), so we write until all is gone.
 */
async function send(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length;) {
    at += await conn.write(bytes.subarray(at));
  }
}

/**
 * Serves one connection: one read, whatever it holds (the request is
 * ignored), then the hard-coded answer. The caller closes the connection.
 */
// ANCHOR: handle
export async function handleConnection(conn: Deno.Conn): Promise<void> {
  await conn.read(new Uint8Array(READ_SIZE));
  await send(conn, RESPONSE);
}
// ANCHOR_END: handle

/**
 * The brief's blocking loop: accept one connection, serve it, close it,
 * then accept the next. While one client is served, the others wait in the
 * kernel's queue of connections not yet accepted.
 */
// ANCHOR: serve
export async function serve(listener: Deno.Listener): Promise<void> {
  while (true) {
    const conn = await listener.accept();
    try {
      await handleConnection(conn);
    } catch (error) {
      // The client reset the connection, or went away: serve the next one.
      console.error(`${NAME}: ${(error as Error).message}`);
    }
    conn.close();
  }
}
// ANCHOR_END: serve

// Only when run as a program: importing this file starts nothing.
if (import.meta.main) await serve(listenOnArgs(NAME));
