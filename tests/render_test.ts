import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRenderArgs } from "../render/cli_args.ts";
import { RenderError } from "../render/render_error.ts";
import { renderTemplate } from "../render/render_template.ts";
import {
  PROJECT_ROOT,
  type RenderRun,
  runDeno,
  runRenderTask,
  stderrLines,
  TEMPLATES_DIR,
} from "./render_cli.ts";
import { pageTokens } from "./render_page_tokens.ts";

const ADA = { firstname: "Ada", lastname: "Lovelace" };

function render(template: string, values: Record<string, string> = ADA) {
  return renderTemplate({ templatesDir: TEMPLATES_DIR, template, values });
}

/** Text between `<tag ...>` and `</tag>`, or undefined if the tag is absent. */
function inner(html: string, tag: string): string | undefined {
  return new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(html)?.[1];
}

function count(html: string, pattern: RegExp): number {
  return html.match(new RegExp(pattern, "g"))?.length ?? 0;
}

/** A failed run printed exactly one line, with no stack trace. */
function assertOneLineError(run: RenderRun, ...fragments: string[]): string {
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
        "render.ts",
        "--templates",
        dir,
        ...args,
      ]),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

// --- the templates themselves -------------------------------------------

Deno.test("base.html declares title inside <title> and content inside <body>", async () => {
  const base = await Deno.readTextFile(join(TEMPLATES_DIR, "base.html"));
  assert.match(base, /^<!DOCTYPE html>\n<html lang="\w+">/);
  assert.match(base, /<head>[\s\S]*<meta charset="utf-8">[\s\S]*<\/head>/);
  assert.match(inner(base, "title") ?? "", /\{% block title %\}/);
  assert.match(inner(base, "body") ?? "", /\{% block content %\}/);
});

Deno.test("process_form.html only extends base.html and overrides title and content", async () => {
  const source = await Deno.readTextFile(
    join(TEMPLATES_DIR, "process_form.html"),
  );
  assert.match(source, /^\{% extends "base\.html" %\}\n/);
  assert.doesNotMatch(source, /<(html|head|body|!DOCTYPE)\b/i);
  const blocks = [...source.matchAll(/\{% block (\w+) %\}/g)].map((m) => m[1]);
  assert.deepEqual(blocks, ["title", "content"]);
  const outsideBlocks = source
    .replace(/\{% block (\w+) %\}[\s\S]*?\{% endblock %\}/g, "")
    .replace(/^\{% extends "base\.html" %\}/, "");
  assert.equal(outsideBlocks.trim(), "", "nothing may sit outside the blocks");
  const variables = new Set(
    [...source.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]),
  );
  assert.deepEqual([...variables].sort(), ["firstname", "lastname"]);
});

// --- rendering, in process --------------------------------------------------

