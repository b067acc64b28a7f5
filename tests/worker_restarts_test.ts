import assert from "node:assert/strict";
import { ROOT } from "../testing/commands.ts";
import { ServerProcess } from "../testing/server_launcher.ts";
import { closeQuietly } from "../wire/socket.ts";
import { delay } from "../wire/timers.ts";
import { RESTARTS_PER_MINUTE, serveWithWorkers } from "../server/workers.ts";

const DYING_SERVER = new URL("./testdata/dying_server.ts", import.meta.url);

/** Connects to `port` again and again (each connection kills the worker that takes it) until `done` settles. */
async function keepConnecting(
  port: number,
  done: Promise<unknown>,
): Promise<void> {
  let finished = false;
  done.finally(() => finished = true);
  for (let i = 0; i < 200 && !finished; i++) {
    try {
      closeQuietly(await Deno.connect({ hostname: "127.0.0.1", port }));
    } catch {
      // Every worker restarting at once: try again shortly.
    }
    await delay(25);
  }
}

Deno.test("serveWithWorkers reports each worker death in one line, restarts it a few times, then stops saying why", async () => {
  const lines: string[] = [];
  const server = serveWithWorkers(
    DYING_SERVER.href,
    "non-blocking",
    2,
    { port: 0, hostname: "127.0.0.1", quiet: true },
    (line) => lines.push(line),
  );
  await server.ready;
  await keepConnecting(server.addr.port, server.finished);
  const reason = await server.finished;
  assert.match(reason ?? "", /died 4 times within a minute/);
  const restarts = lines.filter((line) => /restarting it/.test(line));
  assert.equal(restarts.length, RESTARTS_PER_MINUTE, lines.join("\n"));
  assert.match(
    restarts[0],
    /^webserve_nb\.ts: worker [12] died \(.*boom.*\); restarting it \(restart 1 of at most 3 a minute\)$/,
  );
  assert.match(lines.at(-1)!, /3 restarts within a minute already, stopping$/);
  for (const line of lines) assert.doesNotMatch(line, /\n/);
});

Deno.test("a server whose workers keep dying exits 1 after one line per death", async () => {
  const server = await ServerProcess.start(
    DYING_SERVER.pathname,
    ["0", "--host", "127.0.0.1", "--workers", "2"],
    [
      Deno.execPath(),
      "run",
      "--allow-net",
      `--allow-read=${ROOT}`,
      DYING_SERVER.pathname,
    ],
  );
  assert.match(
    server.startLine,
    /listening on http:\/\/127\.0\.0\.1:\d+\/ \(IPv4; 2 workers\)/,
  );
  const status = server.finish();
  await keepConnecting(server.port, status);
  const { code } = await status;
  const stderr = server.stderr;
  assert.equal(code, 1, stderr);
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, RESTARTS_PER_MINUTE + 2, stderr);
  assert.match(
    lines.at(-1)!,
    /^webserve_nb\.ts: workers died 4 times within a minute$/,
  );
  assert.doesNotMatch(stderr, /\bat .*:\d+:\d+/);
});
