import assert from "node:assert/strict";
import { compileArgs, TARGETS, WORKER_COMPILE_FLAGS } from "./compile.ts";

Deno.test("compileArgs gives both executables --unstable-net and the worker's module, before the script", () => {
  for (const target of TARGETS) {
    const args = compileArgs(target, `/tmp/${target.output}`);
    const script = args.indexOf(target.script);
    assert.equal(args.at(-1), target.script);
    const at = args.indexOf("--unstable-net");
    assert.ok(at > 0 && at < script, args.join(" "));
    const include = args.indexOf("--include");
    assert.equal(args[include + 1], "server/worker.ts", args.join(" "));
    assert.deepEqual(args.slice(at, at + WORKER_COMPILE_FLAGS.length), [
      ...WORKER_COMPILE_FLAGS,
    ]);
  }
});
