import assert from "node:assert/strict";
import { SCENARIOS } from "./scenarios.ts";
import { allServers } from "./servers.ts";

Deno.test("variant servers run only in the scenarios where their difference shows", () => {
  const servers = allServers();
  const variants = servers.filter((s) => s.variantOf !== undefined);
  assert.deepEqual(variants.map((s) => s.id).sort(), [
    "nb-log",
    "nb-young-1mb",
  ]);
  for (const variant of variants) {
    assert.ok(servers.some((s) => s.id === variant.variantOf), variant.id);
    const ran = SCENARIOS.filter((sc) => sc.includes(variant)).map((sc) =>
      sc.id
    );
    assert.deepEqual(ran, ["keepalive-50", "pipeline-16"], variant.id);
  }
  const nb = servers.find((s) => s.id === "nb")!;
  assert.equal(SCENARIOS.filter((sc) => sc.includes(nb)).length, 5);
});

Deno.test("the young-generation variant passes its V8 flag to deno, not to the server", async () => {
  const spec = allServers().find((s) => s.id === "nb-young-1mb")!;
  const command = await spec.command(8080, "/tmp", true);
  const flag = command.indexOf("--v8-flags=--max-semi-space-size=1");
  const script = command.findIndex((arg) => arg.endsWith("webserve_nb.ts"));
  assert.ok(flag > 0 && flag < script, command.join(" "));
  assert.ok(command.includes("--quiet") && command.includes("--idle-timeout"));
});
