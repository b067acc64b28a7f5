import assert from "node:assert/strict";
import { cpuTimeUs, parseCpuTimeUs } from "./processes.ts";

Deno.test("parseCpuTimeUs adds user and system ticks, whatever the command name holds", () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
  const stat = "4242 (we ird) (name) S 1 4242 4242 0 -1 4194560 900 0 0 0 " +
    "250 75 0 0 20 0 5 0 100 1000000 500 18446744073709551615";
  assert.equal(parseCpuTimeUs(stat), (250 + 75) * 10_000);
  assert.throws(() => parseCpuTimeUs("not a stat line"), SyntaxError);
});

Deno.test("cpuTimeUs counts the CPU time this process spends", async () => {
  const before = await cpuTimeUs(Deno.pid);
  // Spin until 50 ms of CPU show, for at most 5 s of wall time: on a busy
  // machine this process may get only part of a core.
  const deadline = performance.now() + 5_000;
  let used = 0;
  while (used < 50_000 && performance.now() < deadline) {
    const until = performance.now() + 20;
    while (performance.now() < until) { /* spin */ }
    used = await cpuTimeUs(Deno.pid) - before;
  }
  assert.ok(used >= 50_000, `only ${used} µs of CPU counted in 5 s`);
});
