/**
 * The rooms of `docs/architecture.md` hold: the page's table says which files
 * make each room and what each may import, and every import of the code (as
 * `deno info` resolves them, plus the scripts a file starts by
 * `new URL("…", import.meta.url)`) must be one the table allows. A failure
 * names the file, the line and the rule.
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { ROOT } from "../testing/commands.ts";
import { codeSpans } from "../testing/markdown.ts";

const PAGE = "docs/architecture.md";

/** One row of the page's table. */
interface Room {
  /** The room's name, as the page gives it. */
  name: string;
  /** Folders (ending in `/`) and files it covers; `*_test.ts` covers every test file. */
  covers: string[];
  /** What it may import besides itself: paths as in `covers`, or `anything`. */
  mayImport: string[] | "anything";
  /** The cell as written, for the failure message. */
  rule: string;
}

/** One import: `from` imports `to` at `line` (both paths from the root). */
interface Edge {
  from: string;
  to: string;
  line: number;
}

/** The rooms of the table headed `Room | Folders and files | ... | May import`. */
function readRooms(markdown: string): Room[] {
  const rows = markdown.split("\n").filter((line) => line.startsWith("|"));
  const cells = (line: string) =>
    line.split("|").slice(1, -1).map((cell) => cell.trim());
  const header = rows.findIndex((line) => cells(line)[0] === "Room");
  assert.ok(header >= 0, `${PAGE} has no table headed "Room"`);
  const columns = cells(rows[header]);
  const coversAt = columns.indexOf("Folders and files");
  const importsAt = columns.indexOf("May import");
  assert.ok(coversAt > 0 && importsAt > 0, `${PAGE}: the table's columns`);
  return rows.slice(header + 2).map((line) => {
    const row = cells(line);
    const spans = (cell: string) => codeSpans(cell).map((span) => span.text);
    const rule = row[importsAt];
    return {
      name: row[0],
      covers: spans(row[coversAt]),
      mayImport: rule === "anything" ? "anything" : spans(rule),
      rule,
    };
  });
}

/** Whether `path` is named by `pattern` (a folder ending in `/`, a file, or `*_test.ts`). */
function names(pattern: string, path: string): boolean {
  if (pattern === "*_test.ts") return path.endsWith("_test.ts");
  return pattern.endsWith("/") ? path.startsWith(pattern) : path === pattern;
}

/** The room a file belongs to: the first row that names it. */
function roomOf(rooms: Room[], path: string): Room | undefined {
  return rooms.find((room) => room.covers.some((p) => names(p, path)));
}

/** Every import the table does not allow, as `file:line: ...` lines. */
function violations(rooms: Room[], edges: Edge[]): string[] {
  const found: string[] = [];
  for (const { from, to, line } of edges) {
    const room = roomOf(rooms, from);
    if (!room || room.mayImport === "anything") continue;
    if (room.covers.some((p) => names(p, to))) continue;
    if (room.mayImport.some((p) => names(p, to))) continue;
    found.push(
      `${from}:${line}: imports ${to}, but ${room.name} (${
        room.covers.join(", ")
      }) may import ${room.rule} (${PAGE})`,
    );
  }
  return found;
}

/** Every code file of the project, by path from the root. */
function codeFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(join(ROOT, dir))) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (/\.(ts|mjs)$/.test(entry.name)) found.push(path);
    }
  };
  walk("");
  return found.sort();
}

