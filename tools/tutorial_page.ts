/**
 * `deno task tutorial:page`: keeps what `docs/tutorial.md` quotes true to
 * what it quotes.
 *
 * - **Listings.** A code block right after a `<!-- listing: FILE#NAME -->`
 *   line shows the region NAME of FILE: the lines between `// ANCHOR: NAME`
 *   and `// ANCHOR_END: NAME` (the Rust book's markers), less their common
 *   indent, and less the ` * ` of a doc comment when the region is inside
 *   one. Every `ts` block of the page is a listing, and every region of the
 *   tutorial's files is shown.
 * - **Commands.** Every `console` block is run as a learner runs it, from
 *   the project's root: `$ deno run --allow-net FILE 8080` starts that
 *   server (on a free port, which stands in for 8080 everywhere) and stops
 *   the one before; shown again, it stands for what the server has printed
 *   so far. Any other `$` line runs in `sh` against the server started
 *   last. Each prints what the page says, but for the value of a `Date:`
 *   field.
 *
 * With `--check` it rewrites nothing and exits 1, saying where, when the
 * page and the files differ; without it, it rewrites the listings and the
 * commands' output in the page.
 *
 * ```sh
 * deno task tutorial:page           # rewrite the page's listings and outputs
 * deno task tutorial:page --check   # does the page say what the files and commands do?
 * ```
 *
 * @module
 */

import { ServerProcess } from "../testing/server_launcher.ts";
import { raceTimeout, TIMED_OUT } from "../wire/timers.ts";
import { STEP_FILES } from "./tutorial_steps.ts";

/** The project's root, with a trailing slash. */
const ROOT = new URL("../", import.meta.url).pathname;

/** The page, from the root. */
export const PAGE = "docs/tutorial.md";

/** The port the page's commands use; a free one stands in for it. */
const PAGE_PORT = "8080";

/** How long one command may take. */
const COMMAND_TIMEOUT_MS = 15_000;

/** A fenced code block of a page. */
export interface Fence {
  /** Its info string: `ts`, `console`, `sh` ... */
  lang: string;
  /** The 0-based index of its first content line in the page's lines. */
  from: number;
  /** The index of its closing fence. */
  to: number;
  /** Its content. */
  text: string;
  /** `FILE#NAME` of the `<!-- listing: ... -->` line before it, if any. */
  listing?: string;
}

/** The fenced code blocks of `page` (backtick fences at the start of a line). */
export function fences(page: string): Fence[] {
  const lines = page.split("\n");
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)\s*$/.exec(lines[i]);
    if (open === null) continue;
    const close = lines.findIndex((l, j) => j > i && l.trim() === open[1]);
    if (close < 0) break;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === "") before--;
    const marker = /^<!-- listing: (\S+) -->$/.exec(lines[before] ?? "");
    found.push({
      lang: open[2],
      from: i + 1,
      to: close,
      text: lines.slice(i + 1, close).join("\n"),
      listing: marker?.[1],
    });
    i = close;
  }
  return found;
}

/** The names of the regions marked in `source`, in order. */
export function regionNames(source: string): string[] {
  return [...source.matchAll(/\/\/ ANCHOR: (\S+)$/gm)].map((m) => m[1]);
}

/**
 * The region `name` of `source`, as a listing shows it; throws when the file
 * has no such region.
 */
export function region(source: string, name: string): string {
  const lines = source.split("\n");
  const marker = (kind: string) => (line: string) =>
    line.replace(/^\s*(\* )?/, "") === `// ${kind}: ${name}`;
  const begin = lines.findIndex(marker("ANCHOR"));
  const end = lines.findIndex(marker("ANCHOR_END"));
  if (begin < 0 || end < begin) throw new Error(`no region ${name}`);
  let body = lines.slice(begin + 1, end)
    .filter((line) => !/^\s*(\* )?\/\/ ANCHOR(_END)?: /.test(line));
  // Inside a doc comment: without its " * ".
  if (body.every((line) => /^ \*( |$)/.test(line))) {
    body = body.map((line) => line.slice(3));
  }
  const indents = body.filter((line) => line.trim() !== "")
    .map((line) => /^ */.exec(line)![0].length);
  const common = Math.min(...indents);
  return body.map((line) => line.slice(common)).join("\n");
}

/** A difference between the page and what it quotes. */
export interface Mismatch {
  /** The 1-based line of the page where the block starts. */
  line: number;
  /** What differs. */
  what: string;
  /** What the block should hold instead. */
  want?: string;
}

/** The listings of `page` checked against the files: what differs, and what each block should be. */
export async function checkListings(page: string): Promise<Mismatch[]> {
  const found: Mismatch[] = [];
  const shown = new Set<string>();
  for (const fence of fences(page)) {
    if (fence.listing === undefined) {
      if (fence.lang === "ts") {
        found.push({ line: fence.from, what: "a ts block with no listing" });
      }
      continue;
    }
    shown.add(fence.listing);
    const [file, name] = fence.listing.split("#");
    let want: string;
    try {
      want = region(await Deno.readTextFile(`${ROOT}${file}`), name);
    } catch (error) {
      found.push({
        line: fence.from,
        what: `${fence.listing}: ${(error as Error).message}`,
      });
      continue;
    }
    if (fence.text !== want) {
      found.push({
        line: fence.from,
        what: `not what ${fence.listing} holds`,
        want,
      });
    }
  }
  for (const { file } of STEP_FILES) {
    const names = regionNames(await Deno.readTextFile(`${ROOT}${file}`));
    for (const name of names) {
      const listing = `${file}#${name}`;
      if (!shown.has(listing)) {
        found.push({ line: 0, what: `region ${listing} is shown nowhere` });
      }
    }
  }
  return found;
}

