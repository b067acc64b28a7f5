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
 * With `--workers`, each line names its worker first (`trace worker=2
 * conn=7 ...`): each worker numbers its own connections.
 *
 * Lines go through a {@linkcode LineBatch}, like the access log: tracing a
 * server at 100k requests a second never stalls it; lines it cannot keep up
 * with are dropped and counted.
 *
 * @module
 */

import type { CallReport } from "../http/types.ts";
import { formatPeer } from "./access_log.ts";
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
  readonly #prefix: string;
  #connections = 0;

  /**
   * @param writer where lines go (default `Deno.stderr`)
   * @param worker the worker's number, when the server runs several
   */
  constructor(writer: LogWriter = Deno.stderr, worker?: number) {
    this.#lines = new LineBatch(writer, "trace");
    this.#prefix = worker === undefined
      ? "trace conn="
      : `trace worker=${worker} conn=`;
  }

  /** A connection from `peer` (`host:port`) opens: its trace, whose `onCall` goes into its state's options. */
  open(peer: string): ConnectionTrace {
    const conn = ++this.#connections;
    const trace = new ConnectionTrace(`${this.#prefix}${conn}`, this.#lines);
    this.#lines.add(`${trace.id} open peer=${peer}`);
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
  /** How its lines begin: `trace conn=7` (or `trace worker=2 conn=7`). */
  readonly id: string;
  readonly #lines: LineBatch;
  #calls = 0;
  #lastRead: CallReport["read"] = "none";
  #lastClose = false;
  #ending: CloseReason | undefined;
  #closed = false;

  /**
   * @param id how its lines begin
   * @param lines where its lines go
   */
  constructor(id: string, lines: LineBatch) {
    this.id = id;
    this.#lines = lines;
  }

  /** Writes the line for one `handleConnection` call: pass it as the state's `onCall`. */
  readonly onCall = (report: CallReport): void => {
    this.#calls++;
    this.#lastRead = report.read;
    this.#lastClose = report.close;
    this.#lines.add(formatCall(this.id, this.#calls, report));
  };

  /** Writes one of the server's decisions: `event` and its fields, e.g. `timeout`, `{ phase: "head", answered: 408 }`. */
  note(event: string, fields: Record<string, string | number> = {}): void {
    let line = `${this.id} ${event}`;
    for (const [key, value] of Object.entries(fields)) {
      line += ` ${key}=${value}`;
    }
    this.#lines.add(line);
  }

  /**
   * The server has decided to end the connection (a timeout, a shutdown):
   * its last line will say `reason`, whatever its pending call reports.
   */
  ending(reason: CloseReason): void {
    this.#ending ??= reason;
  }

  /**
   * Writes the connection's last line, once. Without a `reason` (or one
   * given to {@linkcode ConnectionTrace.ending}), it is read from the last
   * call: `eof`, `reset` after a failed read, `served` when the engine
   * closed it.
   */
  close(reason?: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    const why = this.#ending ?? reason ?? this.#reasonFromLastCall();
    this.#lines.add(`${this.id} close reason=${why} calls=${this.#calls}`);
  }

  #reasonFromLastCall(): CloseReason {
    if (this.#lastRead === "eof") return "eof";
    // A server that closes for its own reasons (timeout, shutdown) says so.
    if (this.#lastRead === "error" || !this.#lastClose) return "reset";
    return "served";
  }
}

/** `trace conn=7 call=3 read=38 phase=idle->idle responses=1 close=false us=41`, after `id` (`trace conn=7`). */
export function formatCall(
  id: string,
  call: number,
  report: CallReport,
): string {
  const { read, before, after, responses, close } = report;
  return `${id} call=${call} read=${read} phase=${before}->${after} responses=${responses} close=${close} us=${
    Math.round(report.us)
  }`;
}

/** A peer as a trace names it: `127.0.0.1:51234`, `[::1]:51234`. */
export function tracePeer(addr: Deno.Addr): string {
  if (addr.transport !== "tcp" && addr.transport !== "udp") {
    return addr.transport;
  }
  const host = formatPeer(addr);
  return host.includes(":") ? `[${host}]:${addr.port}` : `${host}:${addr.port}`;
}
