/**
 * Test helper: runs the render command as a user would, in a subprocess, and
 * collects its exit code and output.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The project root, where deno.json and render.ts live. */
export const PROJECT_ROOT: string = fileURLToPath(
  new URL("../", import.meta.url),
);

/** The real templates folder. */
export const TEMPLATES_DIR: string = fileURLToPath(
  new URL("../templates/", import.meta.url),
);

/** What a finished render command left behind. */
export interface RenderRun {
  /** Exit status. */
  code: number;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
}

/**
 * Runs `deno <denoArgs...>` with no stdin (so Deno never prompts) and waits
 * for it.
 *
 * @param denoArgs Arguments to the deno executable running these tests.
 * @param cwd Working directory; the project root unless given.
 * @returns Exit code and decoded output.
 */
export async function runDeno(
  denoArgs: string[],
  cwd: string = PROJECT_ROOT,
): Promise<RenderRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: denoArgs,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Runs `deno task -q render <args...>`: the task line from deno.json, with
 * its permissions, exactly as the README tells a user to.
 *
 * @param args Arguments after `render`.
 * @param cwd Working directory; the project root unless given.
 * @returns Exit code and decoded output.
 */
export function runRenderTask(
  args: string[],
  cwd: string = PROJECT_ROOT,
): Promise<RenderRun> {
  return runDeno(["task", "-q", "render", ...args], cwd);
}

/**
 * The lines of stderr, without the trailing empty one.
 *
 * @param run A finished run.
 * @returns Non-empty stderr lines.
 */
export function stderrLines(run: RenderRun): string[] {
  return run.stderr.split("\n").filter((line) => line.trim() !== "");
}
