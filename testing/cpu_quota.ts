/**
 * A command run under a CPU quota, as a platform's container runs it
 * (Gradescope gives an autograder half a virtual CPU by default): a cgroup v1
 * `cpu` group of its own with `cpu.cfs_quota_us` set to a share of
 * `cpu.cfs_period_us`, the command started inside it, the group removed once
 * it is empty again.
 *
 * @module
 */

import { type CommandResult, runProgram } from "./commands.ts";

/** Where cgroup v1's `cpu` controller is mounted. */
const CPU_CGROUPS = "/sys/fs/cgroup/cpu";

/** The scheduling period, in microseconds (the kernel's default). */
const PERIOD_US = 100_000;

/** Why a CPU quota cannot be set here, if it cannot (cgroup v1's `cpu` controller, writable: as root). */
export async function cpuQuotaMissing(): Promise<string | undefined> {
  const probe = `${CPU_CGROUPS}/probe-quota-check-${crypto.randomUUID()}`;
  try {
    await Deno.mkdir(probe);
    await Deno.remove(probe);
    return undefined;
  } catch (error) {
    return `cannot make a cgroup under ${CPU_CGROUPS} (${
      error instanceof Error ? error.message : error
    })`;
  }
}

/** Runs `program args...` in a `cpu` cgroup of its own limited to `percent` of one CPU; resolves when it ends and the group is gone. */
export async function runUnderCpuQuota(
  percent: number,
  program: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CommandResult & { quotaUs: number; throttled: number }> {
  const group = `${CPU_CGROUPS}/probe-quota-${crypto.randomUUID()}`;
  await Deno.mkdir(group);
  try {
    await Deno.writeTextFile(`${group}/cpu.cfs_period_us`, `${PERIOD_US}`);
    await Deno.writeTextFile(
      `${group}/cpu.cfs_quota_us`,
      `${Math.round(PERIOD_US * percent / 100)}`,
    );
    const run = await runProgram("sh", [
      "-c",
      'echo $$ > "$0/cgroup.procs" && exec "$@"',
      group,
      program,
      ...args,
    ], options);
    const stat = await Deno.readTextFile(`${group}/cpu.stat`);
    const quotaUs = Number(
      await Deno.readTextFile(`${group}/cpu.cfs_quota_us`),
    );
    return {
      ...run,
      quotaUs,
      // Periods in which it wanted more than its share (none on a machine too busy to give it even that).
      throttled: Number(/nr_throttled (\d+)/.exec(stat)?.[1] ?? 0),
    };
  } finally {
    await removeWhenEmpty(group);
  }
}

/** Removes `group` once nothing runs in it (a process it started may take a moment to go). */
async function removeWhenEmpty(group: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const tasks = await Deno.readTextFile(`${group}/tasks`).catch(() => "");
    if (tasks.trim() === "") {
      await Deno.remove(group).catch(() => {});
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${group} still holds processes after 5 s`);
}
