/**
 * A command run under a CPU quota, as a platform's container runs it
 * (Gradescope gives an autograder half a virtual CPU by default): a cgroup v1
 * `cpu` group of its own with `cpu.cfs_quota_us` set to a share of
 * `cpu.cfs_period_us`, the command started inside it, the group removed once
 * it is empty again.
 *
 * @module
 */

import { type CommandResult, runCommand } from "./commands.ts";

/** Where cgroup v1's `cpu` controller is mounted. */
const CPU_CGROUPS = "/sys/fs/cgroup/cpu";

/** The scheduling period, in microseconds (the kernel's default). */
const PERIOD_US = 100_000;

/** Runs `script` (with `$0` the group's folder) in sh: Deno touches /sys only with --allow-all. */
function inGroup(group: string, script: string, ...args: string[]) {
  return runCommand(["sh", "-c", script, group, ...args]);
}

/** Why a CPU quota cannot be set here, if it cannot (cgroup v1's `cpu` controller, writable: as root). */
export async function cpuQuotaMissing(): Promise<string | undefined> {
  const check = await inGroup(
    `${CPU_CGROUPS}/probe-quota-check-${crypto.randomUUID()}`,
    'mkdir "$0" && rmdir "$0"',
  );
  return check.code === 0
    ? undefined
    : `cannot make a cgroup under ${CPU_CGROUPS} (${check.stderr.trim()})`;
}

/** Runs `program args...` in a `cpu` cgroup of its own limited to `percent` of one CPU; resolves when it ends and the group is gone. */
export async function runUnderCpuQuota(
  percent: number,
  program: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CommandResult & { quotaUs: number; throttled: number }> {
  const group = `${CPU_CGROUPS}/probe-quota-${crypto.randomUUID()}`;
  const made = await inGroup(
    group,
    'mkdir "$0" && echo "$1" > "$0/cpu.cfs_period_us" && echo "$2" > "$0/cpu.cfs_quota_us"',
    `${PERIOD_US}`,
    `${Math.round(PERIOD_US * percent / 100)}`,
  );
  if (made.code !== 0) throw new Error(`${group}: ${made.stderr}`);
  const run = await runCommand([
    "sh",
    "-c",
    'echo $$ > "$0/cgroup.procs" && exec "$@"',
    group,
    program,
    ...args,
  ], options);
  const read = await inGroup(group, 'cat "$0/cpu.cfs_quota_us" "$0/cpu.stat"');
  // Removed once nothing runs in it (a process it started may take a moment to go).
  const removed = await inGroup(
    group,
    'for i in $(seq 50); do [ -s "$0/tasks" ] || { rmdir "$0"; exit; }; sleep 0.1; done; exit 1',
  );
  if (removed.code !== 0) {
    throw new Error(`${group} still holds processes after 5 s`);
  }
  return {
    ...run,
    quotaUs: Number(read.stdout.split("\n")[0]),
    // Periods in which it wanted more than its share (none on a machine too busy to give it even that).
    throttled: Number(/nr_throttled (\d+)/.exec(read.stdout)?.[1] ?? 0),
  };
}
