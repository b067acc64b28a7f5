/**
 * The idle-memory scenario: how much a server's resident memory grows per
 * idle keep-alive connection.
 *
 * @module
 */

import { delay } from "../wire/timers.ts";
import { residentBytes, track } from "./processes.ts";

/** What one idle-memory measurement found. */
export interface IdleMemoryResult {
  /** Connections the client asked for. */
  connections: number;
  /** Server RSS in bytes before the connections were opened. */
  rssBefore: number;
  /** Server RSS in bytes with every connection open and idle. */
  rssAfter: number;
  /** `(rssAfter - rssBefore) / connections`, in bytes. */
  bytesPerConnection: number;
  /** Connections still open when the RSS was read (the server may time some out). */
  stillOpen: number;
}

/**
 * Opens `connections` idle keep-alive connections to the server (process
 * `serverPid`, port `port`) from a separate client process pinned to
 * `clientCpu`, waits `settleMs`, and reads the server's RSS before and after.
 */
export async function measureIdleMemory(
  serverPid: number,
  port: number,
  connections: number,
  clientCpu: number,
  settleMs = 1000,
): Promise<IdleMemoryResult> {
  const script = new URL("./idle_client.ts", import.meta.url).pathname;
  // Let start-up garbage settle so the baseline is not inflated.
  await delay(settleMs);
  const rssBefore = await residentBytes(serverPid);
  const child = new Deno.Command("taskset", {
    args: [
      "-c",
      String(clientCpu),
      Deno.execPath(),
      "run",
      "--allow-net",
      script,
      String(port),
      String(connections),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  track(child);
  const stdin = child.stdin.getWriter();
  const lines = readLines(child.stdout);
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 60_000);
  try {
    const ready = await lines.next();
    if (ready.done || !ready.value.startsWith("ready ")) {
      const problem = new TextDecoder().decode(
        await new Response(child.stderr).arrayBuffer(),
      ).trim();
      throw new Error(
        `idle client failed: ${problem.split("\n")[0] || "no output"}`,
      );
    }
    await delay(settleMs);
    const rssAfter = await residentBytes(serverPid);
    await stdin.write(new TextEncoder().encode("check\n"));
    const check = await lines.next();
    const stillOpen = check.done ? 0 : Number(check.value.split(" ")[1]);
    return {
      connections,
      rssBefore,
      rssAfter,
      bytesPerConnection: (rssAfter - rssBefore) / connections,
      stillOpen,
    };
  } finally {
    clearTimeout(timer);
    await stdin.close().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    await child.stderr.cancel().catch(() => {});
    await child.stdout.cancel().catch(() => {});
  }
}

async function* readLines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
    }
  }
}
