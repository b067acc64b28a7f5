/**
 * The checks as a whole: each prerequisite is a check that runs earlier in
 * the same run; `hello` holds what the brief asks and nothing more; and a
 * check whose title gives a time limit fails with that same limit.
 */

import assert from "node:assert/strict";
import type { Check, Kind } from "./check.ts";
import { GROUPS } from "./check.ts";
import { serverChecks } from "./checks.ts";
import { fromLatin1, latin1 } from "./kit.ts";
import { runOne } from "./runner.ts";
import { structureChecks } from "./structure.ts";

const KINDS: (Kind | undefined)[] = ["blocking", "nb", undefined];

function ids(checks: readonly Check[]): string[] {
  return checks.map((c) => `${c.group}.${c.name}`);
}

Deno.test("every prerequisite is a check of the same run that runs earlier, and groups run in GROUPS' order", () => {
  for (
    const [name, checks] of [
      ...KINDS.map((kind) => [`kind ${kind}`, serverChecks(kind)] as const),
      ["structure", structureChecks(".", "python3")] as const,
    ]
  ) {
    const order = ids(checks);
    for (const [i, check] of checks.entries()) {
      for (const need of check.needs ?? []) {
        const at = order.indexOf(need);
        assert.ok(
          at >= 0 && at < i,
          `${name}: ${order[i]} needs ${need}, which ${
            at < 0 ? "is not in the run" : "runs after it"
          }`,
        );
      }
    }
    const groups = checks.map((c) => GROUPS.indexOf(c.group));
    assert.deepEqual(groups, [...groups].sort((a, b) => a - b), name);
  }
});

Deno.test("group hello holds what the brief asks, GET and POST to any path with the query and body ignored; HEAD is apart, in methods", () => {
  const checks = serverChecks("nb");
  assert.deepEqual(ids(checks.filter((c) => c.group === "hello")), [
    "hello.get-root",
    "hello.get-nested",
    "hello.get-percent-encoded",
    "hello.post",
    "hello.query-ignored",
  ]);
  assert.deepEqual(ids(checks.filter((c) => c.group === "methods")), [
    "methods.head",
  ]);
  for (const check of checks) {
    if (check.name !== "get-root") {
      assert.ok(check.needs?.length, `${check.name} needs something`);
    }
  }
});

/**
 * A server that serves one connection at a time and never gives up on it:
 * each request is answered `hello, <path>` (its Content-Length body
 * skipped), no `100 Continue`, and the next client waits for the first to
 * leave. What a blocking server without a timeout does.
 */
function oneAtATime(): { port: number; stop(): Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      let buffer = "";
      const chunk = new Uint8Array(65536);
      try {
        for (;;) {
          const n = await conn.read(chunk);
          if (n === null) break;
          buffer += latin1(chunk.subarray(0, n));
          for (;;) {
            const end = buffer.indexOf("\r\n\r\n");
            if (end < 0) break;
            const head = buffer.slice(0, end);
            const length = Number(
              /content-length: *(\d+)/i.exec(head)?.[1] ?? 0,
            );
            if (buffer.length < end + 4 + length) break;
            buffer = buffer.slice(end + 4 + length);
            const body = `hello, ${head.split(" ")[1]}`;
            await conn.write(fromLatin1(
              `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
            ));
          }
        }
      } catch { /* the client went */ }
      conns.delete(conn);
      conn.close();
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async stop() {
      listener.close();
      for (const conn of conns) conn.close();
      await serving.catch(() => {});
    },
  };
}

Deno.test("a check whose title gives a time limit fails with that same limit", async () => {
  const server = oneAtATime();
  const target = { hostname: "127.0.0.1", port: server.port };
  try {
    const limits = { nbSecondMs: 300, blockingSecondMs: 400 };
    const titled = new Map(
      KINDS.flatMap((kind) => serverChecks(kind, undefined, limits))
        .filter((check) => / within /.test(check.title) && !check.skip)
        .map((check) => [check.title, check]),
    );
    const timed = [...titled.values()];
    assert.deepEqual(
      [...new Set(timed.map((c) => c.name))].sort(),
      [
        "expect-100-continue",
        "flooding-neighbour",
        "idle-neighbour",
        "trickling-neighbour",
      ],
    );
    for (const check of timed) {
      const result = await runOne(check, target);
      assert.equal(result.verdict, "fail", `${check.name}: ${result.got}`);
      const limit = / within ([\d.]+ m?s)/.exec(check.title)?.[1];
      assert.ok(
        result.got.includes(`within ${limit}`),
        `${check.name}: the title says ${limit}, the failure: ${result.got}`,
      );
    }
  } finally {
    await server.stop();
  }
});
