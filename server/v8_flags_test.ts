import assert from "node:assert/strict";
import { compileArgs, TARGETS } from "../tools/compile.ts";
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
