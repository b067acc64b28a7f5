/**
 * A time limit on a server's clock does not count the time the server waited
 * for a CPU: a server starved of its CPU (pinned beside a busy loop at nice
 * 10, or held to 5 % of a CPU by a cgroup quota, as a platform's half CPU is)
 * is still answered within a limit the wall clock fails it on, and no wait
 * outlasts MAX_STRETCH times its limit. (At nice 19 it would get a sixtieth,
 * and run so seldom that the kernel, which adds a wait when the thread gets
 * its CPU, would report it a quarter of a second late.)
 */

import assert from "node:assert/strict";
import { commandSucceeds, delay, fromLatin1 } from "./kit.ts";
import { ProbeConn } from "./probe_conn.ts";
import { findPython } from "./python_path.ts";
import {
  Deadline,
  MAX_STRETCH,
  ServerClock,
  waitedMs,
} from "./server_clock.ts";

const canStarve = await commandSucceeds("taskset", ["-c", "0", "true"]) &&
  await commandSucceeds("renice", ["--version"]) &&
  await commandSucceeds("test", ["-r", "/proc/self/schedstat"]);
const python = await findPython();
const why = !canStarve
  ? "needs Linux's /proc/PID/schedstat, taskset and renice (util-linux)"
  : python === undefined
  ? "needs python3"
  : undefined;
if (why) console.log(`server_clock_test: skipped, ${why}`);

/** A server that burns `burnMs` of CPU before each answer (closing after it), and where it listens. */
const SERVER = `
import socket, sys, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
print(listener.getsockname()[1], flush=True)
while True:
    client, _ = listener.accept()
    client.recv(65536)
    started = time.process_time()
    while time.process_time() - started < float(sys.argv[1]) / 1000:
        pass
    client.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\nConnection: close\\r\\n\\r\\nhello")
    client.close()
`;

/** Runs `body` with a busy loop pinned to CPU 0; `starve(pid)` puts a process on CPU 0 at nice 10 beside it. */
async function withBusyCpu(
  body: (starve: (pid: number) => Promise<void>) => Promise<void>,
): Promise<void> {
  const hog = new Deno.Command("taskset", {
    args: ["-c", "0", "sh", "-c", "while :; do :; done"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await body(async (pid) => {
      assert.ok(
        await commandSucceeds("taskset", ["-a", "-p", "-c", "0", `${pid}`]),
      );
      assert.ok(await commandSucceeds("renice", ["-n", "10", "-p", `${pid}`]));
    });
  } finally {
    hog.kill("SIGKILL");
    await hog.status;
  }
}

Deno.test({
  name:
    "a deadline on a server's clock does not count what the server waited for a CPU, and ends at MAX_STRETCH times its limit",
  ignore: why !== undefined,
  async fn() {
    await withBusyCpu(async (starve) => {
      const spinner = new Deno.Command(`${python!.bin}/python3`, {
        args: ["-c", "while True: pass"],
      }).spawn();
      try {
        await starve(spinner.pid);
        const clock = new ServerClock(spinner.pid);
        const before = await clock.waits();
        const onClock = new Deadline(200, clock);
        const onWall = new Deadline(200);
        await delay(400);
        assert.equal(await onWall.left(), 0);
        assert.ok(
          await onClock.left() > 0,
          `waited for a CPU: ${waitedMs(before, await clock.waits())} ms`,
        );
        await delay(200 * MAX_STRETCH - 400 + 50);
        assert.equal(await onClock.left(), 0, "the wait ends at its stretch");
      } finally {
        await ServerClock.closeReader();
        spinner.kill("SIGKILL");
        await spinner.status;
      }
    });
  },
});

/** Where cgroup v1's cpu controller is mounted (a quota is how a platform gives half a CPU). */
const CPU_CGROUPS = "/sys/fs/cgroup/cpu";
const canQuota = why === undefined &&
  await commandSucceeds("sh", ["-c", `test -w ${CPU_CGROUPS}/cgroup.procs`]);
if (why === undefined && !canQuota) {
  console.log(
    `server_clock_test: the quota test skipped, ${CPU_CGROUPS} is not writable (cgroup v1's cpu controller, as root)`,
  );
}

Deno.test({
  name:
    "a server held to 5 % of a CPU by a quota is answered within a limit on its clock that the wall clock fails it on",
  ignore: !canQuota,
  async fn() {
    // 20 ms of work at 5 ms per 100 ms period: at least 300 ms of wall clock, about 20 ms on its clock.
    const server = new Deno.Command(`${python!.bin}/python3`, {
      args: ["-c", SERVER, "20"],
      stdout: "piped",
    }).spawn();
    const reader = server.stdout.getReader();
    const { value } = await reader.read();
    const port = Number(new TextDecoder().decode(value).trim());
    const cgroup = `${CPU_CGROUPS}/server-clock-test-${crypto.randomUUID()}`;
    try {
      assert.ok(
        await commandSucceeds("sh", [
          "-c",
          'mkdir "$0" && echo 100000 > "$0/cpu.cfs_period_us" && echo 5000 > "$0/cpu.cfs_quota_us" && echo "$1" > "$0/cgroup.procs"',
          cgroup,
          String(server.pid),
        ]),
      );
      const ask = async (clock?: ServerClock) => {
        const target = { hostname: "127.0.0.1", port, clock };
        const conn = await ProbeConn.open(target);
        await conn.write(fromLatin1("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        const exchange = await conn.readAnswers(1, { withinMs: 200 });
        conn.close();
        return exchange;
      };
      const clock = new ServerClock(server.pid);
      await clock.waits(); // its reader started, so the deadline's first reading is not late
      const onClock = await ask(clock);
      assert.equal(onClock.stop, undefined, `stopped after ${onClock.ms} ms`);
      assert.equal(onClock.finals.length, 1);
      assert.ok(onClock.ms > 200, `answered in ${onClock.ms} ms`);
      const onWall = await ask();
      assert.equal(onWall.stop, "timeout", `answered in ${onWall.ms} ms`);
    } finally {
      await ServerClock.closeReader();
      reader.releaseLock();
      server.kill("SIGKILL");
      await server.status;
      await server.stdout.cancel().catch(() => {});
      await commandSucceeds("rmdir", [cgroup]);
    }
  },
});
