/**
 * What a check is, what it finds, and the context it runs in.
 *
 * A check sends something to the server and judges what comes back. It
 * opens its connections through its {@link CheckContext}, so that the runner
 * can close them all when the check is done or out of time, and so that a
 * failure can say how to send the same bytes again.
 *
 * A check names the checks it `needs`: what must work before it can tell
 * anything (a plain GET answered, a connection kept for a second request, a
 * head read in pieces). When one of them did not pass, the check is not run
 * and says which one, as check50 does; a prerequisite always runs before
 * what needs it (`probe/checks_test.ts` holds the order).
 *
 * @module
 */

import { hostField, ProbeConn, type Target } from "./probe_conn.ts";
import { reproduce } from "./reproduce.ts";

/**
 * The check groups, in the order they run: the brief's own first (a
 * prerequisite runs before what needs it), then `methods`, the HTTP rules
 * beyond the brief, then the structure of a submission's files.
 */
export const GROUPS = [
  "hello",
  "framing",
  "bodies",
  "responses",
  "concurrency",
  "methods",
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
  /** For a byte answer that is not the expected one: where the two first differ. */
  difference?: string;
  /** A shell command that sends the same bytes (the port as `$PORT`). */
  command?: string;
}

/** What a check found. */
export interface Verdict {
  /** Whether the server did what the check expects. */
  pass: boolean;
  /** What was sent, in one line. */
  sent: string;
  /** What came back, in one line. */
  got: string;
  /** What was expected, when more precise than the check's own (the case that failed). */
  expected?: string;
  /** For a byte answer that is not the expected one: where the two first differ. */
  difference?: string;
  /** A shell command that sends the same bytes again (the port as `$PORT`). */
  command?: string;
  /** What usually causes this failure, when it says more than the check's own hint. */
  hint?: string;
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
  /** What usually causes its failure, in a sentence a student can act on (check50's `help`). */
  hint: string;
  /** The ids (`group.name`) of the checks that must pass before this one can tell anything. */
  needs?: readonly string[];
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
  /** A command that does what the check does, once it is known: a check that runs out of time is reported with it. */
  reproduction: string | undefined;
  readonly #conns = new Set<ProbeConn>();
  #closed = false;

  /** A context for checks of `target`. */
  constructor(target: Target) {
    this.target = target;
    this.host = hostField(target);
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

  /** A command that sends what `conn` sent, as it sent it (see `reproduce.ts`); with `raw`, nc rather than curl, to show bytes that are not HTTP. */
  command(conn: ProbeConn, raw = false): string {
    return reproduce(conn.script(), this.target.hostname, this.host, raw);
  }

  /** The command for a check that ran out of time: its own, else what its first connection sent. */
  commandSoFar(): string | undefined {
    const first = this.#conns.values().next().value;
    return this.reproduction ?? (first && this.command(first));
  }

  /** Closes every connection the check opened. */
  close(): void {
    this.#closed = true;
    for (const conn of this.#conns) conn.close();
  }
}
