/**
 * A memory cgroup per box: a real cap on the memory all of one submission's
 * box holds at once (its programs, the files of its tmpfs, the probe inside),
 * where prlimit's address-space limit only stops one program's allocations.
 *
 * The box is started through `sh`, which makes the cgroup, sets its cap,
 * moves itself in and then execs the box: everything the box starts is
 * born inside. Past the cap the kernel's OOM killer takes a process of the
 * box (a student's program first: they raise their `oom_score_adj`). The
 * cgroup's files are written by `sh` and read by `cat`, because Deno asks
 * for `--allow-all` before it touches `/sys`. Once the box has ended, what
 * is still in the cgroup is killed: the last net.
 *
 * Only cgroup v1's memory hierarchy is used (where this project's machines
 * mount it, writable as root); elsewhere the box runs without it and the
 * report says so.
 *
 * @module
 */

import { commandSucceeds, delay } from "../kit.ts";

/** Where cgroup v1 mounts its memory controller. */
export const MEMORY_HIERARCHY = "/sys/fs/cgroup/memory";

/**
 * Memory one box may hold at once: the probe inside (about 100 MB), two
 * servers of a few dozen MB each, its 64 MiB tmpfs, with room for a server
 * that uses ten times what the brief needs.
 */
export const BOX_MEMORY = 1024 * 1024 * 1024;

/** What a box's cgroup saw, read as it was removed. */
export interface MemoryUse {
  /** The most the box held at once, in bytes. */
  peak: number;
  /** Processes of the box the kernel killed at the cap. */
  oomKills: number;
  /** PIDs still in the cgroup after the box ended, killed. */
  killed: number[];
}

function sh(script: string, ...args: string[]): Promise<boolean> {
  return commandSucceeds("sh", ["-c", script, ...args]);
}

/** The cap's files: memory alone, then memory and swap together (so that swapping does not get past it). */
const SET_CAP =
  'echo "$1" > "$0/memory.limit_in_bytes" && { [ ! -e "$0/memory.memsw.limit_in_bytes" ] || echo "$1" > "$0/memory.memsw.limit_in_bytes"; }';

/** Whether a memory cgroup can be made here (as root, where v1's memory hierarchy is mounted). */
export function memoryCgroupsWork(): Promise<boolean> {
  return sh(
    `mkdir "$0" && ${SET_CAP} && rmdir "$0"`,
    `${MEMORY_HIERARCHY}/webserve-probe-check-${crypto.randomUUID()}`,
    String(BOX_MEMORY),
  );
}

/** A new box's cgroup path (made when the box starts). */
export function boxCgroup(): string {
  return `${MEMORY_HIERARCHY}/webserve-probe-${crypto.randomUUID()}`;
}

/** `argv` run inside a new memory cgroup at `path`, capped at `bytes`: the words to spawn instead of `argv`. */
export function insideMemoryCgroup(
  path: string,
  bytes: number,
  argv: readonly string[],
): string[] {
  return [
    "sh",
    "-c",
    `mkdir "$0" && ${SET_CAP} && echo $$ > "$0/cgroup.procs" && shift && exec "$@"`,
    path,
    String(bytes),
    ...argv,
  ];
}

/** The text of a file of the cgroup at `path`; undefined if it cannot be read (no such cgroup). */
async function read(path: string, file: string): Promise<string | undefined> {
  const { success, stdout } = await new Deno.Command("cat", {
    args: [`${path}/${file}`],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  return success ? new TextDecoder().decode(stdout) : undefined;
}

/** Reads what the cgroup at `path` saw, kills whatever is left in it and removes it. */
export async function removeMemoryCgroup(path: string): Promise<MemoryUse> {
  const use: MemoryUse = {
    peak: Number(await read(path, "memory.max_usage_in_bytes")) || 0,
    oomKills: Number(
      /oom_kill (\d+)/.exec(await read(path, "memory.oom_control") ?? "")
        ?.[1] ?? 0,
    ),
    killed: [],
  };
  for (let round = 0; round < 20; round++) {
    const procs = await read(path, "cgroup.procs");
    if (procs === undefined) break; // never made, or gone
    const pids = procs.split("\n").filter((line) => line.trim() !== "")
      .map(Number);
    if (pids.length === 0 && await sh('rmdir "$0"', path)) break;
    for (const pid of pids) {
      try {
        Deno.kill(pid, "SIGKILL");
        if (!use.killed.includes(pid)) use.killed.push(pid);
      } catch { /* gone meanwhile */ }
    }
    await delay(50); // a killed task leaves the cgroup once it is reaped
  }
  return use;
}
