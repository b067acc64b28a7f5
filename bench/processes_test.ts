import assert from "node:assert/strict";
import { parseCpuTimes } from "./processes.ts";

Deno.test("parseCpuTimes reads user and system ticks, whatever the command name holds", () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
  const stat = "4242 (we ird) (name) S 1 4242 4242 0 -1 4194560 900 0 0 0 " +
    "250 75 0 0 20 0 5 0 100 1000000 500 18446744073709551615";
  assert.deepEqual(parseCpuTimes(stat), {
    userUs: 250 * 10_000,
    systemUs: 75 * 10_000,
  });
  assert.throws(() => parseCpuTimes("not a stat line"), SyntaxError);
});
