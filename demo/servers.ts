/**
 * The two servers the demo compares, started as child processes exactly as
 * a user starts them: `deno run --allow-net webserve.ts <port> --host
 * 127.0.0.1 --quiet`, the real port read from the start-up line. With
 * `--servers`, any two scripts that take a port as their one argument (the
 * tutorial's steps): `deno run --allow-net tutorial/step4a_nonblocking.ts
 * <port>`.
 *
 * @module
 */

import { raceTimeout, TIMED_OUT } from "../wire/timers.ts";
import { ServerProcess, ServerStartError } from "../testing/server_launcher.ts";

/** How long a server may take to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 3_000;

/** A server the demo runs: one of the project's two, or a script of `--servers`. */
export interface DemoServer {
  /** The script a user runs, from the project's root. */
  readonly script: string;
  /** Its name with its design, as its start-up line gives them. */
  readonly label: string;
  /** True for the project's servers, which take `--host`, `--quiet` and the timeout flags. */
  readonly project: boolean;
}

/** The blocking server, then the non-blocking one: the order the demo runs them in. */
export const DEMO_SERVERS: readonly [DemoServer, DemoServer] = [
  { script: "webserve.ts", label: "webserve (blocking)", project: true },
  {
    script: "webserve_nb.ts",
    label: "webserve_nb (non-blocking)",
    project: true,
  },
];

/** A script of `--servers`, labelled with its file name: `tutorial/step3e_stay_up.ts` is `step3e_stay_up`. */
export function scriptServer(script: string): DemoServer {
  const label = script.split("/").at(-1)!.replace(/\.ts$/, "");
  return { script, label, project: false };
}

/**
 * The arguments after the script: `<port> --host 127.0.0.1 --quiet
 * ...extra` for the project's servers, the port alone for a script.
 */
export function serverArgs(
  server: DemoServer,
  port: number,
  extra: readonly string[],
): string[] {
  if (!server.project) return [String(port)];
  return [String(port), "--host", "127.0.0.1", "--quiet", ...extra];
}

/** The command line as a user would type it. */
export function commandLine(
  server: DemoServer,
  args: readonly string[],
): string {
  return ["deno", "run", "--allow-net", server.script, ...args].join(" ");
}

/** A server that did not start; the message is one line saying why. */
export class StartError extends Error {
  /** Creates the error; `message` is shown to the user as is. */
  constructor(message: string) {
    super(message);
    this.name = "StartError";
  }
}

/** A running server and the command that started it. */
export interface RunningServer {
  /** Which server. */
  readonly server: DemoServer;
  /** Its arguments. */
  readonly args: readonly string[];
  /** The port it listens on. */
  readonly port: number;
  /** The child process. */
  readonly process: ServerProcess;
}

/**
 * Starts `server` with `args`; throws {@link StartError} with the server's
 * own first line on stderr (e.g. `cannot listen on 127.0.0.1 port 8080: it
 * is already in use ...`) when it exits or hangs before listening.
 */
export async function startServer(
  server: DemoServer,
  args: readonly string[],
): Promise<RunningServer> {
  let process: ServerProcess;
  try {
    process = await ServerProcess.start(server.script, [...args]);
  } catch (error) {
    throw new StartError(
      `${server.script} did not start: ${startFailure(server, error)}`,
    );
  }
  return { server, args, port: process.port, process };
}

/** The reason in a failed start: the server's first line on stderr, without its name. */
function startFailure(server: DemoServer, error: unknown): string {
  const stderr = error instanceof ServerStartError
    ? error.stderr
    : error instanceof Error
    ? error.message
    : String(error);
  const first = stderr.split("\n").map((line) => line.trim()).find((line) =>
    line !== ""
  );
  if (first === undefined) return "it exited before printing where it listens";
  return first.startsWith(`${server.script}: `)
    ? first.slice(server.script.length + 2)
    : first;
}

/**
 * Stops a server with SIGTERM (SIGKILL if it is still there after
 * {@link STOP_GRACE_MS}) and returns what it wrote to stderr.
 */
export async function stopServer(running: RunningServer): Promise<string> {
  signal(running, "SIGTERM");
  if (
    await raceTimeout(running.process.finish(), STOP_GRACE_MS) === TIMED_OUT
  ) {
    signal(running, "SIGKILL");
    await running.process.finish();
  }
  return running.process.stderr;
}

function signal(running: RunningServer, name: Deno.Signal): void {
  try {
    running.process.kill(name);
  } catch {
    // Already gone: its output is still there to read.
  }
}
