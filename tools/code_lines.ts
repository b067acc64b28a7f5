/**
 * Lines of code, counted the way `cloc` does for TypeScript: every line that
 * is neither blank nor only a comment (`// ...`, or part of a `/* ... *\/`
 * block that starts its line). A line with code and a trailing comment is
 * code. The tutorial's limits (150 lines a step, 200 for step 4's handler)
 * and the tutorial's step-4-versus-engine figures are in these lines, on
 * files as `deno fmt` leaves them.
 *
 * @module
 */

/** The number of lines of code in `text`. */
export function countCodeLines(text: string): number {
  let count = 0;
  let inBlock = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (inBlock) {
      inBlock = !line.includes("*/");
      if (inBlock || line.endsWith("*/")) continue;
      // Code after the end of a block comment on the same line counts.
      if (line.slice(line.indexOf("*/") + 2).trim() !== "") count++;
      continue;
    }
    if (line === "" || line.startsWith("//")) continue;
    if (line.startsWith("/*")) {
      const end = line.indexOf("*/", 2);
      if (end < 0) inBlock = true;
      else if (line.slice(end + 2).trim() !== "") count++;
      continue;
    }
    count++;
  }
  return count;
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

// `deno run --allow-read tools/code_lines.ts FILE...`: each file's lines of code.
if (import.meta.main) {
  for (const file of Deno.args) {
    const lines = countCodeLines(await Deno.readTextFile(file));
    console.log(`${String(lines).padStart(5)}  ${file}`);
  }
}