/** A `console` block's commands, each with the output the page shows. */
export function commandsOf(
  text: string,
): { command: string; output: string }[] {
  const runs: { command: string; output: string[] }[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("$ ")) {
      runs.push({ command: line.slice(2), output: [] });
    } else runs.at(-1)?.output.push(line);
  }
  return runs.map(({ command, output }) => ({
    command,
    output: output.join("\n"),
  }));
}

/** What a command printed, as the page shows it: LF line ends, the free port as 8080, no trailing blank lines. */
export function asShown(printed: string, port: number): string {
  return printed.replaceAll("\r\n", "\n")
    .replaceAll(`:${port}`, `:${PAGE_PORT}`)
    .replace(/\n+$/, "");
}

/** `text` with the value of each `Date:` field hidden: the one part of an answer that a run cannot repeat. */
function withoutDates(text: string): string {
  return text.replace(/^Date: .*$/gm, "Date: <date>");
}

/** The server the page starts with `command`, or undefined when `command` starts none. */
function serverFile(command: string): string | undefined {
  const match = /^deno run --allow-net (\S+\.ts) 8080$/.exec(command);
  return match?.[1];
}

/**
 * Runs `command` in `sh` from the root, with `port` for 8080; what it
 * printed on stdout (what a terminal shows of it: curl's progress meter,
 * on stderr, shows only when its output is not a terminal).
 */
async function runCommand(command: string, port: number): Promise<string> {
  const child = new Deno.Command("sh", {
    args: ["-c", command.replaceAll(PAGE_PORT, String(port))],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  const output = await raceTimeout(child.output(), COMMAND_TIMEOUT_MS);
  if (output !== TIMED_OUT) return new TextDecoder().decode(output.stdout);
  child.kill("SIGKILL");
  await child.status;
  return `(no end within ${COMMAND_TIMEOUT_MS / 1000} s)`;
}

/** Waits up to `ms` for `server` to have printed `want` (as shown); returns what it printed. */
async function serverOutput(
  server: ServerProcess,
  want: string,
  ms: number,
): Promise<string> {
  const deadline = performance.now() + ms;
  for (;;) {
    const shown = asShown(server.stdout, server.port);
    if (shown === want || performance.now() > deadline) return shown;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs every `console` block of `page` in order, as a learner would, and
 * returns where the output differs, each with the output the block should
 * show.
 */
export async function checkCommands(
  page: string,
  onCommand: (command: string) => void = () => {},
): Promise<Mismatch[]> {
  const found: Mismatch[] = [];
  let server: ServerProcess | undefined;
  let serverOf = "";
  let port = Number(PAGE_PORT);
  try {
    for (const fence of fences(page)) {
      if (fence.lang !== "console") continue;
      const shown: string[] = [];
      let differs = false;
      for (const { command, output } of commandsOf(fence.text)) {
        onCommand(command);
        const file = serverFile(command);
        let printed: string;
        if (file !== undefined && file === serverOf && server !== undefined) {
          printed = await serverOutput(server, output, 2000);
        } else if (file !== undefined) {
          await server?.stop();
          server = await ServerProcess.start(file, ["0"]);
          serverOf = file;
          port = server.port;
          printed = await serverOutput(server, output, 2000);
        } else {
          printed = asShown(await runCommand(command, port), port);
        }
        if (withoutDates(printed) !== withoutDates(output)) differs = true;
        // Keep the page's own dates where nothing else differs.
        const kept = withoutDates(printed) === withoutDates(output)
          ? output
          : printed;
        shown.push(`$ ${command}`, ...(kept === "" ? [] : [kept]));
      }
      if (differs) {
        found.push({
          line: fence.from,
          what: "the commands print otherwise",
          want: shown.join("\n"),
        });
      }
    }
  } finally {
    await server?.stop();
  }
  return found;
}

/** `page` with each mismatched block's content replaced by what it should hold. */
export function rewrite(page: string, mismatches: readonly Mismatch[]): string {
  const lines = page.split("\n");
  const byLine = new Map(mismatches.map((m) => [m.line, m]));
  // From the bottom up, so that earlier line numbers stay true.
  for (const fence of fences(page).reverse()) {
    const want = byLine.get(fence.from)?.want;
    if (want !== undefined) {
      lines.splice(fence.from, fence.to - fence.from, ...want.split("\n"));
    }
  }
  return lines.join("\n");
}

/** Runs the task; resolves to the exit status. */
export async function main(args: string[]): Promise<number> {
  const check = args.includes("--check");
  if (args.some((arg) => arg !== "--check")) {
    console.error("usage: deno task tutorial:page [--check]");
    return 2;
  }
  const page = await Deno.readTextFile(`${ROOT}${PAGE}`);
  const mismatches = [
    ...await checkListings(page),
    ...await checkCommands(page, (command) => console.error(`$ ${command}`)),
  ];
  if (check) {
    for (const { line, what, want } of mismatches) {
      console.error(`${PAGE}:${line}: ${what}`);
      if (want !== undefined) console.error(want.replace(/^/gm, "  | "));
    }
    return mismatches.length === 0 ? 0 : 1;
  }
  const unfixable = mismatches.filter((m) => m.want === undefined);
  for (const { line, what } of unfixable) {
    console.error(`${PAGE}:${line}: ${what}`);
  }
  await Deno.writeTextFile(`${ROOT}${PAGE}`, rewrite(page, mismatches));
  return unfixable.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
