/**
 * The end of a submission run inside its own PID namespace (`--boxed`): the
 * probe is alone there with the shell that started it (the namespace's init,
 * PID 1, which reaps the orphans), so every other live process in it is one
 * the submission started and left behind (a `setsid` daemon, a child that
 * ignores SIGTERM). Each is named, then killed.
 *
 * @module
 */

import { listProcesses } from "../procs.ts";

/** A process left running at the end, and killed. */
export interface Leftover {
  /** Its PID inside the namespace. */
  pid: number;
  /** Its command line, as /proc tells it. */
  command: string;
}

/** Names and kills (SIGKILL) every other process of the namespace; resolves to what it found. */
export async function reapNamespace(): Promise<Leftover[]> {
  const found = (await listProcesses()).filter((p) => p.pid !== 1).map((
    { pid, command },
  ) => ({ pid, command }));
  for (const { pid } of found) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* ended meanwhile */ }
  }
  return found;
}