/** A script a file starts or loads by its path: `new URL("./x.ts", import.meta.url)`. */
const SCRIPT_URL =
  /new URL\(\s*["'](\.{1,2}\/[^"']+\.(?:ts|mjs|js|py))["']\s*,\s*import\.meta\.url/g;

/** Every import between the project's files: `deno info` on all of them at once, plus script URLs. */
async function projectEdges(files: string[]): Promise<Edge[]> {
  const dir = await Deno.makeTempDir({ prefix: "layers-" });
  try {
    const all = join(dir, "all.ts");
    await Deno.writeTextFile(
      all,
      files.map((f) => `import "file://${join(ROOT, f)}";\n`).join(""),
    );
    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(ROOT, "deno.json"), all],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(info.stderr);
    assert.ok(info.success, `deno info failed: ${stderr}`);
    const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
      modules: {
        specifier: string;
        dependencies?: {
          code?: { specifier: string; span: { start: { line: number } } };
          type?: { specifier: string; span: { start: { line: number } } };
        }[];
      }[];
    };
    const inProject = (specifier: string) => {
      if (!specifier.startsWith("file://")) return undefined;
      const path = relative(
        ROOT,
        decodeURIComponent(new URL(specifier).pathname),
      );
      return path.startsWith("..") ? undefined : path;
    };
    const edges: Edge[] = [];
    for (const module of graph.modules) {
      const from = inProject(module.specifier);
      if (from === undefined) continue;
      for (const dependency of module.dependencies ?? []) {
        for (const use of [dependency.code, dependency.type]) {
          const to = use && inProject(use.specifier);
          if (use && to !== undefined) {
            edges.push({ from, to, line: use.span.start.line + 1 });
          }
        }
      }
    }
    for (const from of files) {
      const lines = (await Deno.readTextFile(join(ROOT, from))).split("\n");
      lines.forEach((text, index) => {
        for (const match of text.matchAll(SCRIPT_URL)) {
          const to = relative(ROOT, join(ROOT, from, "..", match[1]));
          edges.push({ from, to, line: index + 1 });
        }
      });
    }
    return edges;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ROOMS = readRooms(await Deno.readTextFile(join(ROOT, PAGE)));

Deno.test("every import of the project is one docs/architecture.md allows", async () => {
  const files = codeFiles();
  const edges = await projectEdges(files);
  assert.ok(
    edges.some((e) => e.from === "handler.ts" && e.to.startsWith("http/")),
    "the import graph was read (handler.ts imports http/)",
  );
  assert.deepEqual(violations(ROOMS, edges), []);
});

Deno.test("every code file belongs to a room of docs/architecture.md", () => {
  const homeless = codeFiles().filter((f) => roomOf(ROOMS, f) === undefined);
  assert.deepEqual(homeless, [], `files in no room of ${PAGE}`);
});

Deno.test("docs/architecture.md names every top-level folder", async () => {
  const page = await Deno.readTextFile(join(ROOT, PAGE));
  const named = new Set(codeSpans(page).map((span) => span.text));
  const folders = [...Deno.readDirSync(ROOT)]
    .filter((e) =>
      e.isDirectory && e.name !== ".git" && e.name !== "node_modules"
    )
    .map((e) => `${e.name}/`)
    .filter((folder) => !named.has(folder));
  assert.deepEqual(folders, [], `top-level folders ${PAGE} does not name`);
});

Deno.test("the layer check fails naming file, line and rule for a planted forbidden import", () => {
  const planted: Edge[] = [
    { from: "probe/cli.ts", to: "testing/commands.ts", line: 12 },
    { from: "http/connection.ts", to: "server/timers.ts", line: 3 },
    { from: "tutorial/step1_hello_world.ts", to: "handler.ts", line: 9 },
    { from: "handler.ts", to: "server/listen.ts", line: 40 },
    { from: "server/listen.ts", to: "wire/socket.ts", line: 7 },
    { from: "render/main.ts", to: "bench/run.ts", line: 2 },
  ];
  const found = violations(ROOMS, planted);
  assert.equal(found.length, planted.length, found.join("\n"));
  assert.match(
    found[0],
    /^probe\/cli\.ts:12: imports testing\/commands\.ts, but the grader \(probe\/\) may import `wire\/` \(docs\/architecture\.md\)$/,
  );
  // What the table allows passes: the lab, test support, and each room's own.
  assert.deepEqual(
    violations(ROOMS, [
      { from: "bench/run.ts", to: "testing/commands.ts", line: 1 },
      { from: "probe/cli.ts", to: "wire/socket.ts", line: 1 },
      { from: "http/error_log_test.ts", to: "wire/timers.ts", line: 1 },
      { from: "server/listen.ts", to: "handler.ts", line: 1 },
      { from: "webserve.ts", to: "server/listen.ts", line: 1 },
    ]),
    [],
  );
});
