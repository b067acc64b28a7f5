import assert from "node:assert/strict";
import { commandSucceeds } from "../kit.ts";
import { listProcesses } from "../procs.ts";
import { inMemoryCgroup, MEMORY_CGROUPS, removeCgroup } from "./sandbox.ts";

const path = `${MEMORY_CGROUPS}/webserve-probe-test-${crypto.randomUUID()}`;
const [sh, ...args] = inMemoryCgroup(path, 64 * 2 ** 20, ["true"]);
const works = await commandSucceeds(sh, args) && await removeCgroup(path);
if (!works) {
  console.log(
    "sandbox_test: skipped, no writable cgroup v1 memory hierarchy here (it needs root)",
  );
}

Deno.test({
  name:
    "inMemoryCgroup holds a box to its cap (the kernel kills what touches more), and removeCgroup says so and kills what is left",
  ignore: !works,
  async fn() {
    // A sleeper left behind, then a program that touches 256 MiB, 1 MiB at a time.
    const script =
      "sleep 60 >/dev/null 2>&1 & echo $!; python3 -c 'b = []\nfor _ in range(256): b.append(bytearray(1 << 20))\nprint(\"held 256 MiB\")'";
    const argv = inMemoryCgroup(path, 64 * 2 ** 20, ["sh", "-c", script]);
    const { stdout } = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stderr: "null",
    }).output();
    const [sleeper, ...rest] = new TextDecoder().decode(stdout).trim().split(
      "\n",
    );
    assert.deepEqual(rest, [], "python3 never held 256 MiB");
    const { oomKills, escaped } = await removeCgroup(path);
    assert.ok(oomKills >= 1, `${oomKills} killed at the cap`);
    assert.equal(escaped, 1, "the sleeper was still there");
    const running = (await listProcesses()).map((p) => p.pid);
    assert.ok(!running.includes(Number(sleeper)), "the sleeper is gone");
    assert.deepEqual(await removeCgroup(path), { oomKills: 0, escaped: 0 });
  },
});
