import assert from "node:assert/strict";
import {
  boxCgroup,
  insidePidsCgroup,
  pidsCgroupsWork,
  removePidsCgroup,
} from "./pids_cgroup.ts";

const works = await pidsCgroupsWork();
if (!works) {
  console.log(
    "pids_cgroup_test: skipped, no writable cgroup v1 pids hierarchy here (it needs root)",
  );
}

/**
 * Whether a process with `pid` still runs: not gone, and not a zombie its
 * new parent has yet to reap (`cat`: Deno reads /proc only with --allow-all).
 */
async function running(pid: number): Promise<boolean> {
  const { success, stdout } = await new Deno.Command("cat", {
    args: [`/proc/${pid}/stat`],
    stdout: "piped",
    stderr: "null",
  }).output();
  const state = new TextDecoder().decode(stdout).replace(/^.*\) /s, "")[0];
  return success && state !== "Z";
}

/** How many of `pids` still run. */
async function stillRunning(pids: number[]): Promise<number> {
  let count = 0;
  for (const pid of pids) if (await running(pid)) count++;
  return count;
}

Deno.test({
  name:
    "insidePidsCgroup stops a fork bomb at its cap, and removePidsCgroup kills what it left",
  ignore: !works,
  async fn() {
    const path = boxCgroup(`test-${crypto.randomUUID()}`);
    // Forks sleepers until a fork fails (then the shell gives up and exits);
    // they let go of its output, so that it ends with the shell.
    const bomb = "while :; do sleep 60 >/dev/null 2>&1 & echo $!; done";
    const argv = insidePidsCgroup(path, 8, ["sh", "-c", bomb]);
    const { stdout, stderr } = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const started = new TextDecoder().decode(stdout).trim().split("\n")
      .map(Number);
    assert.match(new TextDecoder().decode(stderr), /fork/i);
    assert.ok(started.length < 8, `${started.length} sleepers started`);
    assert.equal(
      await stillRunning(started),
      started.length,
      "the sleepers outlived their shell",
    );

    const killed = await removePidsCgroup(path);
    assert.deepEqual(killed.sort(), started.sort());
    assert.equal(await stillRunning(started), 0, "a sleeper still runs");
    assert.deepEqual(await removePidsCgroup(path), [], "the cgroup is gone");
  },
});
