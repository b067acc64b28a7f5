/**
 * Test helper: runs the render command as a user would, in a subprocess, and
 * collects its exit code and output.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { type CommandResult, ROOT, runDeno } from "../testing/commands.ts";

export { runDeno };

/** The project root, where deno.json and render.ts live. */
export const PROJECT_ROOT: string = ROOT;

/** The real templates folder. */
export const TEMPLATES_DIR: string = fileURLToPath(
  new URL("../templates/", import.meta.url),
);

/** What a finished render command left behind. */
export type RenderRun = CommandResult;

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
  cwd: string = ROOT,
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
