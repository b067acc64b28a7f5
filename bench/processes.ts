/**
 * Starting pinned server processes and making sure none outlives the bench.
 *
 * @module
 */

import { delay } from "../wire/timers.ts";

/** A server process started by {@link startPinned}. */
export interface PinnedProcess {
  /** The process id of the server itself (`taskset` execs it). */
  readonly pid: number;
  /** Where its stdout and stderr go. */
  readonly logPath: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Deno.CommandStatus>;
}

const live = new Set<Deno.ChildProcess>();

/**
 * Starts `command` pinned to `cpu` (a CPU, or a `taskset` list such as
 * `0-1` for all of a 2-CPU machine), its stdout and stderr appended to
 * `logPath` (a file, as a server's access log would be in real use).
 * The process is remembered so {@link stopAll} can end it.
 */
export function startPinned(
  command: string[],
  cpu: number | string,
  logPath: string,
): PinnedProcess {
  const quoted = command.map(shellQuote).join(" ");
  // `exec` keeps one pid: sh becomes taskset, which becomes the server.
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      `exec taskset -c ${cpu} ${quoted} >>${shellQuote(logPath)} 2>&1`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  live.add(child);
  const exited = child.status.finally(() => live.delete(child));
  return { pid: child.pid, logPath, exited };
}

/**
 * Remembers a child process (wrk, the idle client) so {@link stopAll} ends
 * it too if the bench is interrupted; forgotten once it exits.
 */
export function track(child: Deno.ChildProcess): void {
  live.add(child);
  child.status.finally(() => live.delete(child));
}

/** Ends a process started by {@link startPinned}: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(
  process: PinnedProcess,
  graceMs = 2000,
): Promise<void> {
  const child = [...live].find((c) => c.pid === process.pid);
  if (!child) return;
  await endChild(child, graceMs);
}

/** Ends every process still running that {@link startPinned} started. */
export async function stopAll(graceMs = 2000): Promise<void> {
  await Promise.all([...live].map((child) => endChild(child, graceMs)));
}

async function endChild(
  child: Deno.ChildProcess,
  graceMs: number,
): Promise<void> {
  signal(child, "SIGTERM");
  const timer = setTimeout(() => signal(child, "SIGKILL"), graceMs);
  try {
    await child.status;
  } finally {
    clearTimeout(timer);
  }
}

function signal(child: Deno.ChildProcess, name: Deno.Signal): void {
  try {
    child.kill(name);
  } catch { /* it has already exited */ }
}

/** Quotes one word for `sh`. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word)
    ? word
    : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A free TCP port on 127.0.0.1, as the kernel hands it out. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Waits until `http://127.0.0.1:<port>/ready` answers with a body containing
 * `hello`, or throws after `timeoutMs` (or as soon as the process exits).
 */
export async function waitUntilServing(
  port: number,
  process: PinnedProcess,
  timeoutMs = 15_000,
): Promise<void> {
  let exited = false;
  process.exited.then(() => exited = true);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    if (await answersHello(port)) return;
    await delay(100);
  }
  const log = await Deno.readTextFile(process.logPath).catch(() => "");
  const tail = log.trim().split("\n").slice(-3).join(" | ");
  throw new Error(
    `server on port ${port} ${
      exited ? "exited" : "did not answer"
    } during start-up${tail ? `: ${tail}` : ""}`,
  );
}

/** Sends one GET over a fresh connection; true when the answer contains `hello`. */
export async function answersHello(port: number): Promise<boolean> {
  let conn: Deno.TcpConn | undefined;
  let closed = false;
  const close = () => {
    if (closed || !conn) return;
    closed = true;
    conn.close();
  };
  // A server that accepts but never answers must not hang the bench.
  const timer = setTimeout(close, 2000);
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(
      new TextEncoder().encode(
        "GET /ready HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n",
      ),
    );
    const buffer = new Uint8Array(4096);
    let text = "";
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
      if (text.includes("hello")) return true;
    }
    return false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    close();
  }
}

/** Linux reports process times in ticks of USER_HZ, which is 100 on every architecture. */
const USER_HZ = 100;

/** CPU time a process has used, split where it was spent, in microseconds. */
export interface CpuTimes {
  /** In the process's own code and its runtime (user mode). */
  userUs: number;
  /** In the kernel on the process's behalf: for a server, mostly the TCP stack. */
  systemUs: number;
}

/**
 * User and system CPU time, in microseconds, from the text of
 * `/proc/<pid>/stat`. The command name may hold spaces and parentheses, so
 * fields are counted from the last `)`.
 */
export function parseCpuTimes(stat: string): CpuTimes {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15; the first field after ")" is 3.
  const user = Number(fields[14 - 3]), system = Number(fields[15 - 3]);
  if (!Number.isFinite(user + system)) {
    throw new SyntaxError("Not a /proc stat line");
  }
  return { userUs: (user * 1e6) / USER_HZ, systemUs: (system * 1e6) / USER_HZ };
}

/**
 * CPU time used so far by process `pid` and every process below it (nginx
 * serves from a worker under its master).
 */
export async function cpuTimes(pid: number): Promise<CpuTimes> {
  const total = parseCpuTimes(await Deno.readTextFile(`/proc/${pid}/stat`));
  for await (const task of Deno.readDir(`/proc/${pid}/task`)) {
    const children = await Deno.readTextFile(
      `/proc/${pid}/task/${task.name}/children`,
    ).catch(() => "");
    for (const child of children.split(" ").filter(Boolean)) {
      const times = await cpuTimes(Number(child)).catch(() => null);
      if (times === null) continue; // the child exited meanwhile
      total.userUs += times.userUs;
      total.systemUs += times.systemUs;
    }
  }
  return total;
}

/** The resident set size of process `pid` in bytes (`VmRSS` in `/proc/<pid>/status`). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`No VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}
