/**
 * Lines of code, told apart the way `cloc` tells them for TypeScript: a line
 * that is neither blank nor only a comment (`// ...`, or part of a `/* ...
 * *\/` block that starts its line). A line with code and a trailing comment
 * is code. The tutorial's cap on each step's diff counts these lines
 * (`tools/step_diffs.ts`), so a step may explain itself in comments
 * freely; so does the lines-of-code row of its comparison with the engine.
 *
 * @module
 */

/** For each line of `text`, whether it is code. */
export function codeLineFlags(text: string): boolean[] {
  const flags: boolean[] = [];
  let inBlock = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (inBlock) {
      inBlock = !line.includes("*/");
      // Code after the end of a block comment on the same line counts.
      const after = inBlock ? "" : line.slice(line.indexOf("*/") + 2).trim();
      flags.push(after !== "");
      continue;
    }
    if (line === "" || line.startsWith("//")) {
      flags.push(false);
      continue;
    }
    if (line.startsWith("/*")) {
      const end = line.indexOf("*/", 2);
      if (end < 0) inBlock = true;
      flags.push(end >= 0 && line.slice(end + 2).trim() !== "");
      continue;
    }
    flags.push(true);
  }
  return flags;
}

/** The number of lines of code in `text`. */
export function countCodeLines(text: string): number {
  return codeLineFlags(text).filter((code) => code).length;
}

/**
 * The local modules `entry` loads, itself included, as absolute paths (from
 * `deno info --json`): what one has to read to read the whole program.
 */
export async function localModules(entry: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!output.success) {
    throw new Error(
      `deno info ${entry} failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: { specifier: string; local?: string }[];
  };
  return info.modules
    .filter((m) => m.specifier.startsWith("file://") && m.local)
    .map((m) => m.local as string)
    .sort();
}

/** Lines of code of `entry` and every local module it loads. */
export async function programCodeLines(
  entry: string,
): Promise<{ files: number; lines: number }> {
  const modules = await localModules(entry);
  let lines = 0;
  for (const path of modules) {
    lines += countCodeLines(await Deno.readTextFile(path));
  }
  return { files: modules.length, lines };
}
