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

/** Runs `argv` to completion in `cwd` (default the project root), with no stdin and no colour, `env` added to the environment. */
export async function runCommand(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CommandResult> {
  const output = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: options.cwd ?? ROOT,
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

/** Runs `deno <args...>` (the deno running these tests) in `cwd` (default the project root) to completion. */
export function runDeno(
  args: string[],
  cwd: string = ROOT,
): Promise<CommandResult> {
  return runCommand([Deno.execPath(), ...args], { cwd });
}

/** Runs `deno run <permissions...> <script> <args...>` to completion, as the docs tell a user to. */
export function runScript(
  script: string,
  args: string[],
  permissions = ["--allow-net"],
): Promise<CommandResult> {
  return runDeno(["run", ...permissions, script, ...args]);
}
