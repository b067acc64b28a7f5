/**
 * Runs one of the project's servers as a child process, so its open file
 * descriptors and resident memory can be read from `/proc/<pid>/` without
 * counting the test's own.
 *
 * @module
 */

import { SERVER_MODULES, type ServerKind } from "./project_servers.ts";

/** A server running in a child process. */
export interface ServerProcess {
  /** Its loopback port. */
  port: number;
  /** Its process id. */
  pid: number;
  /** Open file descriptors, from `/proc/<pid>/fd`. */
  openFiles(): Promise<number>;
  /** Resident set size in KiB, from `/proc/<pid>/status`. */
  rssKiB(): Promise<number>;
  /** True while the process is running. */
  alive(): boolean;
  /** Stops it with SIGTERM (SIGKILL after 5 s) and waits; returns what it wrote to stderr. */
  stop(): Promise<string>;
}

/**
 * Reads a file under `/proc/<pid>/` through `cat`: Deno lets only
 * `--allow-all` read `/proc/<pid>/` directly, and the test task grants
 * `--allow-run` but not that.
 */
async function procText(args: string[]): Promise<string> {
  const output = await new Deno.Command(args[0], {
    args: args.slice(1),
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!output.success) throw new Error(`${args.join(" ")} failed`);
  return new TextDecoder().decode(output.stdout);
}

/** True when `/proc` can tell a process's open files and memory (Linux). */
export async function procAvailable(): Promise<boolean> {
  try {
    await procText(["ls", "/proc/self/fd"]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `deno run --allow-net <server> 0 --host 127.0.0.1 --quiet ...flags`
 * and waits for its start-up line to learn the port.
 */
export async function startServerProcess(
  kind: ServerKind,
  flags: string[] = [],
): Promise<ServerProcess> {
  const script =
    new URL(`../${SERVER_MODULES[kind]}`, import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      script,
      "0",
      "--host",
      "127.0.0.1",
      "--quiet",
      ...flags,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderrText = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const pattern = /listening on http:\/\/[^\s]*:(\d+)\//;
  while (!pattern.test(seen)) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(
        `${
          SERVER_MODULES[kind]
        } exited before listening: ${seen}${await stderrText}`,
      );
    }
    seen += value;
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const pid = child.pid;
  return {
    port: Number(pattern.exec(seen)![1]),
    pid,
    openFiles: async () =>
      (await procText(["ls", "-1", `/proc/${pid}/fd`])).trim().split("\n")
        .length,
    rssKiB: async () =>
      Number(
        /VmRSS:\s+(\d+)/.exec(await procText(["cat", `/proc/${pid}/status`]))
          ?.[1] ?? NaN,
      ),
    alive: () => !exited,
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => {
          if (!exited) child.kill("SIGKILL");
        }, 5000);
        await status;
        clearTimeout(timer);
      }
      await drained;
      return await stderrText;
    },
  };
}
