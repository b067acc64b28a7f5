/**
 * What every connection a server serves needs, whichever the server: its
 * engine state with its hooks (the access log, the trace), the deadline its
 * phase gives it, the stamp of when its request head began, and Nagle
 * turned off once it outlives its first call. The blocking server holds one
 * at a time; the reader pool holds every open one.
 *
 * @module
 */

import { connectionPhase } from "../handler.ts";
import type { ConnectionState } from "../http/connection.ts";
import type { ConnectionPhase } from "../http/types.ts";
import { newConnectionState } from "../http/watched_connection.ts";
import { type AccessLog, formatPeer } from "./access_log.ts";
import { turnOffNagle } from "./listen.ts";
import { type ConnectionTrace, type Trace, tracePeer } from "./trace.ts";

/** How long a connection's last answer (a 408 after a timeout, a 503 to a refusal) may take to write before the socket is closed anyway. */
export const LAST_WRITE_MS = 1_000;

/** A server's timeouts by phase, in milliseconds. */
export interface PhaseTimeouts {
  /** Between requests. */
  idleTimeoutMs: number;
  /** From the first byte of a request head to its end. */
  headTimeoutMs: number;
  /** Longest pause while a body arrives, the app answers, or a response waits to be taken. */
  bodyTimeoutMs: number;
}

/** One connection being served. */
export class ServedConnection {
  /** The socket. */
  readonly conn: Deno.TcpConn;
  /** The engine's state for it, as the last call returned it. */
  state: ConnectionState;
  /** Its trace, under `--trace`. */
  readonly trace: ConnectionTrace | undefined;
  /** Clock at the last settled call (the last read), or at acceptance. */
  lastProgress: number;
  /** Clock when the current request head began. */
  headStarted: number;
  /** Phase after the last settled call. */
  phase: ConnectionPhase = "idle";
  #nagleOff = false;

  /**
   * A connection accepted at `now` (the server's monotonic clock), logged
   * to `log` and traced by `trace` when given.
   */
  constructor(
    conn: Deno.TcpConn,
    now: number,
    log: AccessLog | undefined,
    trace: Trace | undefined,
  ) {
    this.conn = conn;
    this.trace = trace?.open(tracePeer(conn.remoteAddr));
    this.state = openState(conn, log, this.trace);
    this.lastProgress = this.headStarted = now;
  }

  /**
   * A call settled at `now` and the connection goes on: records its
   * progress and its new state, stamps the start of a request head that
   * began in it, and turns Nagle off the first time (see `turnOffNagle`).
   *
   * @returns the phase the call left the connection in
   */
  settled(state: ConnectionState, now: number): ConnectionPhase {
    this.state = state;
    const phase = connectionPhase(state);
    this.lastProgress = now;
    if (phase === "head" && this.phase !== "head") this.headStarted = now;
    this.phase = phase;
    if (!this.#nagleOff) {
      this.#nagleOff = true;
      turnOffNagle(this.conn);
    }
    return phase;
  }

  /**
   * When the connection times out, on the clock of `now`, by its live
   * phase (the engine updates it while a call runs): idle and body
   * deadlines count from the last progress, the head's from its first
   * byte; a closed connection is due now.
   */
  deadline(timeouts: PhaseTimeouts, now: number): number {
    const phase = connectionPhase(this.state);
    return phase === "idle"
      ? this.lastProgress + timeouts.idleTimeoutMs
      : phase === "head"
      ? this.headStarted + timeouts.headTimeoutMs
      : phase === "closed"
      ? now
      : this.lastProgress + timeouts.bodyTimeoutMs;
  }
}

/**
 * A new engine state for `conn`, with the hooks it is served with; one
 * without hooks when there are none (a connection with no log and no trace
 * reads no clock).
 */
export function openState(
  conn: Deno.Conn,
  log: AccessLog | undefined,
  trace: ConnectionTrace | undefined,
): ConnectionState {
  if (log === undefined && trace === undefined) return newConnectionState();
  const peer = formatPeer(conn.remoteAddr);
  return newConnectionState({
    onResponse: log && ((entry) => log.add(peer, entry)),
    onCall: trace?.onCall,
  });
}
