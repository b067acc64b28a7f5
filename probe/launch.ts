/**
 * Starts a server under test as a child process on a free port, waits until
 * it listens on loopback, and stops it afterwards (SIGTERM, then SIGKILL),
 * saying how it ended.
 *
 * The child runs in its own process group, so a command that starts the
 * server through a wrapper (`sh -c`, `npm start`) is stopped whole. In a
 * sandbox (bubblewrap, `class/bubblewrap.ts`) the server is the program the
 * sandbox's init runs (PID 2 of its namespace), SIGTERM goes to its process
 * group, and what else runs in the sandbox ends with it.
 *
 * @module
 */

import { type CapturedOutput, OutputCapture } from "./capture.ts";
import { closeQuietly, delay, raceTimeout } from "./kit.ts";
import { descendants, listProcesses, type Proc } from "./procs.ts";

/** How long a server may take to listen. */
export const READY_MS = 10_000;

/** How long a server may take to stop on SIGTERM before it is killed. */
export const STOP_MS = 3000;

/** How long its output may take to end once it has: a daemon it left can hold the pipes for ever. */
const DRAIN_MS = 1000;

/** How many lines of a server's output are kept for error messages. */
const TAIL_LINES = 8;

/** A server the probe started. */
export interface Launched {
  /** The port it was given. */
  port: number;
  /** The process the probe started (a sandbox's bwrap, a wrapper's shell, or the server itself). */
  pid: number;
  /** The command as started (the port in place of `{port}`). */
  command: string[];
  /** Its exit status once it has exited (during the probe, that is a crash). */
  exited(): Deno.CommandStatus | undefined;
  /** The last lines it wrote to stderr. */
  stderrTail(): string[];
  /** Its stdout and stderr, capped: the first and the last KiB of each. */
  output(): { stdout: CapturedOutput; stderr: CapturedOutput };
  /** Stops it; resolves to how it ended. */
  stop(): Promise<Stopped>;
}

/** How a server ended. */
export interface Stopped {
  /** True when it ended on SIGTERM within {@link STOP_MS} and had not exited before. */
  clean: boolean;
  /** One line, e.g. `stopped by SIGTERM`. */
  how: string;
  /**
   * The command lines of its other processes, killed with it: those running
   * beside it in its sandbox when it was stopped (children that ignore
   * SIGTERM, daemons, a fork bomb), or without a sandbox, those left in its
   * process group after it ended.
   */
  killed?: string[];
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

/** Signals by number, for a sandbox that reports signal n as exit code 128 + n (as bwrap and shells do). */
const SIGNALS: Record<number, Deno.Signal> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  4: "SIGILL",
  6: "SIGABRT",
  7: "SIGBUS",
  8: "SIGFPE",
  9: "SIGKILL",
  11: "SIGSEGV",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
  24: "SIGXCPU",
  25: "SIGXFSZ",
};

/** The signal that ended a program, if one did; `sandboxed`: it ran in bubblewrap, which reports it as 128 + n. */
export function endingSignal(
  status: Deno.CommandStatus,
  sandboxed = false,
): Deno.Signal | undefined {
  return status.signal ??
    (sandboxed && status.code > 128 ? SIGNALS[status.code - 128] : undefined);
}

/** `killed by SIGXCPU`, `exit code 1`. */
export function describeStatus(
  status: Deno.CommandStatus,
  sandboxed = false,
): string {
  const signal = endingSignal(status, sandboxed);
  return signal ? `killed by ${signal}` : `exit code ${status.code}`;
}

