/**
 * The structure checks give the same verdicts from one python3 as from one
 * python3 per answer (the plain way), for submissions that pass, start a
 * server at import, hang at import, miss a module, keep two handlers, or end
 * the process at import (which leaves the one run's later answers to runs
 * of their own).
 */

import assert from "node:assert/strict";
import type { CheckContext } from "./check.ts";
import { findPython } from "./python_path.ts";
import { modelFiles, writeFiles, writeFixture } from "./fixtures/fixtures.ts";
import { structureChecks } from "./structure.ts";

/** Each check's id, verdict and what it got, ports and places left out. */
async function verdicts(
  dir: string,
  python: string,
  together: boolean,
): Promise<string[]> {
  const checks = structureChecks(dir, python, { together });
  const context = {} as CheckContext; // the structure checks read none of it
  return await Promise.all(checks.map(async (check) => {
    const verdict = await check.run(context);
    const got = verdict.got.replace(/\d{4,5}/g, "PORT");
    return `${check.name}: ${verdict.pass ? "pass" : "FAIL"}: ${got}`;
  }));
}

/** Submissions made from the model: fixtures, and two written here. */
async function submissions(root: string): Promise<string[]> {
  const names = [
    "correct",
    "starts_at_import",
    "hangs_at_import",
    "only_webserve",
  ];
  for (const name of names) await writeFixture(name, `${root}/${name}`);
  const model = await modelFiles();
  const blocking = model.get("webserve.py")!;
  await writeFiles(
    `${root}/exits_at_import`,
    new Map(model).set("webserve.py", `import os\nos._exit(3)\n${blocking}`),
  );
  await writeFiles(
    `${root}/two_handlers`,
    new Map(model).set(
      "webserve_nb.py",
      `${
        model.get("webserve_nb.py")
      }\n\ndef handle_connection(sock, stuff=None):\n    return True, stuff\n`,
    ),
  );
  return [...names, "exits_at_import", "two_handlers"];
}

Deno.test("the structure checks give the same verdicts from one python3 as from one per answer", async (t) => {
  const python = await findPython();
  if (python === undefined) {
    console.log("skipped: no python3 on PATH");
    return;
  }
  const interpreter = `${python.bin}/python3`;
  const root = await Deno.makeTempDir({ prefix: "structure-test-" });
  try {
    for (const name of await submissions(root)) {
      await t.step(name, async () => {
        const dir = `${root}/${name}`;
        const [together, apart] = await Promise.all([
          verdicts(dir, interpreter, true),
          verdicts(dir, interpreter, false),
        ]);
        assert.deepEqual(together, apart);
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a module that ends the process at import fails its own check, and the others are still judged", async () => {
  const python = await findPython();
  if (python === undefined) {
    console.log("skipped: no python3 on PATH");
    return;
  }
  const root = await Deno.makeTempDir({ prefix: "structure-test-" });
  try {
    const model = await modelFiles();
    await writeFiles(
      root,
      new Map(model).set(
        "webserve_nb.py",
        `import os\nos._exit(3)\n${model.get("webserve_nb.py")}`,
      ),
    );
    const got = await verdicts(root, `${python.bin}/python3`, true);
    assert.match(got[0], /^webserve-importable: pass/);
    assert.match(got[1], /^webserve-handle-connection: pass/);
    assert.match(got[2], /^webserve_nb-importable: FAIL/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
