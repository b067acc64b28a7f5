/**
 * What a check is, what it finds, and the context it runs in.
 *
 * A check sends something to the server and judges what comes back. It
 * opens its connections through its {@link CheckContext}, so that the runner
 * can close them all when the check is done or out of time.
 *
 * @module
 */

import { ProbeConn, type Target } from "./probe_conn.ts";

/** The check groups, in the order they run. */
export const GROUPS = [
  "hello",
  "bodies",
  "framing",
  "responses",
  "concurrency",
  "structure",
] as const;

/** One of {@link GROUPS}. */
export type Group = typeof GROUPS[number];

/** What a server promises about serving clients at once. */
export type Kind = "blocking" | "nb";

/** One input of a check that tries several (e.g. each bad request of a class). */
export interface CaseVerdict {
  /** The case's name (from the corpus, or the probe's own). */
  name: string;
  /** Whether this case passed. */
  pass: boolean;
  /** What was sent, in one line. */
  sent: string;
  /** What was expected. */
  expected: string;
  /** What came back, in one line. */
  got: string;
}

/** What a check found. */
export interface Verdict {
  /** Whether the server did what the check expects. */
  pass: boolean;
  /** What was sent, in one line. */
  sent: string;
  /** What came back, in one line. */
  got: string;
  /** A figure worth showing even on a pass, e.g. how long a second client waited. */
  note?: string;
  /** The cases tried, for checks that try several. */
  cases?: CaseVerdict[];
}

/** A check of the server (or of a submission's files). */
export interface Check {
  /** Short, unique within its group, e.g. `get-root`. */
  name: string;
  /** Its group. */
  group: Group;
  /** What it sends and expects, in one line for the report card. */
  title: string;
  /** What a passing server answers, for `--json` and failure lines. */
  expected: string;
  /** Longest it may take; past it the check fails and the probe goes on. */
  timeoutMs: number;
  /** When set, the check does not apply here, for this reason. */
  skip?: string;
  /** Runs the check. */
  run(context: CheckContext): Promise<Verdict>;
}

/** The id of a check: `group.name`. */
export function checkId(check: { group: Group; name: string }): string {
  return `${check.group}.${check.name}`;
}

/** Where a check runs: the target, and the connections it opened. */
export class CheckContext {
  /** The server under test. */
  readonly target: Target;
  /** The Host field value for the target, e.g. `127.0.0.1:8080`. */
  readonly host: string;
  /** What the check sent last, in one line: a check that runs out of time is reported with it. */
  sent = "";
  readonly #conns = new Set<ProbeConn>();
  #closed = false;

  /** A context for checks of `target`. */
  constructor(target: Target) {
    this.target = target;
    const name = target.hostname.includes(":")
      ? `[${target.hostname}]`
      : target.hostname;
    this.host = `${name}:${target.port}`;
  }

  /** Opens a new connection to the target (closed with the context). */
  async connect(): Promise<ProbeConn> {
    if (this.#closed) throw new Error("the check is over");
    const conn = await ProbeConn.open(this.target);
    this.#conns.add(conn);
    if (this.#closed) conn.close();
    return conn;
  }

  /** True once the check is over (done or out of time): long loops stop then. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes every connection the check opened. */
  close(): void {
    this.#closed = true;
    for (const conn of this.#conns) conn.close();
  }
}
