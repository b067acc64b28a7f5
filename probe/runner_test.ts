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
    hint: "what usually causes it",
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
  assert.equal(thrown.got, "an error in the probe itself: boom");
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

Deno.test("runChecks does not run a check whose prerequisite failed, naming the failed check at the root; a skipped prerequisite blocks nothing", async () => {
  let ran = 0;
  const pass = () => {
    ran++;
    return Promise.resolve({ pass: true, sent: "", got: "" });
  };
  const results = await runChecks(
    [
      check("root", () => Promise.resolve({ pass: false, sent: "", got: "x" })),
      check("skipped", pass, { skip: "not here" }),
      check("child", pass, { needs: ["hello.root"] }),
      check("grandchild", pass, { needs: ["hello.child"] }),
      check("after-skip", pass, { needs: ["hello.skipped"] }),
      check("unknown-need", pass, { needs: ["framing.not-in-this-run"] }),
    ],
    TARGET,
  );
  assert.deepEqual(
    results.map((r) => [r.name, r.verdict, r.because ?? ""]),
    [
      ["root", "fail", ""],
      ["skipped", "skip", ""],
      ["child", "not run", "hello.root"],
      ["grandchild", "not run", "hello.root"],
      ["after-skip", "pass", ""],
      ["unknown-need", "pass", ""],
    ],
  );
  assert.equal(ran, 2, "the two checks not run never ran");
  assert.equal(results[3].got, "not run, because hello.root failed");
  assert.equal(results[0].hint, "what usually causes it");
  assert.equal(results[2].hint, undefined);
});

Deno.test("runOne says a refused connection in the card's words: nothing is listening there", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const result = await runOne(
    check("refused", async (context) => {
      await context.connect();
      return { pass: true, sent: "", got: "" };
    }),
    { hostname: "127.0.0.1", port },
  );
  assert.equal(result.verdict, "fail");
  assert.equal(
    result.got,
    `the connection was refused: nothing is listening on 127.0.0.1:${port}`,
  );
});
