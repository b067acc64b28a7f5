/**
 * One client connection of the probe: it writes bytes and reads back whole
 * HTTP/1.x responses, within a deadline, telling apart an answer, a close, a
 * reset, silence, and bytes that are not HTTP. A read that outlives its
 * deadline stays pending for the next call, so no byte is lost and nothing
 * has to be cancelled. It keeps a script of what it wrote, and of the waits
 * between writes, so that a failure can show a command that does the same.
 *
 * @module
 */

import { type Answer, parseAnswers } from "./answers.ts";
import {
  closeQuietly,
  concat,
  fromLatin1,
  latin1,
  raceTimeout,
  TIMED_OUT,
  writeAll,
} from "./kit.ts";
import { Deadline, raceDeadline, type ServerClock } from "./server_clock.ts";

/** Where the probe connects. */
export interface Target {
  /** A host name or address, as in the URL (an IPv6 address without brackets). */
  hostname: string;
  /** The TCP port. */
  port: number;
  /** For a server the probe started: how long it waited for a CPU, which its time limits do not count. */
  clock?: ServerClock;
}

/**
 * One step of what a connection did: bytes written (one char per byte), or a
 * wait before the next write, for an answer or for a pause of the check's.
 */
export type ScriptStep = { write: string } | { wait: "answer" | number };

/** A script step as kept: writes as given, turned into text only when a command is asked for (most never are). */
type KeptStep = { writes: (string | Uint8Array)[] } | {
  wait: "answer" | number;
};

/** A pause between writes shorter than this is left out of the script (bytes written back to back). */
const SCRIPTED_PAUSE_MS = 100;

/** Why reading stopped before the answers asked for were all there. */
export type Stop = "closed" | "reset" | "timeout" | "not-http";

/** The Host field value for `target`, e.g. `127.0.0.1:8080` (an IPv6 address in brackets). */
export function hostField(target: Target): string {
  const name = target.hostname.includes(":")
    ? `[${target.hostname}]`
    : target.hostname;
  return `${name}:${target.port}`;
}

/** True when `target` refuses a connection now: nothing listens there. */
export async function refuses(target: Target): Promise<boolean> {
  try {
    (await ProbeConn.open(target)).close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.ConnectionRefused;
  }
}

/** What one {@link ProbeConn.readAnswers} call got. */
export interface Exchange {
  /** Whole final (non-1xx) responses, in order. */
  finals: Answer[];
  /** Whole interim (1xx) responses, in order. */
  interim: Answer[];
  /** Unset when every answer asked for arrived; otherwise why reading stopped. */
  stop?: Stop;
  /** For `not-http`, what is wrong; for `closed`, a response cut off, if any. */
  error?: string;
  /** Bytes read after the last whole response (kept for the next read). */
  rest: Uint8Array;
  /** Milliseconds the call took. */
  ms: number;
  /** The most it was to take: what a timeout is reported against. */
  withinMs: number;
}

/** Options of {@link ProbeConn.readAnswers}. */
export interface ReadOptions {
  /** Per final response, whether it answers HEAD. */
  heads?: boolean[];
  /** Give up after this many milliseconds. */
  withinMs: number;
  /** Return as soon as an interim (1xx) response is whole. */
  orInterim?: boolean;
}

type ReadOutcome = { n: number } | { n: null } | { error: unknown };

/** A probe's connection to the server under test. */
export class ProbeConn {
  readonly #conn: Deno.TcpConn;
  readonly #chunk = new Uint8Array(64 * 1024);
  /** What was read and not used up yet, as it came: joined only when it is looked at (a flood's answers come in thousands of reads). */
  #chunks: Uint8Array[] = [];
  #pending: Promise<ReadOutcome> | undefined;
  #ended: "closed" | "reset" | undefined;
  #closed = false;
  readonly #script: KeptStep[] = [];
  #lastWrite = 0;
  #readSinceWrite = false;
  readonly #clock: ServerClock | undefined;

  private constructor(conn: Deno.TcpConn, clock?: ServerClock) {
    this.#conn = conn;
    this.#clock = clock;
  }

  /** Connects to `target`, giving up after `withinMs`. */
  static async open(target: Target, withinMs = 3000): Promise<ProbeConn> {
    const connecting = Deno.connect({
      hostname: target.hostname,
      port: target.port,
    });
    const conn = await raceTimeout(connecting, withinMs);
    if (conn === TIMED_OUT) {
      connecting.then(closeQuietly, () => {});
      throw new Error(`could not connect within ${withinMs} ms`);
    }
    return new ProbeConn(conn, target.clock);
  }

  /** Writes all of `data` (a latin1 string or bytes); false when the server has closed or reset meanwhile. */
  async write(data: string | Uint8Array): Promise<boolean> {
    this.#note(data);
    try {
      await writeAll(
        this.#conn,
        typeof data === "string" ? fromLatin1(data) : data,
      );
      return true;
    } catch {
      return false;
    }
  }

