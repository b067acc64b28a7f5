/**
 * Parity: every template rendered by Python's Jinja2 and by `deno task render`
 * with the same values gives the same page (same tags, same text). Skips, with
 * the reason printed, where no Python with Jinja2 is found.
 */
import assert from "node:assert/strict";
import { runRenderTask, TEMPLATES_DIR } from "../testing/render_cli.ts";
import { pageTokens } from "../testing/page_tokens.ts";

const TEMPLATES = ["base.html", "form.html", "process_form.html"];

/** Values with markup, quotes and an ampersand, so escaping is compared too. */
const VALUES = { firstname: `Ada <b>"&'`, lastname: "Lovelace" };

/**
 * Renders like the Python course code: a FileSystemLoader on templates/, with
 * autoescape and StrictUndefined to match render/main.ts' configuration.
 */
const JINJA2_RENDER = `
import json, sys
import jinja2
request = json.load(sys.stdin)
env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(request["dir"]),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
sys.stdout.write(env.get_template(request["template"]).render(request["values"]))
`;

/** Debian's python3 (which python3-jinja2 installs into) first, then PATH's. */
async function findJinja2Python(): Promise<
  { python?: string; reason: string }
> {
  const reasons: string[] = [];
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const probe = await new Deno.Command(python, {
        args: ["-c", "import jinja2; print(jinja2.__version__)"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (probe.success) {
        const version = new TextDecoder().decode(probe.stdout).trim();
        return { python, reason: `${python} has Jinja2 ${version}` };
      }
      reasons.push(`${python} cannot import jinja2`);
    } catch {
      reasons.push(`${python} not found`);
    }
  }
  return { reason: reasons.join("; ") };
}

async function renderWithJinja2(
  python: string,
  template: string,
): Promise<string> {
  const child = new Deno.Command(python, {
    args: ["-c", JINJA2_RENDER],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(
      JSON.stringify({ dir: TEMPLATES_DIR, template, values: VALUES }),
    ),
  );
  await writer.close();
  const output = await child.output();
  const decoder = new TextDecoder();
  assert.ok(
    output.success,
    `Jinja2 failed on ${template}: ${decoder.decode(output.stderr)}`,
  );
  return decoder.decode(output.stdout);
}

const jinja2 = await findJinja2Python();
if (jinja2.python === undefined) {
  console.log(`jinja_parity_test: skipping Jinja2 parity, ${jinja2.reason}`);
}

for (const template of TEMPLATES) {
  Deno.test({
    name: `deno task render ${template} gives the same tags and text as Jinja2`,
    ignore: jinja2.python === undefined,
    fn: async () => {
      const expected = await renderWithJinja2(jinja2.python!, template);
      const run = await runRenderTask([
        template,
        ...Object.entries(VALUES).map(([name, value]) => `${name}=${value}`),
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(pageTokens(run.stdout), pageTokens(expected));
    },
  });
}

Deno.test("pageTokens ignores whitespace between tags and the spelling of escapes", () => {
  assert.deepEqual(
    pageTokens(`<p>\n  Hello, <b>A&#34;&#39;</b>\n</p>\n`),
    pageTokens(`<p>Hello, <b>A&quot;&#x27;</b></p>`),
  );
});

Deno.test("pageTokens tells apart pages that differ in a tag, an attribute, a text or a block", () => {
  const page =
    `<title>Hi</title><body><h1>Hello, Ada.</h1><p id="a">x</p></body>`;
  const changes = [
    page.replace("<h1>", "<h2>").replace("</h1>", "</h2>"),
    page.replace(`id="a"`, `id="b"`),
    page.replace("Hello, Ada.", "Hello, Ada"),
    page.replace("<title>Hi</title>", "<title></title>"),
    page.replace("<h1>Hello, Ada.</h1>", ""),
    page.replace("Ada", "&lt;b&gt;Ada").replace("Ada.", "Ada.&lt;/b&gt;"),
  ];
  for (const changed of changes) {
    assert.notDeepEqual(pageTokens(changed), pageTokens(page), changed);
  }
  // An unescaped tag in a value never equals its escaped text.
  assert.notDeepEqual(
    pageTokens("<p><b>x</b></p>"),
    pageTokens("<p>&lt;b&gt;x&lt;/b&gt;</p>"),
  );
});
