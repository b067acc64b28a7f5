/**
 * A short soak (about 10 s) against the non-blocking server, and a probe of
 * the engine's live heap across many connections. `deno task soak` runs the
 * long form.
 */

import assert from "node:assert/strict";
import { runSoak, soakSummary } from "../robustness/soak.ts";
import { procAvailable, serverMissing } from "../testing/server_launcher.ts";

const missing = serverMissing("non-blocking") ??
  (await procAvailable()
    ? undefined
    : "/proc is needed to read the server's open files and memory");
if (missing) console.log(`soak test skipped: ${missing}`);

Deno.test({
  name:
    "webserve_nb.ts answers every good request and gives back its files under a 10 s mixed soak",
  ignore: missing !== undefined,
  fn: async () => {
    const clients = 16;
    // In 10 s V8 is still sizing its heap, so memory is only held to a loose bound here;
    // the 60 s `deno task soak` holds it to 10%, and the heap probe below checks for leaks directly.
    const result = await runSoak({
      durationMs: 10_000,
      warmupMs: 5_000,
      clients,
      memoryTolerance: 1,
    });
    console.log(soakSummary(result, "non-blocking", clients));
    assert.deepEqual(result.problems, []);
    assert.ok(
      result.good.sent > 0 && result.bad.sent > 0 && result.churned > 0,
      "every kind of client ran",
    );
  },
});

Deno.test("handleConnection keeps its live heap flat across 30,000 connections", async () => {
  const probe =
    new URL("../robustness/heap_probe.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--v8-flags=--expose-gc", probe, "10000"],
    stderr: "inherit",
  }).output();
  assert.ok(output.success, "the heap probe ran");
  const { heapAfterWarmup, heapAtEnd } = JSON.parse(
    new TextDecoder().decode(output.stdout),
  );
  console.log(
    `heap after 10,000 connections ${heapAfterWarmup} bytes, after 30,000 ${heapAtEnd} bytes`,
  );
  assert.ok(
    heapAtEnd < heapAfterWarmup * 1.05,
    `live heap grew from ${heapAfterWarmup} to ${heapAtEnd} bytes`,
  );
});
