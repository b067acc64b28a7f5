/**
 * A pids cgroup per box: a cap on the tasks (processes and threads) of one
 * submission's box that the kernel applies to root too. `prlimit --nproc`
 * (RLIMIT_NPROC) is not enforced for root, so a grader running as root
 * would otherwise have no defence against a fork bomb but the wall clock.
 *
 * The box is started through `sh`, which makes the cgroup, sets its cap,
 * moves itself in and then execs the box: everything the box starts is
 * born inside, with no window in which a child escapes the count. The
 * cgroup files are written by `sh` because Deno asks for `--allow-all`
 * before it touches `/sys`.
 *
 * Only cgroup v1's pids hierarchy is used (where this project's machines
 * mount it); elsewhere, the box runs without it and the report says so.
 *
 * @module
 */

import { commandSucceeds, delay } from "../kit.ts";

/** Where cgroup v1 mounts its pids controller. */
export const PIDS_HIERARCHY = "/sys/fs/cgroup/pids";

/**
 * Tasks one box may hold at once: the inner probe's own threads (Deno runs
 * a few dozen), two servers and the structure check, with room for a
 * server that forks helpers, and far below what would starve the machine.
 */
export const BOX_TASKS = 1024;

/** Runs `sh -c script args...`; true when it exits 0. */
function sh(script: string, ...args: string[]): Promise<boolean> {
  return commandSucceeds("sh", ["-c", script, ...args]);
}

/** Whether a pids cgroup can be made here (as root, where v1's pids hierarchy is mounted). */
export function pidsCgroupsWork(): Promise<boolean> {
  const probe = `${PIDS_HIERARCHY}/webserve-probe-check-${crypto.randomUUID()}`;
  return sh(
    'mkdir "$0" && echo 1 > "$0/pids.max" && rmdir "$0"',
    probe,
  );
}

/** The cgroup of one box, named for its token. */
export function boxCgroup(token: string): string {
  return `${PIDS_HIERARCHY}/webserve-probe-${token}`;
}

/**
 * `argv` run inside a new pids cgroup at `path`, capped at `max` tasks:
 * the words to spawn instead of `argv`.
 */
export function insidePidsCgroup(
  path: string,
  max: number,
  argv: readonly string[],
): string[] {
  return [
    "sh",
    "-c",
    'mkdir "$0" && echo "$1" > "$0/pids.max" && echo $$ > "$0/cgroup.procs" && shift && exec "$@"',
    path,
    String(max),
    ...argv,
  ];
}

/**
 * Kills whatever is left in the cgroup at `path` and removes it.
 *
 * @returns the PIDs it had to kill
 */
export async function removePidsCgroup(path: string): Promise<number[]> {
  const killed: number[] = [];
  for (let round = 0; round < 20; round++) {
    let pids: number[];
    try {
      pids = await listPids(path);
    } catch {
      return killed; // never made, or gone
    }
    if (pids.length === 0 && await sh('rmdir "$0"', path)) return killed;
    for (const pid of pids) {
      try {
        Deno.kill(pid, "SIGKILL");
        if (!killed.includes(pid)) killed.push(pid);
      } catch { /* gone meanwhile */ }
    }
    await delay(50); // a killed task leaves the cgroup once it is reaped
  }
  return killed;
}

/** The PIDs in the cgroup at `path` (read through `cat`: Deno will not read /sys without --allow-all). */
async function listPids(path: string): Promise<number[]> {
  const { success, stdout } = await new Deno.Command("cat", {
    args: [`${path}/cgroup.procs`],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!success) throw new Error(`No cgroup at ${path}`);
  return new TextDecoder().decode(stdout).split("\n").filter((line) =>
    line.trim() !== ""
  ).map(Number);
}
