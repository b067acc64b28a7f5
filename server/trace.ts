/**
 * `--trace`: what the servers do, one logfmt line (`key=value` pairs, which
 * log tools parse) on stderr per event, so a learner can watch the calls
 * behind a request:
 *
 * ```text
 * trace conn=7 open peer=127.0.0.1:51234
 * trace conn=7 call=1 read=38 phase=idle->idle responses=1 close=false us=41
 * trace conn=7 call=2 read=none phase=head->idle responses=3 close=false us=12
 * trace conn=7 slice-over held_ms=1001
 * trace conn=7 call=3 read=eof phase=idle->closed responses=0 close=true us=9
 * trace conn=7 close reason=eof calls=3
 * ```
 *
 * - `conn`: the connection's number on this server; `call`: the call's
 *   number on the connection;
 * - `read`: bytes read by the call, `none` when it did not read (whole
 *   requests were already buffered), `eof` at end of stream, `error` when
 *   the read failed;
 * - `phase`: the connection's phase before and after the call (`idle`,
 *   `head`, `body`, `writing`, `closed`);
 * - `responses`: responses the call wrote; `close`: the flag it returned;
 *   `us`: how long it took, in microseconds.
 *
 * A connection's last line says why it closed: `served` (the engine closed
 * it after a response: `Connection: close`, HTTP/1.0, an error), `eof`,
 * `timeout`, `reset`, `shutdown`, or `refused` (over the connection cap).
 * Between them, the servers' own decisions: `slice-over` (the blocking
 * server's time slice ends the connection after its next response) and
 * `timeout` (a deadline passed; `answered=408` or `none`).
 *
 * Lines go through a {@linkcode LineBatch}, like the access log: tracing a
 * server at 100k requests a second never stalls it; lines it cannot keep up
 * with are dropped and counted.
 *
 * @module
 */

import type { CallReport } from "../http/types.ts";
import { LineBatch } from "./line_batch.ts";
import type { LogWriter } from "./options.ts";

/** Why a connection closed, as its last trace line says. */
export type CloseReason =
  | "served"
  | "eof"
  | "timeout"
  | "reset"
  | "shutdown"
  | "refused";

/** One server's trace: numbers its connections and writes their lines. */
export class Trace {
  readonly #lines: LineBatch;
  #connections = 0;

  /** @param writer where lines go (default `Deno.stderr`) */
  constructor(writer: LogWriter = Deno.stderr) {
    this.#lines = new LineBatch(writer, "trace");
  }

  /** A connection from `peer` (`host:port`) opens: its trace, whose `onCall` goes into its state's options. */
  open(peer: string): ConnectionTrace {
    const trace = new ConnectionTrace(++this.#connections, this.#lines);
    this.#lines.add(`trace conn=${trace.conn} open peer=${peer}`);
    return trace;
  }

  /** Writes every waiting line; resolves once they are written. */
  flush(): Promise<void> {
    return this.#lines.flush();
  }

  /** Flushes and stops. */
  close(): Promise<void> {
    return this.#lines.close();
  }
}

/** The trace of one connection. */
export class ConnectionTrace {
  /** The connection's number. */
  readonly conn: number;
  readonly #lines: LineBatch;
  #calls = 0;
  #lastRead: CallReport["read"] = "none";
  #lastClose = false;
  #closed = false;

  /**
   * @param conn the connection's number
   * @param lines where its lines go
   */
  constructor(conn: number, lines: LineBatch) {
    this.conn = conn;
    this.#lines = lines;
  }

  /** Writes the line for one `handleConnection` call: pass it as the state's `onCall`. */
  readonly onCall = (report: CallReport): void => {
    this.#calls++;
    this.#lastRead = report.read;
    this.#lastClose = report.close;
    this.#lines.add(formatCall(this.conn, this.#calls, report));
  };

  /** Writes one of the server's decisions: `event` and its fields, e.g. `timeout`, `{ phase: "head", answered: 408 }`. */
  note(event: string, fields: Record<string, string | number> = {}): void {
    let line = `trace conn=${this.conn} ${event}`;
    for (const [key, value] of Object.entries(fields)) {
      line += ` ${key}=${value}`;
    }
    this.#lines.add(line);
  }

  /**
   * Writes the connection's last line, once. Without a `reason`, it is read
   * from the last call: `eof`, `reset` after a failed read, `served` when
   * the engine closed it.
   */
  close(reason?: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    const why = reason ?? this.#reasonFromLastCall();
    this.#lines.add(
      `trace conn=${this.conn} close reason=${why} calls=${this.#calls}`,
    );
  }

  #reasonFromLastCall(): CloseReason {
    if (this.#lastRead === "eof") return "eof";
    // A server that closes for its own reasons (timeout, shutdown) says so.
    if (this.#lastRead === "error" || !this.#lastClose) return "reset";
    return "served";
  }
}

/** `trace conn=7 call=3 read=38 phase=idle->idle responses=1 close=false us=41` */
export function formatCall(
  conn: number,
  call: number,
  report: CallReport,
): string {
  const { read, before, after, responses, close } = report;
  return `trace conn=${conn} call=${call} read=${read} phase=${before}->${after} responses=${responses} close=${close} us=${
    Math.round(report.us)
  }`;
}
