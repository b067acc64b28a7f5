/**
 * Running the project's commands as a user does: `deno run` or `deno task`
 * in a child process, from the project root, with no stdin (so Deno never
 * prompts) and no colour, collecting the exit code and output.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The project root, where deno.json and the scripts are. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/** What a finished command returned and printed. */
export interface CommandResult {
  /** Exit status. */
  code: number;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
}

/** Runs `deno <args...>` (the deno running these tests) in `cwd` (default the project root) to completion. */
export function runDeno(
  args: string[],
  cwd: string = ROOT,
): Promise<CommandResult> {
  return runProgram(Deno.execPath(), args, { cwd });
}

/** Runs `program args...` to completion with no stdin and no colour (and `env` added), collecting its output. */
export async function runProgram(
  program: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CommandResult> {
  const output = await new Deno.Command(program, {
    args,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs `deno run <permissions...> <script> <args...>` to completion, as the docs tell a user to. */
export function runScript(
  script: string,
  args: string[],
  permissions = ["--allow-net"],
): Promise<CommandResult> {
  return runDeno(["run", ...permissions, script, ...args]);
}
