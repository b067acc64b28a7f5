/**
 * The non-blocking server's multiplexer: every open connection has exactly
 * one pending `handleConnection` call (so at most one outstanding read); when
 * it settles, the connection is closed or the call is re-armed.
 *
 * `handleConnection` writes every response before it returns, so a client
 * that does not read its responses simply has no read pending until it does:
 * backpressure comes for free and memory stays bounded.
 *
 * Timeouts use one coarse sweep over all connections instead of a timer per
 * read; the clock it keeps (`now`) is also what settles stamp, so a busy
 * connection costs no clock reads at all. It is the monotonic clock
 * (`performance.now()`): a step of the wall clock cannot time out every
 * connection at once, or none.
 *
 * A {@linkcode TurnBudget} keeps the connections fair: past a budget of
 * re-arms, the rest wait for the runtime's next poll of the OS.
 *
 * @module
 */

import {
  closeAfterResponse,
  connectionPhase,
  type ConnectionState,
  handleConnection,
  handleTimeout,
  newConnectionState,
} from "../handler.ts";
import type { AccessLog } from "./access_log.ts";
import { formatPeer } from "./access_log.ts";
import type { ConnectionCap } from "./connection_cap.ts";
import { closeQuietly, turnOffNagle } from "./listen.ts";
import { type Listed, OpenList } from "./open_list.ts";
import { PollTurn } from "./poll_turn.ts";
import {
  type CloseReason,
  type ConnectionTrace,
  type Trace,
  tracePeer,
} from "./trace.ts";
import { TurnBudget } from "./turn_budget.ts";

/** The pool's timeouts, in milliseconds. */
export interface PoolTimeouts {
  /** Between requests. */
  idleTimeoutMs: number;
  /** From the first byte of a request head to its end. */
  headTimeoutMs: number;
  /** Longest pause while a body arrives or a response waits to be taken. */
  bodyTimeoutMs: number;
}

/** After a timeout, how long writing the 408 may take before the socket is closed anyway. */
const TIMEOUT_WRITE_MS = 1_000;

/** Sweep period bounds: fine enough for short test timeouts, never busier than 100 Hz. */
const MIN_SWEEP_MS = 10;
const MAX_SWEEP_MS = 250;

/** One open connection. Kept small: thousands of these may wait at once. */
interface Pooled extends Listed {
  readonly conn: Deno.TcpConn;
  state: ConnectionState;
  /** Pool clock at the last settled call (the last read). */
  lastProgress: number;
  /** Pool clock when the current request head began. */
  headStarted: number;
  /** Phase after the last settled call. */
  phase: string;
  /** Pool clock by which a timed-out connection is closed even if its 408 is not yet written; 0 if not timed out. */
  closeBy: number;
  closed: boolean;
  /** Whether a `handleConnection` call is pending. */
  calling: boolean;
  /** Whether a call has settled with the connection kept: then Nagle is off. */
  kept: boolean;
  /** Its trace, under `--trace`. */
  trace: ConnectionTrace | undefined;
  /** Settles this connection's call: made once per connection, not per request. */
  settle: (result: unknown) => void;
}

/** Serves connections concurrently through `handleConnection`. */
export class ReaderPool {
  readonly #timeouts: PoolTimeouts;
  readonly #log: AccessLog | undefined;
  readonly #cap: ConnectionCap | undefined;
  readonly #trace: Trace | undefined;
  readonly #open = new OpenList<Pooled>();
  /** Calls to `handleConnection` not yet settled. */
  #pending = 0;
  #now = performance.now();
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  readonly #sweepMs: number;
  #stopping = false;
  #drainWaiters: (() => void)[] = [];
  readonly #turns = new TurnBudget<Pooled>((pooled) => this.#arm(pooled));
  readonly #pollTurn: Promise<PollTurn | null>;

