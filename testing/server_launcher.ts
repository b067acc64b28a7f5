/**
 * One way to start the project's servers for a test: in this process
 * (`serve()` on a free loopback port, quiet), or as a child process started
 * the way a user starts it (`deno run --allow-net webserve_nb.ts 0 ...`),
 * whose output, signals, open files and memory the test can then watch.
 *
 * @module
 */

import type {
  NonBlockingServeOptions,
  ServerHandle,
} from "../server/options.ts";
import { delay } from "../wire/timers.ts";
import { ROOT } from "./commands.ts";

/** The two servers: `webserve.ts` (blocking) and `webserve_nb.ts` (non-blocking). */
export type ServerKind = "blocking" | "non-blocking";

/** The module of each server. */
export const SERVER_MODULES: Record<ServerKind, string> = {
  blocking: "webserve.ts",
  "non-blocking": "webserve_nb.ts",
};

/** Why a server cannot be started here, or `undefined` when it can. */
export function serverMissing(kind: ServerKind): string | undefined {
  try {
    Deno.statSync(`${ROOT}${SERVER_MODULES[kind]}`);
    return undefined;
  } catch {
    return `${SERVER_MODULES[kind]} is not there yet`;
  }
}

/** What either server's `serve` takes (the blocking one also has a slice). */
export type ServeOptions = NonBlockingServeOptions & { sliceMs?: number };

/** Either server's `serve`. */
export type ServeFunction = (options: ServeOptions) => ServerHandle;

/** A server running for a test: its loopback port, and how to stop it. */
export interface RunningServer {
  /** Its port on 127.0.0.1. */
  port: number;
  /** Stops it and waits until it has. */
  stop(): Promise<void>;
}

/** Starts `serve` in this process on 127.0.0.1 with a free port, quiet, with any other `options`. */
export function startServer(
  serve: ServeFunction,
  options: ServeOptions = {},
): ServerHandle {
  return serve({ port: 0, hostname: "127.0.0.1", quiet: true, ...options });
}

/** Runs `body` against a fresh {@linkcode startServer} server, stopping it afterwards. */
export async function withServer(
  serve: ServeFunction,
  options: ServeOptions,
  body: (server: ServerHandle, port: number) => Promise<void>,
): Promise<void> {
  const server = startServer(serve, options);
  try {
    await body(server, server.addr.port);
  } finally {
    await server.stop();
  }
}

/** Imports one of the project's servers and {@linkcode startServer}s it. */
export async function startProjectServer(
  kind: ServerKind,
  options: ServeOptions = {},
): Promise<RunningServer> {
  const module = await import(
    new URL(`../${SERVER_MODULES[kind]}`, import.meta.url).href
  ) as { serve: ServeFunction };
  const server = startServer(module.serve, options);
  return { port: server.addr.port, stop: () => server.stop() };
}

/** A server process that exited, or stayed silent, before printing where it listens. */
export class ServerStartError extends Error {
  /** What it wrote on stderr. */
  readonly stderr: string;

  /**
   * @param script the script that was started
   * @param stderr what it wrote on stderr
   */
  constructor(script: string, stderr: string) {
    super(`${script} did not start: ${stderr}`);
    this.name = "ServerStartError";
    this.stderr = stderr;
  }
}

/** A server running in a child process, its output collected as it comes. */
export class ServerProcess {
  /** The child process. */
  readonly child: Deno.ChildProcess;
  /** The port from its start-up line. */
  port = 0;
  /** The start-up line. */
  startLine = "";
  #stdout = "";
  #stderr = "";
  #exited = false;
  readonly #reading: Promise<void>;
  #lineWaiters: (() => void)[] = [];

