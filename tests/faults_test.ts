/**
 * Fault tests for both servers, each run as a child process so its open
 * files and memory can be read from /proc: clients that reset mid-request,
 * half-close mid-body, connect and say nothing, trickle a byte a second, and
 * flood pipelined requests without reading. Through each fault the server
 * keeps answering a well-behaved client, and afterwards its open file count
 * is back where it started.
 */

import assert from "node:assert/strict";
import { closeQuietly } from "../wire/socket.ts";
import { delay } from "../wire/timers.ts";
import { fromLatin1 } from "../wire/bytes.ts";
import {
  connect,
  fetchRaw,
  get,
  readUntilClosed,
} from "../testing/raw_client.ts";
import { writeAll } from "../wire/socket.ts";
import {
  procAvailable,
  SERVER_MODULES,
  type ServerKind,
  serverMissing,
  type ServerProcess,
  startServerProcess,
  waitFor,
} from "../testing/server_launcher.ts";

const hasProc = await procAvailable();
if (!hasProc) {
  console.log(
    "fault tests skipped: /proc is needed to count the server's open files",
  );
}

/** Short timeouts so each fault resolves in about a second. */
const FLAGS = [
  "--idle-timeout",
  "0.5",
  "--head-timeout",
  "1.5",
  "--body-timeout",
  "1",
];
const SETTLE_MS = 5_000;

async function withWatchedServer(
  kind: ServerKind,
  body: (server: ServerProcess) => Promise<void>,
): Promise<void> {
  const server = await startServerProcess(
    kind,
    kind === "blocking" ? [...FLAGS, "--slice", "0.5"] : FLAGS,
  );
  try {
    // Warm up first: the runtime opens a few descriptors for good on its first timer and socket.
    await assertServes(server, "/warm-up");
    await readUntilClosed(await connect(server.port), 5_000);
    const baseline = await server.openFiles();
    await body(server);
    const settled = await waitFor(
      async () => (await server.openFiles()) <= baseline,
      SETTLE_MS,
    );
    assert.ok(
      settled,
      `open files back to ${baseline} (now ${await server.openFiles()})`,
    );
    assert.ok(server.alive(), "the server is still running");
  } finally {
    const stderr = await server.stop();
    assert.equal(stderr, "", "the server wrote nothing to stderr");
  }
}

async function assertServes(
  server: ServerProcess,
  path: string,
): Promise<void> {
  const answer = await fetchRaw(
    server.port,
    get(path, "Connection: close\r\n"),
  );
  assert.match(
    answer,
    new RegExp(`^HTTP/1.1 200 OK\\r\\n[^]*\\r\\n\\r\\nhello, ${path}$`),
  );
}

