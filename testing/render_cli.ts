/**
 * Test support for the template tool: the real templates folder, the page
 * rendered in this process (what the command must print), and the render
 * task run in a subprocess as a user runs it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { renderTemplate } from "../render/render_template.ts";
import { type CommandResult, ROOT, runDeno } from "./commands.ts";

/** The real templates folder. */
export const TEMPLATES_DIR: string = fileURLToPath(
  new URL("../templates/", import.meta.url),
);

/** The values the render tests fill in by default. */
export const ADA: Record<string, string> = {
  firstname: "Ada",
  lastname: "Lovelace",
};

/** Renders `template` from the real templates folder with `values`, in this process. */
export function renderPage(
  template: string,
  values: Record<string, string> = ADA,
): string {
  return renderTemplate({ templatesDir: TEMPLATES_DIR, template, values });
}

/**
 * Runs `deno task -q render <args...>`: the task line from deno.json, with
 * its permissions, exactly as `docs/templates.md` tells a user to.
 *
 * @param args Arguments after `render`.
 * @param cwd Working directory; the project root unless given.
 * @returns Exit code and decoded output.
 */
export function runRenderTask(
  args: string[],
  cwd: string = ROOT,
): Promise<CommandResult> {
  return runDeno(["task", "-q", "render", ...args], cwd);
}

/**
 * The lines of stderr, without the trailing empty one.
 *
 * @param run A finished run.
 * @returns Non-empty stderr lines.
 */
export function stderrLines(run: CommandResult): string[] {
  return run.stderr.split("\n").filter((line) => line.trim() !== "");
}
