import assert from "node:assert/strict";
import { compileArgs, TARGETS } from "../scripts/compile.ts";
import { ServerProcess } from "../testing/server_launcher.ts";
import { NON_BLOCKING_V8_FLAGS, v8FlagsArgument } from "./v8_flags.ts";

const config = JSON.parse(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
) as { tasks: Record<string, string> };

Deno.test("deno task start:nb runs webserve_nb with its V8 flags", () => {
  const words = config.tasks["start:nb"].split(" ");
  const flag = words.indexOf(v8FlagsArgument(NON_BLOCKING_V8_FLAGS));
  assert.ok(
    flag > 0 && flag < words.indexOf("webserve_nb.ts"),
    words.join(" "),
  );
});

Deno.test("deno task compile bakes the V8 flags into webserve_nb only", () => {
  const flag = v8FlagsArgument(NON_BLOCKING_V8_FLAGS);
  for (const target of TARGETS) {
    const args = compileArgs(target, `/tmp/${target.output}`);
    const at = args.indexOf(flag);
    if (target.output === "webserve_nb") {
      assert.ok(at > 0 && at < args.indexOf(target.script), args.join(" "));
    } else {
      assert.equal(at, -1, args.join(" "));
    }
  }
});

Deno.test("the start:nb task's command starts a webserve_nb that serves hello", async () => {
  // The task's own words, but on a free port: V8 refuses a flag it does not
  // know, so this fails if the flags stop being valid.
  const words = config.tasks["start:nb"].split(" ");
  assert.equal(words[0], "deno");
  const command = [Deno.execPath(), ...words.slice(1, -1)];
  const server = await ServerProcess.start("webserve_nb.ts", [
    "0",
    "--host",
    "127.0.0.1",
    "--quiet",
  ], command);
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/flags`);
    assert.equal(await response.text(), "hello, /flags");
  } finally {
    server.child.kill("SIGTERM");
    await server.finish();
  }
});
