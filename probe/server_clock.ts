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
 * {@link MAX_STRETCH} times the limit of wall clock. A server that does not
 * answer because it waits for something else (a client, a lock, a sleep)
 * fails at the limit, as on an idle machine. Without a {@link ServerClock} (a server the probe did not
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

/**
 * How long a reading of the waits serves as the start of a new deadline: a
 * check starts hundreds of them in a few seconds, and asking each time cost
 * a seventh of a submission's CPU. The waits of those milliseconds before a
 * deadline count as if within it: under load, a limit a little longer.
 */
export const REUSE_MS = 250;

/** The script that reads the waits: Deno reads /proc only with --allow-all. */
const SCRIPT = decodeURIComponent(
  new URL("./schedstat.py", import.meta.url).pathname,
);

/** How long a server's threads, and the probe's own, have waited for a CPU. */
export class ServerClock {
  readonly #root: number;
  /** The last reading a deadline may start from, and when it was asked for. */
  #recent: { at: number; waits: Promise<Waits> } | undefined;

  /** The clock of the server started as process `root` (its descendants count too: a sandbox's server is one). */
  constructor(root: number) {
    this.#root = root;
  }

  /** The waits now (with `refresh`, looking again for the server's processes: a child it started since counts from its start); empty where they cannot be read. */
  waits(refresh = false): Promise<Waits> {
    return (reader ??= new WaitsReader()).ask(this.#root, refresh);
  }

  /** The waits to start a deadline from: a reading at most {@link REUSE_MS} old. */
  start(): Promise<Waits> {
    const now = performance.now();
    if (this.#recent === undefined || now - this.#recent.at > REUSE_MS) {
      this.#recent = { at: now, waits: this.waits() };
    }
    return this.#recent.waits;
  }

  /** Ends the python3 that every clock of this process reads from (a later question starts another). */
  static async closeReader(): Promise<void> {
    const closing = reader;
    reader = undefined;
    await closing?.close();
  }
}

/** The reader every clock of this process shares: one python3 start, not one per server. */
let reader: WaitsReader | undefined;

/**
 * `schedstat.py`, started on first use and asked a line at a time. Where it
 * cannot run, every answer is empty (and so every deadline is the wall
 * clock).
 */
class WaitsReader {
  #child: Deno.ChildProcess | undefined;
  #lines: LineReader | undefined;
  #broken = false;
  /** Questions go one at a time: each waits for the one before. */
  #last: Promise<unknown> = Promise.resolve();

  /** The waits of the process tree at `root` and of the probe. */
  ask(root: number, refresh: boolean): Promise<Waits> {
    const asked = this.#last.then(() => this.#ask(root, refresh));
    this.#last = asked;
    return asked;
  }

  /** Ends it (every answer is empty from now on). */
  async close(): Promise<void> {
    this.#broken = true;
    const child = this.#child;
    if (child === undefined) return;
    try {
      child.kill("SIGKILL");
    } catch { /* gone already */ }
    await child.status;
    await this.#lines?.cancel();
    await child.stdin.close().catch(() => {});
  }

  async #ask(root: number, refresh: boolean): Promise<Waits> {
    if (this.#broken) return new Map();
    try {
      if (this.#child === undefined) {
        this.#child = new Deno.Command("python3", {
          args: ["-I", "-S", SCRIPT, String(Deno.pid)],
          stdin: "piped",
          stdout: "piped",
          stderr: "null",
        }).spawn();
        this.#child.status.then(() => this.#broken = true);
        this.#lines = new LineReader(this.#child.stdout);
      }
      const writer = this.#child.stdin.getWriter();
      const question = `${refresh ? "refresh " : ""}${root}\n`;
      await writer.write(new TextEncoder().encode(question));
      writer.releaseLock();
      const line = await this.#lines!.next();
      if (line === undefined) throw new Error("schedstat.py ended");
      return new Map(
        Object.entries(JSON.parse(line) as Record<string, number>),
      );
    } catch {
      void this.close();
      return new Map();
    }
  }
}

/** Lines from a stream of UTF-8 bytes. */
class LineReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** Stops reading. */
  cancel(): Promise<void> {
    return this.#reader.cancel().catch(() => {});
  }

  /** The next line, or undefined at the end. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf("\n");
      if (end >= 0) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 1);
        return line;
      }
      const { value, done } = await this.#reader.read();
      if (done) return undefined;
      this.#buffer += value;
    }
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
  readonly #before: Promise<Waits> | undefined;

  /** A limit of `ms` from now, on `clock` (the wall clock alone without one). */
  constructor(ms: number, clock?: ServerClock) {
    this.ms = ms;
    this.#clock = clock;
    this.#before = clock?.start();
  }

  /** Milliseconds left (0 once over): the waits are asked for again only once the wall clock has run out. */
  async left(): Promise<number> {
    const elapsed = () => performance.now() - this.#started;
    const most = () => this.ms * MAX_STRETCH - elapsed();
    if (this.ms - elapsed() > 0 || this.#clock === undefined) {
      return Math.max(0, Math.min(this.ms - elapsed(), most()));
    }
    const before = await this.#before ?? new Map();
    const waited = waitedMs(before, await this.#clock.waits(true));
    return Math.max(0, Math.min(this.ms - elapsed() + waited, most()));
  }
}

/** `promise`'s value, or {@link TIMED_OUT} once `deadline` is over. */
export async function raceDeadline<T>(
  promise: Promise<T>,
  deadline: Deadline,
): Promise<T | typeof TIMED_OUT> {
  for (
    let left = await deadline.left();
    left > 0;
    left = await deadline.left()
  ) {
    const outcome = await raceTimeout(promise, left);
    if (outcome !== TIMED_OUT) return outcome;
  }
  return TIMED_OUT;
}
