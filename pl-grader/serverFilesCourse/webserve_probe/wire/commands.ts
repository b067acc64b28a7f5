/**
 * Asking the machine whether a helper program is there and works (`python3
 * --version`, `bwrap ... true`, `id -u` is 0), with a time limit so that a
 * program that hangs cannot hang the caller.
 *
 * @module
 */

import { raceTimeout, TIMED_OUT } from "./timers.ts";

/** Options of {@linkcode commandSucceeds}. */
export interface CommandSucceedsOptions {
  /** After this many milliseconds the program is killed and counted as failed (default 10,000). */
  timeoutMs?: number;
}

/**
 * True when `program args...` can be started here and exits 0 within the
 * time limit, its output discarded (e.g. `commandSucceeds("node", ["--version"])`).
 */
export async function commandSucceeds(
  program: string,
  args: string[],
  { timeoutMs = 10_000 }: CommandSucceedsOptions = {},
): Promise<boolean> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    return false; // not installed, or not allowed to run
  }
  const status = await raceTimeout(child.status, timeoutMs);
  if (status !== TIMED_OUT) return status.success;
  try {
    child.kill("SIGKILL");
  } catch { /* it ended meanwhile */ }
  await child.status;
  return false;
}
