import assert from "node:assert/strict";
import type { Check } from "./check.ts";
import { delay } from "./kit.ts";
import { runChecks, runOne } from "./runner.ts";

const TARGET = { hostname: "127.0.0.1", port: 9 };

function check(
  name: string,
  run: Check["run"],
  extra: Partial<Check> = {},
): Check {
  return {
    name,
    group: "hello",
    title: `check ${name}`,
    expected: "whatever",
    timeoutMs: 100,
    run,
    ...extra,
  };
}

Deno.test("runOne fails a check that overruns its time limit, with what it last sent, and returns soon after", async () => {
  let stopped = false;
  const started = performance.now();
  const result = await runOne(
    check("hangs", async (context) => {
      context.sent = '"GET / HTTP/1.1"';
      while (!context.closed) await delay(10);
      stopped = true;
      return { pass: true, sent: "", got: "" };
    }),
    TARGET,
  );
  assert.equal(result.verdict, "fail");
  assert.match(result.got, /^no verdict within 100 ms/);
  assert.equal(result.sent, '"GET / HTTP/1.1"');
  assert.ok(performance.now() - started < 1000);
  assert.ok(stopped, "the check saw its context close and wound down");
});

Deno.test("runOne turns a check that throws into a failure, and passes a skip through", async () => {
  const thrown = await runOne(
    check("throws", () => Promise.reject(new Error("boom"))),
    TARGET,
  );
  assert.equal(thrown.verdict, "fail");
  assert.match(thrown.got, /could not go on: boom/);
  const skipped = await runOne(
    check("skipped", () => Promise.reject(new Error("ran")), {
      skip: "not here",
    }),
    TARGET,
  );
  assert.deepEqual([skipped.verdict, skipped.got], ["skip", "not here"]);
});

Deno.test("runChecks runs checks in order, reports each, and names the server", async () => {
  const seen: string[] = [];
  const results = await runChecks(
    [
      check("a", () => Promise.resolve({ pass: true, sent: "x", got: "y" })),
      check("b", () => Promise.resolve({ pass: false, sent: "x", got: "z" })),
    ],
    TARGET,
    {
      onStart: (c, i) => seen.push(`start ${i} ${c.name}`),
      onResult: (r) => seen.push(`${r.id} ${r.verdict}`),
    },
    "webserve.py",
  );
  assert.deepEqual(seen, [
    "start 0 a",
    "hello.a pass",
    "start 1 b",
    "hello.b fail",
  ]);
  assert.deepEqual(results.map((r) => r.server), [
    "webserve.py",
    "webserve.py",
  ]);
});