  /**
   * Creates an empty pool; `log`, when given, receives one entry per
   * response, and `trace` every connection's events. Each connection added
   * holds a place its caller took in `cap`, given back when it closes.
   */
  constructor(
    timeouts: PoolTimeouts,
    log?: AccessLog,
    cap?: ConnectionCap,
    trace?: Trace,
  ) {
    this.#timeouts = timeouts;
    this.#log = log;
    this.#cap = cap;
    this.#trace = trace;
    const shortest = Math.min(
      timeouts.idleTimeoutMs,
      timeouts.headTimeoutMs,
      timeouts.bodyTimeoutMs,
    );
    this.#sweepMs = Math.min(
      MAX_SWEEP_MS,
      Math.max(MIN_SWEEP_MS, Math.floor(shortest / 10)),
    );
    this.#pollTurn = PollTurn.open().then((turn) => {
      this.#turns.use(turn);
      return turn;
    });
  }

  /** Open connections. */
  get size(): number {
    return this.#open.size;
  }

  /** Takes over `conn`: serves it until it closes. */
  add(conn: Deno.TcpConn): void {
    const log = this.#log;
    const trace = this.#trace?.open(tracePeer(conn.remoteAddr));
    let state: ConnectionState;
    if (log || trace) {
      const peer = formatPeer(conn.remoteAddr);
      state = newConnectionState({
        onResponse: log && ((entry) => log.add(peer, entry)),
        onCall: trace?.onCall,
      });
    } else {
      state = newConnectionState();
    }
    if (this.#sweepTimer === undefined) this.#startSweep();
    const now = this.#now;
    const pooled: Pooled = {
      conn,
      state,
      lastProgress: now,
      headStarted: now,
      phase: "idle",
      closeBy: 0,
      closed: false,
      slot: -1,
      calling: false,
      kept: false,
      trace,
      settle: (result) => this.#settled(pooled, result),
    };
    this.#open.add(pooled);
    this.#arm(pooled);
  }

  /**
   * Begins a graceful stop: idle connections are closed now; busy ones end
   * after their next response.
   */
  beginStop(): void {
    this.#stopping = true;
    this.#open.forEach((pooled) => {
      if (connectionPhase(pooled.state) === "idle") {
        this.#close(pooled, "shutdown");
      } else {
        closeAfterResponse(pooled.state);
      }
    });
  }

  /** Ends every connection still open: 408 where a request is partly in, then close. */
  forceClose(): void {
    this.#open.forEach((pooled) => this.#timeOut(pooled, "shutdown"));
  }

  /** Resolves once no connection is open and no call is pending. */
  drained(): Promise<void> {
    if (this.#isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Releases the pool's own sockets (its {@linkcode PollTurn}) and its sweep; call once drained. */
  async close(): Promise<void> {
    this.#stopSweep();
    const turn = await this.#pollTurn;
    this.#turns.use(null);
    await turn?.close();
  }

  #isDrained(): boolean {
    return this.#open.size === 0 && this.#pending === 0;
  }

  /** Starts the connection's next call, or leaves it to the turn budget to start later. */
  #arm(pooled: Pooled): void {
    if (pooled.closed || pooled.closeBy !== 0) return;
    if (!this.#turns.admit(pooled)) return;
    this.#pending++;
    pooled.calling = true;
    handleConnection(pooled.conn, pooled.state).then(
      pooled.settle,
      pooled.settle,
    );
  }

  /** A call's outcome; the contract says it never rejects, but if it did, the connection is done. */
  #settled(pooled: Pooled, result: unknown): void {
    if (Array.isArray(result)) this.#settle(pooled, result[0], result[1]);
    else this.#settle(pooled, true, pooled.state);
  }

  #settle(pooled: Pooled, close: boolean, state: ConnectionState): void {
    this.#pending--;
    pooled.calling = false;
    pooled.state = state;
    const stopping = this.#stopping ? "shutdown" : undefined;
    if (close || pooled.closed || pooled.closeBy !== 0) {
      this.#close(pooled, stopping);
    } else {
      const phase = connectionPhase(state);
      const now = this.#now;
      pooled.lastProgress = now;
      if (phase === "head" && pooled.phase !== "head") pooled.headStarted = now;
      pooled.phase = phase;
      if (phase === "closed" || (this.#stopping && phase === "idle")) {
        this.#close(pooled, stopping);
      } else {
        if (!pooled.kept) {
          pooled.kept = true;
          turnOffNagle(pooled.conn);
        }
        this.#arm(pooled);
      }
    }
    if (this.#drainWaiters.length > 0 && this.#isDrained()) {
      this.#wakeDrainWaiters();
    }
  }

  /**
   * Closes the connection, once. `reason` is for the trace (the last call
   * tells it otherwise); its close line waits for a pending call to settle.
   */
  #close(pooled: Pooled, reason?: CloseReason): void {
    if (!pooled.closed) {
      pooled.closed = true;
      closeQuietly(pooled.conn);
      this.#open.delete(pooled);
      this.#cap?.release();
    }
    if (!pooled.calling) pooled.trace?.close(reason);
    else if (reason !== undefined) pooled.trace?.ending(reason);
  }

  #timeOut(pooled: Pooled, reason: CloseReason = "timeout"): void {
    if (pooled.closed || pooled.closeBy !== 0) return;
    pooled.closeBy = this.#now + TIMEOUT_WRITE_MS;
    if (pooled.trace) {
      const phase = connectionPhase(pooled.state);
      pooled.trace.note("timeout", {
        phase,
        answered: phase === "head" || phase === "body" ? 408 : "none",
      });
      pooled.trace.ending(reason);
    }
    // Closing the socket afterwards also ends the pending handleConnection call.
    handleTimeout(pooled.conn, pooled.state).finally(() =>
      this.#close(pooled, reason)
    );
  }

  #startSweep(): void {
    this.#now = performance.now();
    this.#sweepTimer = setInterval(() => this.#sweep(), this.#sweepMs);
  }

  #stopSweep(): void {
    if (this.#sweepTimer !== undefined) {
      clearInterval(this.#sweepTimer);
      this.#sweepTimer = undefined;
    }
  }

  /**
   * Times out connections past their deadline; runs every `#sweepMs` while
   * connections are open, and stops at the first tick that finds none, not
   * as the last one closes: with a new connection per request the pool
   * empties after every request, and starting a timer for each would cost
   * more than the ticks it saves.
   */
  #sweep(): void {
    if (this.#open.size === 0) {
      this.#stopSweep();
      return;
    }
    const now = this.#now = performance.now();
    const { idleTimeoutMs, headTimeoutMs, bodyTimeoutMs } = this.#timeouts;
    this.#open.forEach((pooled) => {
      if (pooled.closeBy !== 0) {
        if (now >= pooled.closeBy) this.#close(pooled, "timeout");
        return;
      }
      // Live phase: the engine updates the state while a call runs (e.g. "writing").
      const phase = connectionPhase(pooled.state);
      const deadline = phase === "idle"
        ? pooled.lastProgress + idleTimeoutMs
        : phase === "head"
        ? pooled.headStarted + headTimeoutMs
        : phase === "closed"
        ? now
        : pooled.lastProgress + bodyTimeoutMs;
      if (now >= deadline) this.#timeOut(pooled);
    });
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }
}
