/**
 * When the servers turn off Nagle's algorithm, seen in the system calls
 * (`strace`): once for each connection that stays open past its first
 * answer, and never for a connection per request, whose one write goes out
 * at once anyway (`turnOffNagle` in `server/listen.ts`).
 */

import assert from "node:assert/strict";
import { delay } from "../wire/timers.ts";
import { fetchRaw, get, RawClient } from "../testing/raw_client.ts";
import { bodyText } from "../wire/response_parser.ts";
import {
  SERVER_MODULES,
  type ServerKind,
  ServerProcess,
} from "../testing/server_launcher.ts";

/** Why strace cannot be used here, or `undefined` when it can. */
async function straceMissing(): Promise<string | undefined> {
  try {
    const probe = await new Deno.Command("strace", {
      args: ["-f", "-qq", "-e", "trace=setsockopt", "-o", "/dev/null", "true"],
      stdout: "null",
      stderr: "null",
    }).output();
    return probe.success ? undefined : "strace cannot trace here";
  } catch {
    return "strace is not installed (apt-get install strace)";
  }
}

const missing = await straceMissing();
if (missing) console.log(`nagle_test: skipped, ${missing}`);

/** The server as a user starts it, its `setsockopt` calls written to `log`. */
function startTraced(kind: ServerKind, log: string): Promise<ServerProcess> {
  const script = SERVER_MODULES[kind];
  return ServerProcess.start(
    script,
    ["0", "--host", "127.0.0.1", "--quiet"],
    [
      "strace",
      "-f",
      "-qq",
      "-e",
      "trace=setsockopt",
      "-o",
      log,
      Deno.execPath(),
      "run",
      "--allow-net",
      script,
    ],
  );
}

/** `TCP_NODELAY` calls in the trace so far (strace writes each as it happens). */
async function noDelayCalls(log: string): Promise<number> {
  const text = await Deno.readTextFile(log);
  return text.split("\n").filter((line) => line.includes("TCP_NODELAY"))
    .length;
}

for (const kind of ["blocking", "non-blocking"] as const) {
  Deno.test({
    name:
      `${kind}: Nagle is turned off once per kept connection, never for a connection per request`,
    ignore: missing !== undefined,
    async fn() {
      const log = await Deno.makeTempFile({ suffix: ".strace" });
      const server = await startTraced(kind, log);
      try {
        // The non-blocking server's own socket pair (poll_turn.ts) opens as it starts.
        await delay(300);
        const atStart = await noDelayCalls(log);

        for (let i = 0; i < 4; i++) {
          const text = await fetchRaw(
            server.port,
            get(`/close/${i}`, "Connection: close\r\n"),
          );
          assert.match(text, new RegExp(`hello, /close/${i}$`));
        }
        assert.equal(
          await noDelayCalls(log),
          atStart,
          "a connection per request needs no TCP_NODELAY",
        );

        for (let i = 0; i < 3; i++) {
          const client = await RawClient.connect(server.port);
          try {
            for (const path of [`/kept/${i}/a`, `/kept/${i}/b`]) {
              await client.send(get(path));
              const response = await client.readResponse();
              assert.equal(bodyText(response), `hello, ${path}`);
            }
          } finally {
            client.close();
          }
        }
        assert.equal(
          await noDelayCalls(log),
          atStart + 3,
          "each kept connection turns Nagle off once",
        );
      } finally {
        // Signal the server itself: strace, its parent, would only detach.
        await new Deno.Command("pkill", {
          args: ["-TERM", "-P", String(server.pid)],
        }).output();
        await server.finish();
        await Deno.remove(log);
      }
    },
  });
}
