import assert from "node:assert/strict";
import { SCENARIOS } from "./scenarios.ts";
import { allServers } from "./servers.ts";
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
  assert.equal(SCENARIOS.filter((sc) => sc.includes(nb)).length, 5);
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
