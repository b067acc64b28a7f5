/**
 * Loopback plumbing for the differential tests: a raw TCP client that sends
 * bytes and collects everything the server writes, and Node's HTTP server
 * (llhttp) as a trusted peer in a child process.
 *
 * @module
 */

/** A running peer server. */
export interface RunningPeer {
  /** Its loopback port. */
  port: number;
  /** Stops it and waits for it to exit. */
  stop(): Promise<void>;
}

/** True when a `node` executable can be run. */
export async function nodeAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("node", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** Starts `robustness/node_peer.mjs` and waits for its port. */
export async function startNodePeer(): Promise<RunningPeer> {
  const script = new URL("./node_peer.mjs", import.meta.url).pathname;
  const child = new Deno.Command("node", {
    args: [script],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/listening on (\d+)/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(
        `Node peer exited before listening: ${JSON.stringify(seen)}`,
      );
    }
    seen += value;
  }
  const port = Number(/listening on (\d+)/.exec(seen)![1]);
  const writer = child.stdin.getWriter();
  return {
    port,
    async stop() {
      await writer.close().catch(() => {});
      await reader.cancel().catch(() => {});
      await child.status;
    },
  };
}

/** What a raw exchange got back. */
export interface RawExchange {
  /** Every byte the server wrote. */
  bytes: Uint8Array;
  /** How reading ended: the server closed, reset the connection, or went quiet until the timeout. */
  end: "closed" | "reset" | "timeout";
}

/**
 * Connects to `port` on 127.0.0.1, writes `request`, half-closes (unless
 * `halfClose` is false) and reads until the server closes or `timeoutMs`
 * passes with the connection still open.
 */
export async function exchange(
  port: number,
  request: Uint8Array,
  options: { timeoutMs?: number; halfClose?: boolean } = {},
): Promise<RawExchange> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const parts: Uint8Array[] = [];
  let end: RawExchange["end"] = "closed";
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      conn.close();
    } catch { /* already closed */ }
  }, options.timeoutMs ?? 3000);
  try {
    const writing = writeAll(conn, request).then(() =>
      (options.halfClose ?? true) ? conn.closeWrite() : undefined
    ).catch(() => {});
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch (error) {
        if (error instanceof Deno.errors.ConnectionReset) end = "reset";
        break;
      }
      if (n === null) break;
      parts.push(buffer.slice(0, n));
    }
    await writing;
    if (timedOut) end = "timeout";
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) bytes.set(p, at), at += p.length;
  return { bytes, end };
}

/** Writes all of `bytes`. */
export async function writeAll(
  conn: Deno.Conn,
  bytes: Uint8Array,
): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    at += await conn.write(bytes.subarray(at));
  }
}
