/**
 * `deno task compile`: builds the standalone executables `./webserve` and
 * `./webserve_nb` with `deno compile --allow-net`; `webserve_nb` also carries
 * the V8 flags of `server/v8_flags.ts`, as `deno task start:nb` does. Both
 * carry `--unstable-net` (the SO_REUSEPORT sockets of `--workers`) and the
 * workers' module, which `deno compile` leaves out unless told
 * (`--include`): a worker's code is loaded as a dynamic import is.
 *
 * `deno compile` needs the `denort` runtime: it downloads it from Deno's
 * download host, or uses a local copy named by `DENORT_BIN`. When neither
 * works, this prints one line saying so and exits 1.
 *
 * Usage: `deno run --allow-read --allow-write --allow-run --allow-env tools/compile.ts [--out-dir <dir>] [--timeout <s>]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { NON_BLOCKING_V8_FLAGS, v8FlagsArgument } from "../server/v8_flags.ts";

/** One executable to build. */
export interface CompileTarget {
  /** The script it is built from. */
  script: string;
  /** The executable's file name. */
  output: string;
  /** Runtime flags baked into the executable, as `deno run` would take them. */
  runtimeFlags: readonly string[];
}

/** The scripts to build and the executables they become. */
export const TARGETS: readonly CompileTarget[] = [
  { script: "webserve.ts", output: "webserve", runtimeFlags: [] },
  {
    script: "webserve_nb.ts",
    output: "webserve_nb",
    runtimeFlags: [v8FlagsArgument(NON_BLOCKING_V8_FLAGS)],
  },
];

/** What every executable needs for `--workers`: the unstable API and the worker's module. */
export const WORKER_COMPILE_FLAGS: readonly string[] = [
  "--unstable-net",
  "--include",
  "server/worker.ts",
];

/** The arguments of `deno compile` that build `target` as `output`. */
export function compileArgs(target: CompileTarget, output: string): string[] {
  return [
    "compile",
    "--allow-net",
    ...WORKER_COMPILE_FLAGS,
    ...target.runtimeFlags,
    "--output",
    output,
    target.script,
  ];
}

/** Longest a single `deno compile` may run by default: a stuck download must not hang CI. */
export const DEFAULT_COMPILE_TIMEOUT_S = 120;

const ROOT = new URL("..", import.meta.url).pathname;

/** Why a build failed, in one line. */
export function explainFailure(stderr: string): string {
  // The runtime step fails as "Setting up base binary", naming the URL or DENORT_BIN's path.
  if (
    /Setting up base binary|error sending request for url \(https:\/\/dl\.deno\.land/i
      .test(stderr)
  ) {
    const denort = Deno.env.get("DENORT_BIN");
    return denort
      ? `deno compile could not use the runtime at DENORT_BIN=${denort}; check that it is denort ${Deno.version.deno} for this platform`
      : "deno compile needs the denort runtime from dl.deno.land, which is unreachable; set DENORT_BIN=/path/to/denort (version " +
        `${Deno.version.deno}) or build where that host is reachable`;
  }
  const line = stderr.split("\n").map((text) => text.trim()).find((text) =>
    /error/i.test(text)
  );
  return `deno compile failed: ${
    line ?? stderr.trim().split("\n")[0] ?? "no output"
  }`;
}

/** Builds one executable; resolves to undefined on success, or the reason it failed. */
async function build(
  target: CompileTarget,
  output: string,
  timeoutS: number,
): Promise<string | undefined> {
  const child = new Deno.Command(Deno.execPath(), {
    args: compileArgs(target, output),
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already finished.
    }
  }, timeoutS * 1000);
  const result = await child.output();
  clearTimeout(timer);
  if (result.success) return undefined;
  if (result.signal === "SIGKILL") {
    return `deno compile took longer than ${timeoutS} s (is the runtime download stuck?)`;
  }
  return explainFailure(new TextDecoder().decode(result.stderr));
}

async function main(args: string[]): Promise<number> {
  let timeoutS = DEFAULT_COMPILE_TIMEOUT_S;
  let outDir = ROOT;
  try {
    const { values } = parseArgs({
      args,
      options: { timeout: { type: "string" }, "out-dir": { type: "string" } },
      strict: true,
    });
    if (values["out-dir"] !== undefined) {
      outDir = values["out-dir"].replace(/\/?$/, "/");
    }
    if (values.timeout !== undefined) {
      timeoutS = Number(values.timeout);
      if (!(timeoutS > 0)) {
        throw new Error(
          `--timeout must be a number of seconds above 0, not '${values.timeout}'`,
        );
      }
    }
  } catch (error) {
    console.error(
      `compile: ${
        error instanceof Error ? error.message.split("\n")[0] : error
      }`,
    );
    return 2;
  }
  for (const target of TARGETS) {
    const { script, output } = target;
    const path = outDir === ROOT ? output : `${outDir}${output}`;
    const failure = await build(target, path, timeoutS);
    if (failure !== undefined) {
      console.error(`compile: ${failure}`);
      return 1;
    }
    console.log(
      `compile: built ${outDir === ROOT ? "./" : ""}${path} from ${script}`,
    );
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
