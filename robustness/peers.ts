/**
 * Node's HTTP server (llhttp, strict) as a trusted peer for the differential
 * tests, in a child process.
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
