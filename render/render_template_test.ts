import assert from "node:assert/strict";
import { join } from "node:path";
import { pageTokens } from "../testing/page_tokens.ts";
import { ADA, TEMPLATES_DIR } from "../testing/render_cli.ts";
import { RenderError } from "./render_error.ts";
import { renderTemplate } from "./render_template.ts";

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
