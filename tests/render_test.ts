/**
 * The render task and render/main.ts as a user runs them, in a subprocess: the
 * page printed, the permissions, and one-line errors. (Unit tests of the
 * template tool sit beside it in render/.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CommandResult, ROOT, runDeno } from "../testing/commands.ts";
import {
  renderPage as render,
  runRenderTask,
  stderrLines,
  TEMPLATES_DIR,
} from "../testing/render_cli.ts";

/** A failed run printed exactly one line, with no stack trace. */
function assertOneLineError(
  run: CommandResult,
  ...fragments: string[]
): string {
  assert.notEqual(run.code, 0, `expected failure, got: ${run.stdout}`);
  assert.equal(run.stdout, "");
  const lines = stderrLines(run);
  assert.equal(lines.length, 1, `stderr was:\n${run.stderr}`);
  const line = lines[0]!;
  assert.match(line, /^render: /);
  assert.doesNotMatch(line, /\bat .*:\d+:\d+|Error:/);
  for (const fragment of fragments) assert.ok(line.includes(fragment), line);
  return line;
}

/** A scratch templates folder: the real base.html plus the given files. */
async function scratchTemplates(files: Record<string, string>) {
  const dir = await Deno.makeTempDir({ prefix: "render_test_" });
  await Deno.copyFile(join(TEMPLATES_DIR, "base.html"), join(dir, "base.html"));
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(dir, name), text);
  }
  return {
    dir,
    run: (args: string[]) =>
      runDeno([
        "run",
        `--allow-read=${dir}`,
        "render/main.ts",
        "--templates",
        dir,
        ...args,
      ]),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

// --- the task, as a subprocess ------------------------------------------

Deno.test("deno task render prints the page with the task's own permissions", async () => {
  const run = await runRenderTask(["firstname=Ada", "lastname=Lovelace"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assert.equal(run.stdout, render("process_form.html"));
});

Deno.test("deno task render works when started from a subdirectory", async () => {
  const run = await runRenderTask(["form.html"], join(ROOT, "tests"));
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, render("form.html", {}));
});

Deno.test("render/main.ts finds templates beside itself whatever the cwd", async () => {
  const run = await runDeno(
    [
      "run",
      `--allow-read=${TEMPLATES_DIR}`,
      join(ROOT, "render", "main.ts"),
      "form.html",
    ],
    Deno.env.get("TMPDIR") ?? "/tmp",
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /<form action="\/process_form"/);
});

Deno.test("deno task render fails in one line for a missing template", async () => {
  assertOneLineError(
    await runRenderTask(["nope.html"]),
    `"nope.html" not found`,
  );
});

Deno.test("deno task render fails in one line for an undefined variable", async () => {
  const run = await runRenderTask(["firstname=Ada"]);
  assertOneLineError(
    run,
    "process_form.html:2:",
    `undefined variable "lastname"`,
  );
});

Deno.test("deno task render fails in one line for a bad argument, with status 2", async () => {
  const run = await runRenderTask(["--bogus"]);
  assertOneLineError(run, "--bogus", "usage:");
  assert.equal(run.code, 2);
});

Deno.test("render/main.ts fails in one line for a syntax error, naming template and line", async () => {
  await using scratch = await scratchTemplates({
    "broken.html":
      '{% extends "base.html" %}\n{% block content %}\n<p>{{ firstname }</p>\n{% endblock %}\n',
  });
  const run = await scratch.run(["broken.html", "firstname=Ada"]);
  assertOneLineError(run, "broken.html:3:", "expected variable end");
});

Deno.test("render/main.ts fails in one line when a parent template is missing", async () => {
  await using scratch = await scratchTemplates({
    "orphan.html":
      '{% extends "gone.html" %}\n{% block content %}x{% endblock %}\n',
  });
  const run = await scratch.run(["orphan.html"]);
  assertOneLineError(run, "orphan.html:", `template "gone.html" not found`);
});

Deno.test("render/main.ts fails in one line without read access to the templates", async () => {
  const run = await runDeno(["run", "render/main.ts", "form.html"]);
  assertOneLineError(run, "needs read access to", "templates");
});

Deno.test("render/main.ts --out writes the page when write access to that file is granted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "render_out_" });
  try {
    const out = join(dir, "page.html");
    const run = await runDeno([
      "run",
      "--allow-read=templates",
      `--allow-write=${out}`,
      "render/main.ts",
      "--out",
      out,
      "firstname=Ada",
      "lastname=Lovelace",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(await Deno.readTextFile(out), render("process_form.html"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task render --out fails in one line without write access", async () => {
  const dir = await Deno.makeTempDir({ prefix: "render_out_" });
  try {
    const out = join(dir, "page.html");
    const run = await runRenderTask([
      "--out",
      out,
      "firstname=Ada",
      "lastname=L",
    ]);
    assertOneLineError(run, `needs write access to ${out}`);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
