/**
 * The docs hold together: in README.md, docs/*.md and testing/README.md every
 * relative link and every `#anchor` resolves (anchors as GitHub makes them
 * from headings), every `deno task NAME` is a task of deno.json, and every
 * project path named in backticks exists. The README stays a front door: at
 * most 200 lines, with a way to every page of docs/.
 */

import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { ROOT } from "../testing/commands.ts";
import {
  codeSpans,
  type Found,
  headingAnchors,
  markdownLinks,
  taskMentions,
  withoutFences,
} from "../testing/markdown.ts";

/** Folders that hold no project file a doc could mean. */
const NOT_PROJECT = new Set([".git", "node_modules"]);

/** File name endings that make a backticked word a path. */
const PATH_EXTENSION =
  /\.(ts|mjs|js|json|jsonc|md|py|html|svg|lock|sh|txt|toml|ya?ml|csv)$/;

interface Page {
  /** Path from the project root, `/`-separated. */
  path: string;
  text: string;
}

function readPages(): Page[] {
  const docs = [...Deno.readDirSync(join(ROOT, "docs"))]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`)
    .sort();
  return ["README.md", "testing/README.md", ...docs].map((path) => ({
    path,
    text: Deno.readTextFileSync(join(ROOT, path)),
  }));
}

const PAGES = readPages();

/** Every file and folder of the project, by path from the root and by name. */
function projectEntries(): { paths: Set<string>; names: Set<string> } {
  const paths = new Set<string>();
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(join(ROOT, dir))) {
      if (NOT_PROJECT.has(entry.name)) continue;
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      paths.add(path);
      names.add(entry.name);
      if (entry.isDirectory) walk(path);
    }
  };
  walk("");
  return { paths, names };
}

const ENTRIES = projectEntries();

function exists(pathFromRoot: string): boolean {
  const path = pathFromRoot.replace(/\/+$/, "");
  return path === "" || ENTRIES.paths.has(path);
}

function where(page: Page, found: Found): string {
  return `${page.path}:${found.line}: ${found.text}`;
}

/** A link that leaves the repository (a URL, a mail address). */
function isExternal(target: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(target) || target.startsWith("//");
}

/** A link's file, from the project root, and its anchor. */
function resolveLink(
  page: Page,
  target: string,
): { file: string; anchor?: string } {
  const hash = target.indexOf("#");
  const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0
    ? undefined
    : decodeURIComponent(target.slice(hash + 1));
  if (path === "") return { file: page.path, anchor };
  const file = path.startsWith("/")
    ? normalize(path.slice(1))
    : relative(ROOT, join(ROOT, dirname(page.path), path));
  return { file: file.replaceAll("\\", "/"), anchor };
}

const anchorsOf = new Map<string, Set<string>>();
function anchorsIn(file: string): Set<string> {
  let anchors = anchorsOf.get(file);
  if (anchors === undefined) {
    anchors = new Set(
      headingAnchors(Deno.readTextFileSync(join(ROOT, file))),
    );
    anchorsOf.set(file, anchors);
  }
  return anchors;
}

/**
 * The project path a code span names, from the project root, or undefined
 * when it names none: a single word that ends in a known extension or a
 * slash, or starts with a top-level folder. URLs, flags, commands with
 * arguments, `name=value`, placeholders (`<port>`, `{port}`, `NAME`, `...`)
 * and paths outside the project (`/proc/...`, `../shared/`) name none.
 */
function projectPathOf(span: string): string | undefined {
  if (/\s/.test(span) || span.startsWith("-")) return undefined;
  if (/[<>{}*$=?&|;,:@"'()\[\]]|\.\.\.|…/.test(span)) return undefined;
  if (/^(\/|~|\.\.\/)/.test(span)) return undefined;
  const segments = span.replace(/\/$/, "").split("/");
  if (segments.some((s) => /^[A-Z][A-Z0-9_]+$/.test(s))) return undefined;
  const topLevel = segments.length > 1 && ENTRIES.paths.has(segments[0]);
  if (!span.endsWith("/") && !PATH_EXTENSION.test(span) && !topLevel) {
    return undefined;
  }
  return span.replace(/^\.\//, "");
}

Deno.test("projectPathOf takes repo paths and leaves URLs, commands and placeholders", () => {
  const paths = [
    "http/seams.ts",
    "handler.ts",
    "testing/",
    ".ci/run",
    "probe/fixtures/correct/",
    "base.html",
  ];
  for (const span of paths) assert.equal(projectPathOf(span), span, span);
  const notPaths = [
    "deno task probe --class",
    "--allow-read=.",
    "http://[::]:8080/",
    "npm:nunjucks",
    "<name>_test.ts",
    "/proc/<pid>/fd",
    "../shared/STYLE.md",
    "probe/fixtures/NAME",
    "HTTP/1.1",
    "Deno.listen",
    "webserve_nb",
    "{port}",
  ];
  for (const span of notPaths) {
    assert.equal(projectPathOf(span), undefined, span);
  }
});

Deno.test("docs: every relative link names a file or folder of the project", () => {
  const broken: string[] = [];
  let checked = 0;
  for (const page of PAGES) {
    for (const link of markdownLinks(page.text)) {
      if (isExternal(link.text)) continue;
      const { file } = resolveLink(page, link.text);
      checked++;
      if (file.startsWith("..") || !exists(file)) {
        broken.push(where(page, link));
      }
    }
  }
  assert.ok(checked > 40, `only ${checked} links found: is the parser broken?`);
  assert.deepEqual(broken, []);
});

Deno.test("docs: every #anchor names a heading of its page, as GitHub renders it", () => {
  const broken: string[] = [];
  let checked = 0;
  for (const page of PAGES) {
    for (const link of markdownLinks(page.text)) {
      if (isExternal(link.text)) continue;
      const { file, anchor } = resolveLink(page, link.text);
      if (anchor === undefined || !exists(file)) continue;
      checked++;
      const ok = file.endsWith(".md")
        ? anchorsIn(file).has(anchor)
        : /^L\d+(-L\d+)?$/.test(anchor); // a line of a source file
      if (!ok) broken.push(where(page, link));
    }
  }
  assert.ok(
    checked > 5,
    `only ${checked} anchors found: is the parser broken?`,
  );
  assert.deepEqual(broken, []);
});

Deno.test("docs: every `deno task NAME` names a task of deno.json", () => {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  const tasks = new Set(Object.keys(config.tasks));
  const unknown: string[] = [];
  let checked = 0;
  for (const page of PAGES) {
    for (const mention of taskMentions(page.text)) {
      checked++;
      if (!tasks.has(mention.text)) unknown.push(where(page, mention));
    }
  }
  assert.ok(checked > 40, `only ${checked} tasks found: is the parser broken?`);
  assert.deepEqual(unknown, []);
});

Deno.test("docs: every project path named in backticks exists", () => {
  const missing: string[] = [];
  let checked = 0;
  for (const page of PAGES) {
    for (const span of codeSpans(page.text)) {
      const path = projectPathOf(span.text);
      if (path === undefined) continue;
      checked++;
      // A bare name (`handler.ts`, `base.html`, `memo/`) is read in the
      // context of its sentence: it must name something somewhere in the
      // project. A path with a folder in it is taken from the root.
      const found = path.replace(/\/$/, "").includes("/")
        ? exists(path)
        : ENTRIES.names.has(path.replace(/\/$/, ""));
      if (!found) missing.push(where(page, span));
    }
  }
  assert.ok(
    checked > 100,
    `only ${checked} paths found: is the parser broken?`,
  );
  assert.deepEqual(missing, []);
});

Deno.test("docs: every page has one title, on its first line", () => {
  const untitled = PAGES.filter((page) => {
    const titles = withoutFences(page.text).split("\n")
      .filter((line) => /^# /.test(line));
    return titles.length !== 1 || !page.text.startsWith("# ");
  }).map((page) => page.path);
  assert.deepEqual(untitled, []);
});

Deno.test("README.md is a front door: at most 200 lines, with a way to every page of docs/", () => {
  const readme = PAGES.find((p) => p.path === "README.md")!;
  const lines = readme.text.split("\n").length -
    (readme.text.endsWith("\n") ? 1 : 0);
  assert.ok(lines <= 200, `README.md has ${lines} lines`);
  const linked = new Set(
    markdownLinks(readme.text).map((l) => resolveLink(readme, l.text).file),
  );
  const unlinked = PAGES.map((p) => p.path)
    .filter((p) => p.startsWith("docs/") && !linked.has(p));
  assert.deepEqual(unlinked, []);
});
