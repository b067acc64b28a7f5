/**
 * Node's HTTP server (llhttp, strict) as a trusted peer for the differential
 * tests, in a child process.
 *
 * @module
 */

import { commandSucceeds } from "../wire/commands.ts";
import type { RunningServer } from "../testing/server_launcher.ts";

/** True when a `node` executable can be run. */
export function nodeAvailable(): Promise<boolean> {
  return commandSucceeds("node", ["--version"]);
}

/** Starts `robustness/node_peer.mjs` and waits for its port. */
export async function startNodePeer(): Promise<RunningServer> {
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
