/**
 * Starts a server under test as a child process on a free port, waits until
 * it listens on loopback, and stops it afterwards (SIGTERM, then SIGKILL),
 * saying how it ended.
 *
 * The child runs in its own process group, so a command that starts the
 * server through a wrapper (`sh -c`, `npm start`) is stopped whole.
 *
 * @module
 */

import { closeQuietly, delay } from "./kit.ts";

/** How long a server may take to listen. */
export const READY_MS = 10_000;

/** How long a server may take to stop on SIGTERM before it is killed. */
export const STOP_MS = 3000;

/** How many lines of a server's output are kept for error messages. */
const TAIL_LINES = 8;

/** A server the probe started. */
export interface Launched {
  /** The port it was given. */
  port: number;
  /** The command as started (the port in place of `{port}`). */
  command: string[];
  /** Its exit status once it has exited (during the probe, that is a crash). */
  exited(): Deno.CommandStatus | undefined;
  /** The last lines it wrote to stderr. */
  stderrTail(): string[];
  /** Stops it; resolves to how it ended. */
  stop(): Promise<Stopped>;
}

/** How a server ended. */
export interface Stopped {
  /** True when it ended on SIGTERM within {@link STOP_MS} and had not exited before. */
  clean: boolean;
  /** One line, e.g. `stopped by SIGTERM`. */
  how: string;
}

/** The command could not be started, or did not listen: `message` is one line. */
export class LaunchError extends Error {}

/** A TCP port free on 127.0.0.1 just now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** `template` with `{port}` replaced in every word. */
export function withPort(template: string[], port: number): string[] {
  return template.map((word) => word.replaceAll("{port}", String(port)));
}

/** Keeps the last lines of a stream of text. */
function tail(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
): Promise<void> {
  return stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(text) {
        const parts = ((lines.pop() ?? "") + text).split("\n");
        lines.push(...parts);
        lines.splice(0, Math.max(0, lines.length - TAIL_LINES - 1));
      },
    }),
  ).catch(() => {});
}

function describeStatus(status: Deno.CommandStatus): string {
  return status.signal
    ? `killed by ${status.signal}`
    : `exit code ${status.code}`;
}

/** Starts `template` (with a free port for `{port}`) and waits until it accepts connections on 127.0.0.1. */
export async function launch(
  template: string[],
  options: { cwd?: string; env?: Record<string, string>; readyMs?: number } =
    {},
): Promise<Launched> {
  const port = freePort();
  const command = withPort(template, port);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command[0], {
      args: command.slice(1),
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
  } catch (error) {
    throw new LaunchError(
      `cannot start ${command[0]}: ${
        error instanceof Deno.errors.NotFound
          ? "no such program"
          : String(error)
      }`,
    );
  }
  const stdout: string[] = [];
  const stderr: string[] = [];
  const draining = Promise.all([
    tail(child.stdout, stdout),
    tail(child.stderr, stderr),
  ]);
  let status: Deno.CommandStatus | undefined;
  const ended = child.status.then((s) => (status = s));
  const stderrTail = () =>
    stderr.filter((line) => line.trim() !== "").slice(-TAIL_LINES);

  const readyMs = options.readyMs ?? READY_MS;
  const deadline = performance.now() + readyMs;
  while (!(await listening(port))) {
    const late = performance.now() > deadline;
    if (status !== undefined || late) {
      if (status === undefined) killGroup(child.pid, "SIGKILL");
      const final = await ended;
      await draining;
      const lines = stderrTail();
      const said = lines.length
        ? `; its last stderr lines: ${lines.join(" | ")}`
        : "";
      throw new LaunchError(
        `${command.join(" ")} ${
          late
            ? `did not listen on port ${port} within ${readyMs / 1000} s`
            : `exited (${
              describeStatus(final)
            }) before it listened on port ${port}`
        }${said}`,
      );
    }
    await delay(50);
  }
  return {
    port,
    command,
    exited: () => status,
    stderrTail,
    async stop(): Promise<Stopped> {
      if (status !== undefined) {
        await draining;
        return {
          clean: false,
          how: `it had already exited during the probe (${
            describeStatus(status)
          })`,
        };
      }
      killGroup(child.pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), STOP_MS);
      const final = await ended;
      clearTimeout(timer);
      killGroup(child.pid, "SIGKILL"); // anything it left behind in its group
      await draining;
      if (final.signal === "SIGKILL") {
        return {
          clean: false,
          how: `it did not stop within ${
            STOP_MS / 1000
          } s of SIGTERM, so it was killed`,
        };
      }
      return {
        clean: true,
        how: final.signal
          ? `stopped by ${final.signal}`
          : `stopped on SIGTERM (exit code ${final.code})`,
      };
    },
  };
}

/** True when something accepts connections on 127.0.0.1:`port`. */
async function listening(port: number): Promise<boolean> {
  try {
    closeQuietly(await Deno.connect({ hostname: "127.0.0.1", port }));
    return true;
  } catch {
    return false;
  }
}

/** Signals the child's whole process group; quiet if it is gone. */
function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch { /* already gone */ }
}
