/**
 * The time a server had. A check gives a server 2 s to answer; on a busy
 * machine (a class graded sixteen at a time, a platform's half of a CPU) a
 * correct server can spend much of those 2 s ready to run but waiting for a
 * CPU, and a wall clock would fail it for the machine's load. Linux counts,
 * for every thread, how long it waited for a CPU (`run_delay`, the second
 * field of `/proc/PID/task/TID/schedstat`; a CPU quota's hold counts too).
 *
 * A {@link Deadline} measures a wait in the time the server could have run:
 * the wall clock less the longest that one of the server's threads, or the
 * probe's own, waited for a CPU meanwhile, and never more than
 * {@link MAX_STRETCH} times the limit of wall clock. A server that does not answer because it waits
 * for something else (a client, a lock, a sleep) fails at the limit, as on
 * an idle machine. Without a {@link ServerClock} (a server the probe did not
 * start, or no /proc), a deadline is the wall clock alone.
 *
 * Linux adds a wait to `run_delay` when the thread gets its CPU, so a wait
 * still going on is counted once it ends: late by the time between a starved
 * thread's turns (tens of milliseconds at a tenth of a CPU).
 *
 * @module
 */

import { raceTimeout, TIMED_OUT } from "./kit.ts";

/** A wait lasts at most this many times its limit of wall clock, however long the server waited for a CPU. */
export const MAX_STRETCH = 5;

/** Nanoseconds each thread has waited for a CPU, by `pid/tid`. */
export type Waits = Map<string, number>;

/** How long a server's threads, and the probe's own, have waited for a CPU. */
export class ServerClock {
  readonly #root: number;
  #pids: number[] | undefined;

  /** The clock of the server started as process `root` (its descendants count too: a sandbox's server is one). */
  constructor(root: number) {
    this.#root = root;
  }

  /** The waits now; an empty map where /proc cannot be read. */
  waits(): Waits {
    const waits: Waits = new Map();
    const own = runDelay("/proc/thread-self/schedstat");
    if (own !== undefined) waits.set("probe", own);
    for (const pid of this.#pids ??= processTree(this.#root)) {
      for (const tid of entries(`/proc/${pid}/task`)) {
        const ns = runDelay(`/proc/${pid}/task/${tid}/schedstat`);
        if (ns !== undefined) waits.set(`${pid}/${tid}`, ns);
      }
    }
    return waits;
  }

  /** Looks again for the server's processes (a child it started since counts from its start). */
  refresh(): void {
    this.#pids = undefined;
  }
}

/**
 * Milliseconds waited for a CPU between `before` and `after`: the longest
 * any one thread waited (a thread new since counts whole, one gone counts
 * nothing), so never more than the time between them, however many threads
 * a server keeps busy.
 */
export function waitedMs(before: Waits, after: Waits): number {
  let ns = 0;
  for (const [thread, now] of after) {
    ns = Math.max(ns, now - (before.get(thread) ?? 0));
  }
  return ns / 1e6;
}

/** A time limit in the time the server could have run (see the module's comment). */
export class Deadline {
  /** The limit, in milliseconds. */
  readonly ms: number;
  readonly #clock: ServerClock | undefined;
  readonly #started = performance.now();
  readonly #before: Waits | undefined;

  /** A limit of `ms` from now, on `clock` (the wall clock alone without one). */
  constructor(ms: number, clock?: ServerClock) {
    this.ms = ms;
    this.#clock = clock;
    this.#before = clock?.waits();
  }

  /** Milliseconds left (0 once over): the clock is read only once the wall clock has run out. */
  left(): number {
    const elapsed = performance.now() - this.#started;
    const most = this.ms * MAX_STRETCH - elapsed;
    const left = this.ms - elapsed;
    if (left > 0 || this.#clock === undefined || this.#before === undefined) {
      return Math.max(0, Math.min(left, most));
    }
    this.#clock.refresh();
    const waited = waitedMs(this.#before, this.#clock.waits());
    return Math.max(0, Math.min(left + waited, most));
  }
}

/** `promise`'s value, or {@link TIMED_OUT} once `deadline` is over. */
export async function raceDeadline<T>(
  promise: Promise<T>,
  deadline: Deadline,
): Promise<T | typeof TIMED_OUT> {
  for (let left = deadline.left(); left > 0; left = deadline.left()) {
    const outcome = await raceTimeout(promise, left);
    if (outcome !== TIMED_OUT) return outcome;
  }
  return TIMED_OUT;
}

/** The run_delay of a schedstat file, in nanoseconds (undefined where it cannot be read). */
function runDelay(path: string): number | undefined {
  try {
    const ns = Number(Deno.readTextFileSync(path).split(" ")[1]);
    return Number.isFinite(ns) ? ns : undefined;
  } catch {
    return undefined;
  }
}

/** The names in a folder of /proc (none where it cannot be read). */
function entries(path: string): string[] {
  try {
    return [...Deno.readDirSync(path)].map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** `root` and every process below it, from each process's parent in /proc/PID/stat. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of entries("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${name}/stat`);
      // The command name, in parentheses, may hold spaces: the fields after it are fixed.
      const parent = Number(
        stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1],
      );
      children.set(parent, [...children.get(parent) ?? [], Number(name)]);
    } catch { /* gone meanwhile */ }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    tree.push(...children.get(tree[i]) ?? []);
  }
  return tree;
}
