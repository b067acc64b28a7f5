import assert from "node:assert/strict";
import { commandSucceeds } from "../../wire/commands.ts";
import { writeZip } from "../fixtures/fixtures.ts";
import { hashEntry, listEntries, prepare } from "./submissions.ts";

const noPython = await commandSucceeds("python3", ["--version"])
  ? undefined
  : "python3 is not on PATH";
if (noPython) console.log(`submissions_test: zip tests skipped, ${noPython}`);

Deno.test({
  name:
    "prepare refuses a zip whose entry leaves its folder or is absolute, writing nothing outside",
  ignore: noPython !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      for (
        const [name, bad] of [["slip", "../../escaped.py"], [
          "absolute",
          "/tmp/escaped.py",
        ]]
      ) {
        await writeZip(`${dir}/${name}.zip`, [["webserve.py", "x"], [
          bad,
          "y",
        ]]);
        const prepared = await prepare(
          { student: name, path: `${dir}/${name}.zip`, type: "zip" },
          `${dir}/out/${name}/files`,
        );
        assert.ok("refused" in prepared);
        assert.match(
          prepared.refused,
          /^zip refused: the entry .* (leaves the submission's folder|has an absolute path)$/,
        );
      }
      await assert.rejects(Deno.stat(`${dir}/escaped.py`));
      await assert.rejects(Deno.stat(`${dir}/out/escaped.py`));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "prepare finds the files one folder deeper, and the hash follows the files",
  ignore: noPython !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.mkdir(`${dir}/class/bob/export`, { recursive: true });
      await Deno.writeTextFile(
        `${dir}/class/bob/export/webserve.py`,
        "print(1)\n",
      );
      await writeZip(`${dir}/class/carol.zip`, [["hw/webserve_nb.py", "x"], [
        "__MACOSX/._hw",
        "",
      ]]);
      await Deno.writeTextFile(`${dir}/class/readme.txt`, "");
      const { entries, skipped } = await listEntries(`${dir}/class`);
      assert.deepEqual(entries.map((e) => [e.student, e.type]), [[
        "bob",
        "folder",
      ], ["carol", "zip"]]);
      assert.deepEqual(skipped, ["readme.txt"]);
      const bob = await prepare(entries[0], `${dir}/work/bob`);
      assert.deepEqual(bob, {
        dir: `${dir}/work/bob/export`,
        nested: "export",
      });
      const carol = await prepare(entries[1], `${dir}/work/carol`);
      assert.deepEqual(carol, { dir: `${dir}/work/carol/hw`, nested: "hw" });
      const before = await hashEntry(entries[0]);
      assert.equal(await hashEntry(entries[0]), before);
      await Deno.writeTextFile(
        `${dir}/class/bob/export/webserve.py`,
        "print(2)\n",
      );
      assert.notEqual(await hashEntry(entries[0]), before);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