for (const kind of ["blocking", "non-blocking"] as const) {
  const module = SERVER_MODULES[kind];
  const missing = serverMissing(kind);
  if (missing) console.log(`fault tests of ${module} skipped: ${missing}`);
  const ignore = !hasProc || missing !== undefined;

  Deno.test({
    name:
      `${module} keeps serving and leaks nothing when clients reset mid-request`,
    ignore,
    fn: () =>
      withWatchedServer(kind, async (server) => {
        for (let i = 0; i < 20; i++) {
          const conn = await connect(server.port);
          // A whole request, then half of the next; the answer to the first is left unread,
          // so closing sends RST instead of FIN.
          await writeAll(
            conn,
            fromLatin1(
              `GET /r${i} HTTP/1.1\r\nHost: t\r\n\r\nPOST /x HTTP/1.1\r\nHost: t\r\nContent-Le`,
            ),
          );
          await delay(20);
          closeQuietly(conn);
        }
        await assertServes(server, "/after-resets");
      }),
  });

  Deno.test({
    name:
      `${module} answers 400 and closes when a client half-closes mid-request`,
    ignore,
    fn: () =>
      withWatchedServer(kind, async (server) => {
        const partials = [
          "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789",
          "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
          "GET /h HTTP/1.1\r\nHost: t\r\nX-Half",
        ];
        for (const partial of partials) {
          const conn = await connect(server.port);
          await writeAll(conn, fromLatin1(partial));
          await conn.closeWrite();
          // The request can never complete; a half-closed client can still
          // read why.
          const result = await readUntilClosed(conn, 3_000);
          assert.equal(
            result.end,
            "closed",
            `after ${JSON.stringify(partial)}`,
          );
          assert.match(
            result.text,
            /^HTTP\/1\.1 400 Bad Request\r\n[^]*Connection: close\r\n/,
            `after ${JSON.stringify(partial)}`,
          );
        }
        await assertServes(server, "/after-half-close");
      }),
  });

  Deno.test({
    name:
      `${module} delivers its error answer although the client keeps sending after the bad request`,
    ignore,
    fn: () =>
      withWatchedServer(kind, async (server) => {
        // Closing with unread input makes the kernel send RST, which can destroy an answer
        // not yet read by the client; the error must arrive anyway.
        for (let i = 0; i < 5; i++) {
          const conn = await connect(server.port);
          const sending = writeAll(
            conn,
            fromLatin1(
              "GET / HTTP/9.9\r\nHost: t\r\n\r\n" + "x".repeat(300_000),
            ),
          ).catch(() => {});
          const result = await readUntilClosed(conn, 5_000);
          await sending;
          assert.match(
            result.text,
            /^HTTP\/1.1 505 /,
            `attempt ${i}: ${result.end}`,
          );
        }
      }),
  });

  Deno.test({
    name:
      `${module} keeps serving others while clients connect and say nothing`,
    ignore,
    fn: () =>
      withWatchedServer(kind, async (server) => {
        const silent = await Promise.all(
          Array.from({ length: 5 }, () => connect(server.port)),
        );
        await assertServes(server, "/past-the-silent");
        // Each silent connection is closed by the server, with nothing written (idle, not a request).
        const results = await Promise.all(
          silent.map((conn) => readUntilClosed(conn, 10_000)),
        );
        assert.deepEqual(results.map((r) => r.end), silent.map(() => "closed"));
        assert.deepEqual(results.map((r) => r.text), silent.map(() => ""));
      }),
  });

  Deno.test({
    name:
      `${module} answers 408 to a client trickling a byte a second and serves others meanwhile`,
    ignore,
    fn: () =>
      withWatchedServer(kind, async (server) => {
        const conn = await connect(server.port);
        const request = fromLatin1("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
        let stop = false;
        const trickling = (async () => {
          for (let i = 0; i < request.length && !stop; i++) {
            await writeAll(conn, request.subarray(i, i + 1)).catch(
              () => (stop = true),
            );
            await delay(1_000);
          }
        })();
        await delay(300);
        const started = performance.now();
        await assertServes(server, "/beside-the-trickle");
        const waited = performance.now() - started;
        if (kind === "non-blocking") {
          assert.ok(
            waited < 1_000,
            `answered in ${Math.round(waited)} ms, not held up by the trickle`,
          );
        }
        const result = await readUntilClosed(conn, 10_000);
        stop = true;
        await trickling;
        assert.match(
          result.text,
          /^HTTP\/1.1 408 Request Timeout\r\n[^]*Connection: close\r\n/,
        );
        assert.notEqual(result.end, "timeout");
      }),
  });

  Deno.test({
    name:
      `${module} stays bounded and serves others under a pipelined flood that is never read`,
    ignore,
    fn: () =>
      withWatchedServer(kind, async (server) => {
        const rssBefore = await server.rssKiB();
        const conn = await connect(server.port);
        const flood = fromLatin1(
          "GET /flood HTTP/1.1\r\nHost: t\r\n\r\n".repeat(60_000),
        ); // about 2 MB of requests
        const flooding = writeAll(conn, flood).catch(() => {}); // stalls once the server stops reading
        await delay(500);
        await assertServes(server, "/beside-the-flood");
        const growthMiB = ((await server.rssKiB()) - rssBefore) / 1024;
        assert.ok(
          growthMiB < 64,
          `memory grew ${growthMiB.toFixed(1)} MiB under the flood`,
        );
        closeQuietly(conn);
        await flooding;
      }),
  });
}
