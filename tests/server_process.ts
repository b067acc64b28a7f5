/**
 * Runs a server script the way a user does (`deno run --allow-net
 * webserve_nb.ts <port>`) as a subprocess, for command-line and shutdown
 * tests.
 *
 * @module
 */

/** The repository root, where the scripts are. */
export const ROOT = new URL("..", import.meta.url).pathname;

/** What a finished command printed and returned. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run --allow-net <script> ...args` to completion. */
export async function runScript(
  script: string,
  args: string[],
  permissions = ["--allow-net"],
): Promise<CommandResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, script, ...args],
    cwd: ROOT,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** A server running in a subprocess. */
export class ServerProcess {
  readonly child: Deno.ChildProcess;
  /** The port from its start-up line. */
  port = 0;
  /** The start-up line. */
  startLine = "";
  #stdout = "";
  #stderr = "";
  #reading: Promise<void>;
  #lineWaiters: (() => void)[] = [];

  private constructor(child: Deno.ChildProcess) {
    this.child = child;
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
    this.#reading = Promise.all([
      pump(child.stdout, "out"),
      pump(child.stderr, "err"),
    ]).then(() => {
      for (const wake of this.#lineWaiters.splice(0)) wake();
    });
  }

  /**
   * Starts `command` (default: `deno run --allow-net <script> ...args`) and
   * waits for its start-up line; throws with its stderr if it exits first.
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
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await server.finish();
      throw new Error(`server did not start: ${server.stderr}`);
    }
    server.startLine = line[0].trim();
    server.port = Number(line[1]);
    return server;
  }

  /** Everything printed to stdout so far. */
  get stdout(): string {
    return this.#stdout;
  }

  /** Everything printed to stderr so far. */
  get stderr(): string {
    return this.#stderr;
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

  /** Waits for the process to exit and its output to be read; resolves to its status. */
  async finish(): Promise<Deno.CommandStatus> {
    const status = await this.child.status;
    await this.#reading;
    return status;
  }
}
