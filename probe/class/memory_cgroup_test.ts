import assert from "node:assert/strict";
import {
  boxCgroup,
  insideMemoryCgroup,
  memoryCgroupsWork,
  removeMemoryCgroup,
} from "./memory_cgroup.ts";

const works = await memoryCgroupsWork();
if (!works) {
  console.log(
    "memory_cgroup_test: skipped, no writable cgroup v1 memory hierarchy here (it needs root)",
  );
}

const MIB = 1024 * 1024;

Deno.test({
  name:
    "insideMemoryCgroup holds a box to its cap (the kernel kills what touches more), and removeMemoryCgroup says so and kills what is left",
  ignore: !works,
  async fn() {
    const path = boxCgroup();
    // A sleeper left behind, then a program that touches 256 MiB, 1 MiB at a time.
    const script =
      "sleep 60 >/dev/null 2>&1 & echo $!; python3 -c 'b = []\nfor _ in range(256): b.append(bytearray(1 << 20))\nprint(\"held 256 MiB\")'";
    const argv = insideMemoryCgroup(path, 64 * MIB, ["sh", "-c", script]);
    const { stdout } = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const [sleeper, ...rest] = new TextDecoder().decode(stdout).trim().split(
      "\n",
    );
    assert.deepEqual(rest, [], "python3 never held 256 MiB");

    const use = await removeMemoryCgroup(path);
    assert.ok(use.oomKills >= 1, `${use.oomKills} killed at the cap`);
    assert.ok(
      use.peak > 32 * MIB && use.peak <= 64 * MIB,
      `peak ${use.peak / MIB} MiB`,
    );
    assert.deepEqual(use.killed, [Number(sleeper)], "the sleeper is killed");
    assert.deepEqual(
      await removeMemoryCgroup(path),
      { peak: 0, oomKills: 0, killed: [] },
      "the cgroup is gone",
    );
  },
});