/** Starts `template` (with a free port for `{port}`) and waits until it accepts connections on 127.0.0.1. */
export async function launch(
  template: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    readyMs?: number;
    /** Words run before the command, e.g. `prlimit --cpu=30 --`: the limits it runs under, or its sandbox. */
    prefix?: string[];
    /** The prefix is a bubblewrap sandbox's (`class/bubblewrap.ts`). */
    sandboxed?: boolean;
  } = {},
): Promise<Launched> {
  const port = freePort();
  const command = withPort(template, port);
  const argv = [...(options.prefix ?? []), ...command];
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
  } catch (error) {
    throw new LaunchError(
      `cannot start ${argv[0]}: ${
        error instanceof Deno.errors.NotFound
          ? "no such program"
          : String(error)
      }`,
    );
  }
  const stdout = new OutputCapture();
  const stderr = new OutputCapture();
  const draining = Promise.all([
    stdout.drain(child.stdout),
    stderr.drain(child.stderr),
  ]);
  let status: Deno.CommandStatus | undefined;
  const ended = child.status.then((s) => (status = s));
  const stderrTail = () => stderr.lastLines(TAIL_LINES);

  const readyMs = options.readyMs ?? READY_MS;
  const deadline = performance.now() + readyMs;
  while (!(await listening(port))) {
    const late = performance.now() > deadline;
    if (status !== undefined || late) {
      killGroup(child.pid, "SIGKILL"); // it, or what it left in its group
      const final = await ended;
      await raceTimeout(draining, DRAIN_MS); // a daemon it left may hold the pipes open
      const lines = stderrTail();
      const said = lines.length
        ? `; its last stderr lines: ${lines.join(" | ")}`
        : "";
      throw new LaunchError(
        `${command.join(" ")} ${
          late
            ? `did not listen on port ${port} within ${readyMs / 1000} s`
            : `exited (${
              describeStatus(final, options.sandboxed)
            }) before it listened on port ${port}`
        }${said}`,
      );
    }
    await delay(50);
  }
  return {
    port,
    pid: child.pid,
    command,
    exited: () => status,
    stderrTail,
    output: () => ({ stdout: stdout.captured(), stderr: stderr.captured() }),
    async stop(): Promise<Stopped> {
      const sandboxed = options.sandboxed === true;
      const killedText = (killed: string[]) =>
        killed.length
          ? `; ${killed.length} other process${
            killed.length === 1 ? "" : "es"
          } of it had to be killed`
          : "";
      if (status !== undefined) {
        // A sandbox ended with it; without one, its group may hold what it left.
        const killed = sandboxed ? [] : await killLeftovers(child.pid);
        await raceTimeout(draining, DRAIN_MS); // a daemon it left may hold the pipes open
        return {
          clean: false,
          how: `it had already exited during the probe (${
            describeStatus(status, sandboxed)
          })${killedText(killed)}`,
          ...(killed.length ? { killed } : {}),
        };
      }
      const { group, beside } = sandboxed
        ? await processesOf(child.pid)
        : { group: child.pid, beside: [] };
      killGroup(group, "SIGTERM");
      const timer = setTimeout(() => {
        killGroup(group, "SIGKILL");
        killGroup(child.pid, "SIGKILL"); // a sandbox ends with its bwrap
      }, STOP_MS);
      const final = await ended;
      clearTimeout(timer);
      const killed = sandboxed
        ? beside.map((p) => p.command)
        : await killLeftovers(child.pid);
      await raceTimeout(draining, DRAIN_MS); // a daemon it left may hold the pipes open
      const signal = endingSignal(final, sandboxed);
      return {
        clean: killed.length === 0 && signal !== "SIGKILL",
        how: `${
          signal === "SIGKILL"
            ? `it did not stop within ${
              STOP_MS / 1000
            } s of SIGTERM, so it was killed`
            : signal
            ? `stopped by ${signal}`
            : `stopped on SIGTERM (exit code ${final.code})`
        }${killedText(killed)}`,
        ...(killed.length ? { killed } : {}),
      };
    },
  };
}

/**
 * A sandbox's server's process group (the sandbox's session), to send
 * SIGTERM to, and the processes beside the server: everything in the
 * sandbox but its init (PID 1 of its namespace) and the server (PID 2).
 */
async function processesOf(
  pid: number,
): Promise<{ group: number; beside: Proc[] }> {
  const tree = descendants(await listProcesses(), pid);
  const init = tree.find((p) => p.nspid === 1 && p.ppid === pid);
  const server = tree.find((p) => p.nspid === 2 && p.ppid === init?.pid);
  if (init === undefined || server === undefined) {
    return { group: pid, beside: [] };
  }
  return {
    group: server.pgid,
    beside: tree.filter((p) => ![pid, init.pid, server.pid].includes(p.pid)),
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

/** Kills what is left in the child's process group once it has ended; resolves to their command lines. */
async function killLeftovers(pgid: number): Promise<string[]> {
  const members = (await listProcesses()).filter((p) => p.pgid === pgid);
  killGroup(pgid, "SIGKILL");
  return members.map((p) => p.command);
}

/** Signals the child's whole process group; quiet if it is gone. */
function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch { /* already gone */ }
}
