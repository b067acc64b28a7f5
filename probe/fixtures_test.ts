/**
 * The fixtures' promise: each flawed submission is the model pair with one
 * classic mistake, marked `FLAW:`, in one file; its other files are the
 * model's, byte for byte. (Which checks each flaw fails is
 * tests/probe_test.ts's business.)
 */

import assert from "node:assert/strict";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const FILES = ["handler.py", "webserve.py", "webserve_nb.py"];

async function read(fixture: string, file: string): Promise<string> {
  return await Deno.readTextFile(new URL(`${fixture}/${file}`, FIXTURES));
}

const flawed: string[] = [];
for await (const entry of Deno.readDir(FIXTURES)) {
  if (entry.isDirectory && entry.name !== "correct") flawed.push(entry.name);
}
flawed.sort();

Deno.test("fixtures hold the model pair and at least six flawed submissions of the same three files", async () => {
  assert.ok(flawed.length >= 6, flawed.join(", "));
  for (const fixture of ["correct", ...flawed]) {
    const names: string[] = [];
    for await (const entry of Deno.readDir(new URL(fixture, FIXTURES))) {
      names.push(entry.name);
    }
    assert.deepEqual(names.sort(), FILES, fixture);
  }
  for (const file of FILES) {
    assert.doesNotMatch(await read("correct", file), /FLAW/);
  }
});

for (const fixture of flawed) {
  Deno.test(`fixture ${fixture} differs from the model in one file, at one marked flaw`, async () => {
    const changed: string[] = [];
    for (const file of FILES) {
      const [model, flaw] = [
        await read("correct", file),
        await read(fixture, file),
      ];
      if (model !== flaw) {
        changed.push(file);
        assert.equal(
          flaw.match(/FLAW:/g)?.length,
          1,
          `${fixture}/${file} marks its flaw once`,
        );
      }
    }
    assert.equal(changed.length, 1, `${fixture} changes ${changed.join(", ")}`);
  });
}
