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
 * read. The sweep reads the clock and keeps it (`#now`), and a call that
 * settles is stamped with that reading, not a new one: the pool reads no
 * clock per call (only an access log or a trace does, once per stretch of
 * work: `http/watched_connection.ts`). It is the monotonic clock
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
  type ConnectionHandler,
  connectionPhase,
  handleConnection,
  handleTimeout,
} from "../handler.ts";
import type { ConnectionState } from "../http/connection.ts";
import {
  type ErrorHook,
  logInternalError,
  reportError,
} from "../http/error_log.ts";
import type { AccessLog } from "./access_log.ts";
import type { ConnectionCap } from "./connection_cap.ts";
import { closeQuietly } from "./listen.ts";
import { type Listed, OpenList } from "./open_list.ts";
import { PollTurn } from "./poll_turn.ts";
import {
  LAST_WRITE_MS,
  type PhaseTimeouts,
  ServedConnection,
} from "./served_connection.ts";
import type { CloseReason, Trace } from "./trace.ts";
import { TurnBudget } from "./turn_budget.ts";

/** Sweep period bounds: fine enough for short test timeouts, never busier than 100 Hz. */
const MIN_SWEEP_MS = 10;
const MAX_SWEEP_MS = 250;

/** One open connection, on the pool's clock. Kept small: thousands of these may wait at once. */
class Pooled extends ServedConnection implements Listed {
  slot = -1;
  /** Pool clock by which a timed-out connection is closed even if its 408 is not yet written; 0 if not timed out. */
  closeBy = 0;
  closed = false;
  /** Whether a `handleConnection` call is pending. */
  calling = false;
  /** Settles this connection's call: made once per connection, not per request. */
  settle!: (result: unknown) => void;
}

/** What a {@linkcode ReaderPool} serves with, besides its timeouts. */
export interface ReaderPoolOptions {
  /** Receives one entry per response. */
  log?: AccessLog;
  /** Each connection added holds a place its caller took here, given back when it closes. */
  cap?: ConnectionCap;
  /** Receives every connection's events. */
  trace?: Trace;
  /** Told of what should never happen: a call that rejects (default: the engine's error log). */
  onError?: ErrorHook;
  /** The engine each call goes to (default: the servers' `handleConnection`). */
  handle?: ConnectionHandler;
}

/** Serves connections concurrently through `handleConnection`. */
export class ReaderPool {
  readonly #timeouts: PhaseTimeouts;
  readonly #log: AccessLog | undefined;
  readonly #cap: ConnectionCap | undefined;
  readonly #trace: Trace | undefined;
  readonly #onError: ErrorHook;
  readonly #handle: ConnectionHandler;
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

  /** Creates an empty pool that times connections out by `timeouts`. */
  constructor(timeouts: PhaseTimeouts, options: ReaderPoolOptions = {}) {
    this.#timeouts = timeouts;
    this.#log = options.log;
    this.#cap = options.cap;
    this.#trace = options.trace;
    this.#onError = options.onError ?? logInternalError;
    this.#handle = options.handle ?? handleConnection;
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
    if (this.#sweepTimer === undefined) this.#startSweep();
    const pooled = new Pooled(conn, this.#now, this.#log, this.#trace);
    pooled.settle = (result) => this.#settled(pooled, result);
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
    this.#handle(pooled.conn, pooled.state).then(
      pooled.settle,
      pooled.settle,
    );
  }

  /**
   * A call's outcome. Its contract says it never rejects; if it did, that
   * is a bug: `onError` is told, and the connection is done.
   */
  #settled(pooled: Pooled, result: unknown): void {
    if (Array.isArray(result)) {
      this.#settle(pooled, result[0], result[1]);
      return;
    }
    reportError(
      this.#onError,
      new Error("handleConnection rejected, which its contract forbids", {
        cause: result,
      }),
    );
    this.#settle(pooled, true, pooled.state);
  }

  #settle(pooled: Pooled, close: boolean, state: ConnectionState): void {
    this.#pending--;
    pooled.calling = false;
    const stopping = this.#stopping ? "shutdown" : undefined;
    if (close || pooled.closed || pooled.closeBy !== 0) {
      pooled.state = state;
      this.#close(pooled, stopping);
    } else if (
      connectionPhase(state) === "closed" ||
      (this.#stopping && connectionPhase(state) === "idle")
    ) {
      pooled.state = state;
      this.#close(pooled, stopping);
    } else {
      pooled.settled(state, this.#now);
      this.#arm(pooled);
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
    pooled.closeBy = this.#now + LAST_WRITE_MS;
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
    const timeouts = this.#timeouts;
    this.#open.forEach((pooled) => {
      if (pooled.closeBy !== 0) {
        if (now >= pooled.closeBy) this.#close(pooled, "timeout");
        return;
      }
      if (now >= pooled.deadline(timeouts, now)) this.#timeOut(pooled);
    });
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }
}