Deno.test("renderTemplate puts process_form.html's blocks into the base layout", () => {
  const page = render("process_form.html");
  assert.match(page, /^<!DOCTYPE html>\n<html lang="en">/);
  for (
    const tag of [
      /<html\b/,
      /<head>/,
      /<body>/,
      /<title>/,
      /<meta charset="utf-8">/,
    ]
  ) {
    assert.equal(count(page, tag), 1, `${tag} once in:\n${page}`);
  }
  assert.equal(inner(page, "title"), "Hello, Ada Lovelace");
  const body = inner(page, "body") ?? "";
  assert.match(body, /<h1>Hello, Ada Lovelace\.<\/h1>/);
  assert.match(body, /first name <strong>Ada<\/strong>/);
  assert.match(body, /name <strong>Lovelace<\/strong>/);
  assert.doesNotMatch(
    page,
    /Nothing to show|\{[{%]/,
    "base default or raw tag left",
  );
});

Deno.test("renderTemplate leaves no block empty in any page", () => {
  for (const template of ["base.html", "form.html", "process_form.html"]) {
    const page = render(template);
    assert.notEqual(
      inner(page, "title")?.trim() ?? "",
      "",
      `${template} title`,
    );
    const main = pageTokens(inner(page, "main") ?? "");
    assert.ok(
      main.some((token) => token.startsWith("text ")),
      `${template} content`,
    );
  }
});

Deno.test("renderTemplate renders form.html as a form posting firstname and lastname", () => {
  const page = render("form.html", {});
  assert.match(page, /<form action="\/process_form" method="post">/);
  assert.match(page, /<input id="firstname" name="firstname"/);
  assert.match(page, /<input id="lastname" name="lastname"/);
  assert.match(page, /<button type="submit">/);
  assert.equal(count(page, /<html\b/), 1);
});

Deno.test("renderTemplate escapes markup and quotes in values", () => {
  const page = render("process_form.html", {
    firstname: "<script>alert(1)</script>",
    lastname: `O'Hara & "Sons"`,
  });
  assert.doesNotMatch(page, /<script>/);
  assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(page, /O&#39;Hara &amp; &quot;Sons&quot;/);
});

Deno.test("renderTemplate names the undefined variable, template and line", () => {
  assert.throws(
    () => render("process_form.html", { firstname: "Ada" }),
    (error: unknown) => {
      assert.ok(error instanceof RenderError);
      assert.deepEqual(error.location, {
        template: "process_form.html",
        line: 2,
        column: 41,
      });
      assert.match(
        error.message,
        /^process_form\.html:2:41: undefined variable "lastname"/,
      );
      return true;
    },
  );
});

Deno.test("renderTemplate does not find names outside the templates folder", () => {
  assert.throws(
    () => render("../deno.json"),
    /template "\.\.\/deno\.json" not found/,
  );
});

// --- arguments --------------------------------------------------------------

Deno.test("parseRenderArgs defaults to process_form.html and splits at the first =", () => {
  const args = parseRenderArgs([
    "firstname=Ada",
    "lastname=a=b",
    "--out",
    "x.html",
  ]);
  assert.equal(args.template, "process_form.html");
  assert.deepEqual(args.values, { firstname: "Ada", lastname: "a=b" });
  assert.equal(args.out, "x.html");
  assert.equal(parseRenderArgs(["form.html"]).template, "form.html");
});

Deno.test("parseRenderArgs rejects a bad name, a repeated name and two templates", () => {
  assert.throws(() => parseRenderArgs(["1x=2"]), /"1x" is not a variable name/);
  assert.throws(
    () => parseRenderArgs(["a=1", "a=2"]),
    /variable "a" given twice/,
  );
  assert.throws(
    () => parseRenderArgs(["a.html", "b.html"]),
    /one template at a time/,
  );
  assert.throws(() => parseRenderArgs(["--bogus"]), /Unknown option '--bogus'/);
});

// --- the task, as a subprocess ------------------------------------------

Deno.test("deno task render prints the page with the task's own permissions", async () => {
  const run = await runRenderTask(["firstname=Ada", "lastname=Lovelace"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assert.equal(run.stdout, render("process_form.html"));
});

Deno.test("deno task render works when started from a subdirectory", async () => {
  const run = await runRenderTask(["form.html"], join(PROJECT_ROOT, "tests"));
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, render("form.html", {}));
});

Deno.test("render.ts finds templates beside itself whatever the cwd", async () => {
  const run = await runDeno(
    [
      "run",
      `--allow-read=${TEMPLATES_DIR}`,
      join(PROJECT_ROOT, "render.ts"),
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

Deno.test("render.ts fails in one line for a syntax error, naming template and line", async () => {
  await using scratch = await scratchTemplates({
    "broken.html":
      '{% extends "base.html" %}\n{% block content %}\n<p>{{ firstname }</p>\n{% endblock %}\n',
  });
  const run = await scratch.run(["broken.html", "firstname=Ada"]);
  assertOneLineError(run, "broken.html:3:", "expected variable end");
});

Deno.test("render.ts fails in one line when a parent template is missing", async () => {
  await using scratch = await scratchTemplates({
    "orphan.html":
      '{% extends "gone.html" %}\n{% block content %}x{% endblock %}\n',
  });
  const run = await scratch.run(["orphan.html"]);
  assertOneLineError(run, "orphan.html:", `template "gone.html" not found`);
});

Deno.test("render.ts fails in one line without read access to the templates", async () => {
  const run = await runDeno(["run", "render.ts", "form.html"]);
  assertOneLineError(run, "needs read access to", "templates");
});

Deno.test("render.ts --out writes the page when write access to that file is granted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "render_out_" });
  try {
    const out = join(dir, "page.html");
    const run = await runDeno([
      "run",
      "--allow-read=templates",
      `--allow-write=${out}`,
      "render.ts",
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
