import assert from "node:assert/strict";
import {
  allServers,
  baselineServers,
  describeCheckout,
  ROOT_DIR,
} from "./servers.ts";

Deno.test("baselineServers runs the other checkout's project servers as @base rows labelled with its name", async () => {
  const rows = baselineServers("/tmp/old-checkout/", "abc1234");
  assert.deepEqual(rows.map((s) => s.id), [
    "nb@base",
    "nb-log@base",
    "nb-plain@base",
    "blocking@base",
    "nb-2@base",
    "nb-1-spread@base",
    "blocking-4@base",
  ]);
  const nb = rows[0];
  assert.equal(nb.label, "webserve_nb @ abc1234");
  assert.equal(nb.baselineOf, "nb");
  assert.equal(rows[1].variantOf, "nb@base");
  const command = await nb.command(8080, "/tmp");
  assert.ok(
    command.includes("/tmp/old-checkout/webserve_nb.ts"),
    command.join(" "),
  );
  const current = await allServers().find((s) => s.id === "nb")!.command(
    8080,
    "/tmp",
  );
  assert.ok(command.length === current.length, "launched the same way");
  // Workers need read access to that checkout's modules, not this one's.
  const workers = await rows.find((s) => s.id === "nb-2@base")!.command(
    8080,
    "/tmp",
  );
  assert.ok(
    workers.includes("--allow-read=/tmp/old-checkout/"),
    workers.join(" "),
  );
});

Deno.test("baselineServers keeps only the servers asked for", () => {
  const rows = baselineServers(
    "/tmp/old",
    "old",
    new Set(["blocking", "deno-serve"]),
  );
  assert.deepEqual(rows.map((s) => s.id), ["blocking@base"]);
});

Deno.test("a baseline checkout without --workers skips the worker rows, saying why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench-baseline-" });
  try {
    // An old webserve_nb.ts: a --help without --workers.
    await Deno.writeTextFile(
      `${dir}/webserve_nb.ts`,
      'console.log("Usage: webserve_nb.ts <port>\\n  --quiet  no log");\n',
    );
    const rows = baselineServers(dir, "old");
    const nb = rows.find((s) => s.id === "nb@base")!;
    const two = rows.find((s) => s.id === "nb-2@base")!;
    const blocking = rows.find((s) => s.id === "blocking@base")!;
    assert.equal(await nb.unavailable(), undefined);
    assert.match((await two.unavailable())!, /has no --workers option/);
    assert.match(
      (await blocking.unavailable())!,
      /webserve\.ts does not exist yet/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("describeCheckout names a git checkout by its short commit and another folder by its name", async () => {
  assert.match(await describeCheckout(ROOT_DIR), /^[0-9a-f]{7,}\+?$/);
  const dir = await Deno.makeTempDir({ prefix: "not-git-" });
  try {
    assert.equal(await describeCheckout(dir), dir.split("/").pop());
  } finally {
    await Deno.remove(dir);
  }
});
