import assert from "node:assert/strict";
import { writeFixture } from "./fixtures/fixtures.ts";
import { PROBE_PERMISSIONS } from "./class/sandbox.ts";
import { findPython } from "./python_path.ts";

const python = await findPython();
const noPython = python === undefined;
if (noPython) console.log("python_path_test: skipped, no python3 here");

Deno.test({
  name:
    "the probe asks a python3 stand-in where the interpreter is once, then starts the interpreter itself, with the same verdicts (PROBE_PYTHON_AS_IS=1 keeps the stand-in)",
  ignore: noPython,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "python-path-" });
    await writeFixture("correct", `${root}/hw4`);
    // A stand-in like pyenv's: a script named python3 that finds python3 further along PATH.
    await Deno.mkdir(`${root}/shims`);
    const real = python?.bin;
    await Deno.writeTextFile(
      `${root}/shims/python3`,
      `#!/bin/sh\nprintf '%s\\n' "$*" >>'${root}/calls.log'\nexec '${real}/python3' "$@"\n`,
      { mode: 0o755 },
    );
    const probe = async (env: Record<string, string>) => {
      await Deno.remove(`${root}/calls.log`).catch(() => {});
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          ...PROBE_PERMISSIONS,
          new URL("./main.ts", import.meta.url).pathname,
          "--submission",
          `${root}/hw4`,
          "--only",
          "structure",
          "-q",
        ],
        env: {
          PATH: `${root}/shims:${Deno.env.get("PATH")}`,
          NO_COLOR: "1",
          ...env,
        },
        stdout: "piped",
      }).output();
      const calls = (await Deno.readTextFile(`${root}/calls.log`)).split("\n")
        .filter(Boolean);
      return { code: output.code, calls };
    };
    const direct = await probe({});
    assert.equal(direct.code, 0);
    assert.equal(direct.calls.length, 1, direct.calls.join(" | "));
    assert.match(direct.calls[0], /^-c import os, platform, sys;/);
    const asIs = await probe({ PROBE_PYTHON_AS_IS: "1" });
    assert.equal(asIs.code, 0);
    assert.ok(asIs.calls.length >= 2, asIs.calls.join(" | "));
    await Deno.remove(root, { recursive: true });
  },
});
