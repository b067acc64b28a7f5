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
  /** Its parent's PID. */
  ppid: number;
  /** Its process group. */
  pgid: number;
  /** Its PID in the innermost PID namespace it is in (a sandbox's init is 1, the program it runs 2). */
  nspid: number;
  /** Its real uid. */
  uid: number;
  /** Its command line. */
  command: string;
}

/** The live processes, other than this one and the lister (zombies left out); empty when they cannot be listed. */
export async function listProcesses(): Promise<Proc[]> {
  try {
    const output = await new Deno.Command("python3", {
      // -I -S: no site (its .pth files cost more than the listing), no user's environment.
      args: ["-I", "-S", SCRIPT],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!output.success) return [];
    const rows = JSON.parse(new TextDecoder().decode(output.stdout)) as [
      number,
      number,
      number,
      number,
      number,
      string,
    ][];
    return rows.filter(([pid]) => pid !== Deno.pid).map((
      [pid, ppid, pgid, nspid, uid, command],
    ) => ({ pid, ppid, pgid, nspid, uid, command }));
  } catch {
    return [];
  }
}

/** `root` and every process below it in `procs` (children, their children, ...), `root` first. */
export function descendants(procs: readonly Proc[], root: number): Proc[] {
  const found = procs.filter((p) => p.pid === root);
  for (let i = 0; i < found.length; i++) {
    found.push(...procs.filter((p) => p.ppid === found[i].pid));
  }
  return found;
}