  private constructor(child: Deno.ChildProcess) {
    this.child = child;
    child.status.then(() => this.#exited = true);
    const decoder = new TextDecoder();
    const pump = async (
      stream: ReadableStream<Uint8Array>,
      into: "out" | "err",
    ) => {
      for await (const chunk of stream) {
        const text = decoder.decode(chunk, { stream: true });
        if (into === "out") this.#stdout += text;
        else this.#stderr += text;
        for (const wake of this.#lineWaiters.splice(0)) wake();
      }
    };
    // Both pipes are always drained, so the server never blocks on a full one.
    this.#reading = Promise.all([
      pump(child.stdout, "out"),
      pump(child.stderr, "err"),
    ]).then(() => {
      for (const wake of this.#lineWaiters.splice(0)) wake();
    });
  }

  /**
   * Starts `command` (default: `deno run --allow-net <script>`) with `args`
   * from the project root and waits for its start-up line; throws with its
   * stderr if it exits or stays silent for 20 s first.
   */
  static async start(
    script: string,
    args: string[],
    command?: string[],
  ): Promise<ServerProcess> {
    const [program, ...rest] = command ??
      [Deno.execPath(), "run", "--allow-net", script];
    const child = new Deno.Command(program, {
      args: [...rest, ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const server = new ServerProcess(child);
    const line = await server.waitForStdout(
      /^.* listening on .*:(\d+)\/.*\n/m,
      20_000,
    );
    if (line === undefined) {
      server.#kill("SIGKILL");
      await server.finish();
      throw new ServerStartError(script, server.stderr);
    }
    server.startLine = line[0].trim();
    server.port = Number(line[1]);
    return server;
  }

  /** Its process id. */
  get pid(): number {
    return this.child.pid;
  }

  /** Everything printed to stdout so far. */
  get stdout(): string {
    return this.#stdout;
  }

  /** Everything printed to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** True while the process is running. */
  alive(): boolean {
    return !this.#exited;
  }

  /** Waits until stdout matches `pattern` (or the output ends, or `ms` pass). */
  async waitForStdout(
    pattern: RegExp,
    ms: number,
  ): Promise<RegExpMatchArray | undefined> {
    const deadline = performance.now() + ms;
    for (;;) {
      const match = this.#stdout.match(pattern);
      if (match) return match;
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ended = await Promise.race([
        new Promise<boolean>((resolve) =>
          this.#lineWaiters.push(() => resolve(false))
        ),
        new Promise<boolean>((resolve) =>
          timer = setTimeout(() => resolve(false), left)
        ),
        this.#reading.then(() => true),
      ]);
      clearTimeout(timer);
      if (ended && !this.#stdout.match(pattern)) return undefined;
    }
  }

  /** Sends `signal` to the server. */
  kill(signal: Deno.Signal): void {
    this.child.kill(signal);
  }

  #kill(signal: Deno.Signal): void {
    try {
      this.child.kill(signal);
    } catch { /* already gone */ }
  }

  /** Waits for the process to exit and its output to be read; resolves to its status. */
  async finish(): Promise<Deno.CommandStatus> {
    const status = await this.child.status;
    await this.#reading;
    return status;
  }

  /** Stops it with SIGTERM (SIGKILL after 5 s) and waits; returns what it wrote to stderr. */
  async stop(): Promise<string> {
    if (this.alive()) {
      this.#kill("SIGTERM");
      const timer = setTimeout(() => this.#kill("SIGKILL"), 5000);
      await this.child.status;
      clearTimeout(timer);
    }
    await this.finish();
    return this.#stderr;
  }

  /** Open file descriptors, from `/proc/<pid>/fd`. */
  async openFiles(): Promise<number> {
    const listing = await procText(["ls", "-1", `/proc/${this.pid}/fd`]);
    return listing.trim().split("\n").length;
  }

  /** Resident set size in KiB, from `/proc/<pid>/status`. */
  async rssKiB(): Promise<number> {
    const status = await procText(["cat", `/proc/${this.pid}/status`]);
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  }
}

/**
 * Starts `deno run --allow-net <script> 0` as a learner runs it, checks its
 * one line (`<name> listening on http://0.0.0.0:<port>/`, the name being the
 * file's without `.ts`), runs `body`, and stops it whatever happens.
 */
export async function withListeningScript(
  script: string,
  body: (port: number, server: ServerProcess) => Promise<void>,
): Promise<void> {
  const server = await ServerProcess.start(script, ["0"]);
  try {
    const name = script.replace(/^.*\//, "").replace(/\.ts$/, "");
    const expected = new RegExp(
      `^${name} listening on http://0\\.0\\.0\\.0:\\d+/$`,
    );
    if (!expected.test(server.startLine)) {
      throw new Error(
        `${script} said ${JSON.stringify(server.startLine)}, not ${expected}`,
      );
    }
    await body(server.port, server);
  } finally {
    await server.stop();
  }
}

/**
 * Starts `deno run --allow-net <server> 0 --host 127.0.0.1 --quiet ...flags`
 * as a child process, so its open files and memory are its own.
 */
export function startServerProcess(
  kind: ServerKind,
  flags: string[] = [],
): Promise<ServerProcess> {
  return ServerProcess.start(SERVER_MODULES[kind], [
    "0",
    "--host",
    "127.0.0.1",
    "--quiet",
    ...flags,
  ]);
}

/**
 * Reads a file under `/proc/<pid>/` through `ls` or `cat`: Deno lets only
 * `--allow-all` read `/proc/<pid>/` directly, and the test task grants
 * `--allow-run` but not that.
 */
async function procText(args: string[]): Promise<string> {
  const output = await new Deno.Command(args[0], {
    args: args.slice(1),
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!output.success) throw new Error(`${args.join(" ")} failed`);
  return new TextDecoder().decode(output.stdout);
}

/** True when `/proc` can tell a process's open files and memory (Linux). */
export async function procAvailable(): Promise<boolean> {
  try {
    await procText(["ls", "/proc/self/fd"]);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) return false;
    await delay(50);
  }
  return true;
}
