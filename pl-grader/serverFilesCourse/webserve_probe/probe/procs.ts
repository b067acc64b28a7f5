/**
 * The live processes on the machine (or in the probe's PID namespace), read
 * from /proc by `procs.py`: Deno reads /proc only with --allow-all, and the
 * probe needs python3 anyway.
 *
 * @module
 */

const SCRIPT = decodeURIComponent(
  new URL("./procs.py", import.meta.url).pathname,
);

/** A live process. */
export interface Proc {
  /** Its PID. */
  pid: number;
  /** Its process group. */
  pgid: number;
  /** Its command line. */
  command: string;
  /** Whether an entry of its environment starts with the `NAME=VALUE` (or `NAME=`) asked about. */
  marked: boolean;
}

/** How many tasks (processes and threads) this user runs: what RLIMIT_NPROC counts; undefined if unknown. */
export async function tasksOfMine(): Promise<number | undefined> {
  try {
    const output = await new Deno.Command("python3", {
      args: [SCRIPT, "--tasks-of-mine"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const count = Number(new TextDecoder().decode(output.stdout).trim());
    return output.success && Number.isSafeInteger(count) ? count : undefined;
  } catch {
    return undefined;
  }
}

/** The live processes, other than this one and the lister (zombies left out); empty when they cannot be listed. */
export async function listProcesses(marker?: string): Promise<Proc[]> {
  try {
    const output = await new Deno.Command("python3", {
      args: [SCRIPT, ...(marker === undefined ? [] : [marker])],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!output.success) return [];
    const rows = JSON.parse(new TextDecoder().decode(output.stdout)) as [
      number,
      number,
      string,
      boolean,
    ][];
    return rows.filter(([pid]) => pid !== Deno.pid).map((
      [pid, pgid, command, marked],
    ) => ({ pid, pgid, command, marked }));
  } catch {
    return [];
  }
}
