/**
 * Step 5 of the tutorial, the non-blocking server: step 4's loop, around the
 * project's own `handleConnection` (from `mod.ts`, the library's front
 * door), which keeps the brief's contract too.
 *
 * ```sh
 * deno run --allow-net examples/step5_webserve_nb.ts 8080
 * ```
 *
 * @module
 */

import {
  type ConnectionState as State,
  handleConnection,
  type Socket,
} from "../mod.ts";
import { listenOnArgs } from "../tutorial/listen.ts";

/** The server's name, for its one line of output. */
const NAME = "step5_webserve_nb";

/** How much one read takes: a usual request head fits. */
const READ_SIZE = 16 * 1024;

/** One open connection, as the loop sees it. */
interface Client {
  conn: Deno.Conn;
  /** What `handleConnection` returned for it last time. */
  state?: State;
  /** Bytes the loop has read that the handler has not taken yet (null: the end). */
  unread?: Uint8Array | null;
  /** Its answers still on their way out: it is read again once they are gone. */
  sending: Promise<void>;
}

/** Writes all of `bytes`, however long the client takes to read them. */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  try {
    for (let at = 0; at < bytes.length;) {
      at += await conn.write(bytes.subarray(at));
    }
  } catch {
    // The client went away: its next read says so.
  }
}

/** Reads `client` once its answers have gone, and keeps what came in `unread`. */
async function readNext(client: Client): Promise<Client> {
  await client.sending;
  const chunk = new Uint8Array(READ_SIZE);
  const n = await client.conn.read(chunk).catch(() => null);
  client.unread = n === null ? null : chunk.subarray(0, n);
  return client;
}

/**
 * The socket `handleConnection` gets. A read hands over the bytes the loop
 * has already read; a read beyond them waits on the connection itself, and
 * the whole loop waits with it. Writes are queued, and sent while the loop
 * goes on.
 */
function socketFor(client: Client): Socket {
  return {
    read(buffer: Uint8Array): Promise<number | null> {
      const given = client.unread;
      if (given === undefined) return client.conn.read(buffer);
      if (given === null || given.length <= buffer.length) {
        client.unread = undefined;
      } else client.unread = given.subarray(buffer.length);
      if (given === null) return Promise.resolve(null);
      buffer.set(given.subarray(0, buffer.length));
      return Promise.resolve(Math.min(given.length, buffer.length));
    },
    write(data: Uint8Array): Promise<number> {
      const bytes = data.slice();
      client.sending = client.sending.then(() => writeAll(client.conn, bytes));
      return Promise.resolve(data.length);
    },
  };
}

/**
 * The loop, as the brief's Python one would be with `select`: every
 * connection has a read pending; a connection whose read came back joins
 * the queue `ready`; the loop takes them one at a time, in the order they
 * came, calls `handleConnection` for each, and waits for the call to return
 * before it serves anyone else. So a call must not wait for anything more
 * than the bytes already read, or every connection waits with it.
 *
 * ```text
 * accept, in the background ------> start a read on the new connection
 * a read comes back --------------> join the queue of the ready
 * the loop: take the first ready --> handleConnection(socket, state)
 *                                     --> close, or start its next read
 * ```
 */
export async function serve(listener: Deno.Listener): Promise<void> {
  const ready: Client[] = [];
  let wake = () => {};
  const enqueue = (client: Client) => {
    ready.push(client);
    wake();
  };
  const read = (client: Client) => readNext(client).then(enqueue);
  (async () => {
    for await (const conn of listener) {
      read({ conn, sending: Promise.resolve() });
    }
  })();
  while (true) {
    while (ready.length === 0) {
      await new Promise<void>((resolve) => wake = resolve);
    }
    const client = ready.shift()!;
    // The one call, awaited: until it returns, no other connection is served.
    const [close, state] = await handleConnection(
      socketFor(client),
      client.state,
    );
    client.state = state;
    if (close) client.sending.then(() => client.conn.close());
    // Bytes it has not taken yet: call it again before reading more.
    else if (client.unread !== undefined) enqueue(client);
    else read(client);
  }
}

// Only when run as a program: importing this file starts nothing.
if (import.meta.main) await serve(listenOnArgs(NAME));
