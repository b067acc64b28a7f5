import assert from "node:assert/strict";

// Deno reads /proc/<pid>/stat only with --allow-all, which the test task
// does not grant: the bench (run with it) is measured in a child that has it.
Deno.test("cpuTimes counts the CPU time of a process's children", async () => {
  const script = `
    import { cpuTimes, parseCpuTimes } from ${
    JSON.stringify(import.meta.resolve("../bench/processes.ts"))
  };
    const sum = (t) => t.userUs + t.systemUs;
    const tree = async () => sum(await cpuTimes(Deno.pid));
    const own = async () =>
      sum(parseCpuTimes(await Deno.readTextFile("/proc/" + Deno.pid + "/stat")));
    const treeBefore = await tree(), ownBefore = await own();
    // This process mostly waits; a busy child does the work.
    const child = new Deno.Command("sh", { args: ["-c", "while :; do :; done"] }).spawn();
    const deadline = Date.now() + 5000;
    let childUs = 0;
    while (childUs < 100000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      childUs = (await tree() - treeBefore) - (await own() - ownBefore);
    }
    child.kill("SIGKILL");
    await child.status;
    console.log(childUs);
  `;
  const { stdout, success } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stderr: "inherit",
  }).output();
  assert.ok(success);
  const childUs = Number(new TextDecoder().decode(stdout).trim());
  assert.ok(
    childUs >= 100_000,
    `only ${childUs} µs of the child's CPU counted`,
  );
});