  /** What was written, and the waits between writes, in order. */
  script(): ScriptStep[] {
    return this.#script.map((step) =>
      "writes" in step
        ? {
          write: step.writes.map((w) => typeof w === "string" ? w : latin1(w))
            .join(""),
        }
        : step
    );
  }

  /** Adds a write to the script, after the wait that came before it, if any. */
  #note(data: string | Uint8Array): void {
    const now = performance.now();
    if (this.#script.length > 0) {
      if (this.#readSinceWrite) this.#script.push({ wait: "answer" });
      else if (now - this.#lastWrite >= SCRIPTED_PAUSE_MS) {
        this.#script.push({ wait: Math.round(now - this.#lastWrite) });
      }
    }
    const last = this.#script.at(-1);
    if (last !== undefined && "writes" in last) last.writes.push(data);
    else this.#script.push({ writes: [data] });
    this.#lastWrite = now;
    this.#readSinceWrite = false;
  }

  /** True once the server has closed or reset the connection (as far as reads have seen). */
  get ended(): "closed" | "reset" | undefined {
    return this.#ended;
  }

  /** Reads until `count` final responses are whole, the connection ends, the bytes are not HTTP, or time runs out. */
  async readAnswers(count: number, options: ReadOptions): Promise<Exchange> {
    const started = performance.now();
    const deadline = new Deadline(options.withinMs, this.#clock);
    const heads = options.heads ?? [];
    for (;;) {
      const buffer = this.#buffered();
      const parsed = parseAnswers(buffer, {
        isHead: (i) => heads[i] ?? false,
        ended: this.#ended !== undefined,
      });
      const finals: Answer[] = [];
      const interim: Answer[] = [];
      let consumed = 0;
      for (const answer of parsed.answers) {
        if (finals.length === count) break;
        (answer.status < 200 ? interim : finals).push(answer);
        consumed = answer.end;
      }
      const done = finals.length === count ||
        (options.orInterim === true && interim.length > 0);
      let stop: Stop | undefined;
      if (!done) {
        stop = parsed.error !== undefined ? "not-http" : this.#ended;
        if (stop === undefined && !(await this.#fill(deadline))) {
          stop = "timeout";
        }
        if (stop === undefined) continue;
      }
      this.#readSinceWrite = true;
      const rest = buffer.subarray(consumed);
      // Whole answers are used up; after a failure nothing more is read from this connection.
      this.#chunks = stop === undefined ? [buffer.slice(consumed)] : [];
      return {
        finals,
        interim,
        stop,
        error: parsed.error ??
          (stop === undefined ? undefined : parsed.partial),
        rest,
        ms: performance.now() - started,
        withinMs: options.withinMs,
      };
    }
  }

  /** Waits up to `ms` for the server to close; resolves to how it ended (or `timeout`) and any bytes that came first. */
  async readToEnd(ms: number): Promise<{ end: Stop; bytes: Uint8Array }> {
    const deadline = new Deadline(ms, this.#clock);
    while (this.#ended === undefined) {
      if (!(await this.#fill(deadline))) break;
    }
    const bytes = this.#buffered();
    this.#chunks = [];
    this.#readSinceWrite = true;
    return { end: this.#ended ?? "timeout", bytes };
  }

  /** Collects whatever arrives within `ms` (for "nothing more should come"). */
  async bytesWithin(ms: number): Promise<Uint8Array> {
    const deadline = new Deadline(ms, this.#clock);
    while (
      this.#ended === undefined && await this.#fill(deadline)
    ) { /* keep reading */ }
    const bytes = this.#buffered();
    this.#chunks = [];
    this.#readSinceWrite = true;
    return bytes;
  }

  /** Closes the connection; a pending read then settles. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#conn);
  }

  /** Reads once more into the buffer; false when the deadline passed first. */
  async #fill(deadline: Deadline): Promise<boolean> {
    if (this.#ended !== undefined) return true;
    this.#pending ??= this.#conn.read(this.#chunk).then(
      (n) => ({ n }),
      (error) => ({ error }),
    );
    const outcome = await raceDeadline(this.#pending, deadline);
    if (outcome === TIMED_OUT) return false;
    this.#pending = undefined;
    if ("error" in outcome) {
      this.#ended = outcome.error instanceof Deno.errors.ConnectionReset
        ? "reset"
        : "closed";
    } else if (outcome.n === null) {
      this.#ended = "closed";
    } else {
      this.#chunks.push(this.#chunk.slice(0, outcome.n));
    }
    return true;
  }

  /** The bytes read and not used up yet, as one array (kept joined). */
  #buffered(): Uint8Array {
    if (this.#chunks.length !== 1) this.#chunks = [concat(this.#chunks)];
    return this.#chunks[0];
  }
}
