import assert from "node:assert/strict";
import { inCurve, inIdleMemory, SCENARIOS } from "./scenarios.ts";
import { allServers, baselineServers } from "./servers.ts";
import { NON_BLOCKING_V8_FLAGS, v8FlagsArgument } from "../server/v8_flags.ts";

Deno.test("variant servers run only in the scenarios where their difference shows", () => {
  const servers = allServers();
  const variants = servers.filter((s) => s.variantOf !== undefined);
  assert.deepEqual(variants.map((s) => s.id).sort(), [
    "nb-log",
    "nb-plain",
  ]);
  for (const variant of variants) {
    assert.ok(servers.some((s) => s.id === variant.variantOf), variant.id);
    const ran = SCENARIOS.filter((sc) => sc.includes(variant)).map((sc) =>
      sc.id
    );
    assert.deepEqual(ran, ["keepalive-50", "pipeline-16"], variant.id);
  }
  const nb = servers.find((s) => s.id === "nb")!;
  assert.deepEqual(
    SCENARIOS.filter((sc) => sc.includes(nb)).map((sc) => sc.id),
    [
      "keepalive-1",
      "keepalive-50",
      "keepalive-500",
      "pipeline-16",
      "close-1",
      "close-8",
      "close-50",
    ],
  );
});

Deno.test("the 2-core rows hold the unpinned servers only, with wrk unpinned too", () => {
  const servers = allServers();
  const twoCore = SCENARIOS.filter((sc) => sc.placement === "spread");
  assert.deepEqual(twoCore.map((sc) => sc.id), [
    "cores2-keepalive-50",
    "cores2-pipeline-16",
  ]);
  for (const scenario of twoCore) {
    assert.deepEqual(
      servers.filter((s) => scenario.includes(s)).map((s) => s.id),
      ["nb-2", "nb-1-spread", "deno-serve-2", "nginx-2", "node-cluster"],
    );
    assert.equal(scenario.baseline, "deno-serve-2");
  }
  for (const scenario of SCENARIOS.filter((sc) => sc.placement !== "spread")) {
    for (const server of servers.filter((s) => scenario.includes(s))) {
      assert.notEqual(
        server.placement,
        "spread",
        `${scenario.id} ${server.id}`,
      );
    }
  }
});

Deno.test("the concurrency curve adds webserve --workers 4 beside the single-worker designs, and nothing else runs it", () => {
  const servers = allServers();
  assert.deepEqual(servers.filter(inCurve).map((s) => s.id), [
    "nb",
    "blocking",
    "blocking-4",
  ]);
  const four = servers.find((s) => s.id === "blocking-4")!;
  assert.equal(SCENARIOS.filter((sc) => sc.includes(four)).length, 0);
  assert.ok(!inIdleMemory(four));
  assert.deepEqual(servers.filter(inIdleMemory).map((s) => s.id), [
    "nb",
    "nb-plain",
    "deno-serve",
    "deno-floor",
    "node-http",
    "nginx",
  ]);
});

Deno.test("baseline rows take part wherever the server they are compared with does", () => {
  for (const base of baselineServers("/tmp/old", "abc1234")) {
    const current = allServers().find((s) => s.id === base.baselineOf)!;
    assert.deepEqual(
      SCENARIOS.filter((sc) => sc.includes(base)).map((sc) => sc.id),
      SCENARIOS.filter((sc) => sc.includes(current)).map((sc) => sc.id),
      base.id,
    );
    assert.equal(inCurve(base), inCurve(current), base.id);
    assert.equal(inIdleMemory(base), inIdleMemory(current), base.id);
  }
});

Deno.test("the bench launches webserve_nb with its V8 flags, and the plain variant without", async () => {
  const servers = allServers();
  const flag = v8FlagsArgument(NON_BLOCKING_V8_FLAGS);
  for (const id of ["nb", "nb-log"]) {
    const command = await servers.find((s) => s.id === id)!.command(
      8080,
      "/tmp",
      true,
    );
    const script = command.findIndex((arg) => arg.endsWith("webserve_nb.ts"));
    const at = command.indexOf(flag);
    assert.ok(at > 0 && at < script, `${id}: ${command.join(" ")}`);
  }
  const plain = await servers.find((s) => s.id === "nb-plain")!.command(
    8080,
    "/tmp",
    true,
  );
  assert.ok(
    !plain.some((arg) => arg.startsWith("--v8-flags")),
    plain.join(" "),
  );
  assert.ok(plain.includes("--quiet") && plain.includes("--idle-timeout"));
});
