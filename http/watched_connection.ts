/**
 * A connection with an access log or a trace: the only connection that
 * reads a clock or calls a hook. {@linkcode newConnectionState} gives a
 * server one when it asks for hooks, and the plain {@linkcode Connection}
 * otherwise, which has neither; `handler.ts` times and reports each answer
 * and each call through it.
 *
 * @module
 */

import {
  type Answered,
  Connection,
  type ConnectionState,
} from "./connection.ts";
import { type ErrorHook, reportError } from "./error_log.ts";
import type {
  AccessLogEntry,
  CallReport,
  ConnectionOptions,
  ConnectionPhase,
} from "./types.ts";

/**
 * A fresh state for a new connection, carrying per-connection options such
 * as the access log. Passing it to the first call is optional.
 */
export function newConnectionState(
  options?: ConnectionOptions,
): ConnectionState {
  return options?.onResponse === undefined && options?.onCall === undefined
    ? new Connection()
    : new WatchedConnection(options);
}

/**
 * A connection with hooks: its clock, and the stamps that time its answers
 * and calls.
 */
export class WatchedConnection extends Connection {
  readonly #onResponse: ConnectionOptions["onResponse"];
  readonly #onCall: ConnectionOptions["onCall"];
  /** A test's clock, or `undefined` for `performance.now()` (called directly: a bound function costs more). */
  readonly #testClock: (() => number) | undefined;
  /** When the request being read began to arrive: the read that brought its first byte. */
  #requestStart: number;
  /** When the last read returned. */
  #lastRead: number;
  /** The clock as read in this stretch of work; -1 once the stretch is over. */
  #stamp = -1;
  /** Ends the stretch: queued as a microtask when the clock is read. */
  readonly #stretchEnds = () => {
    this.#stamp = -1;
  };
  /** Answers so far, for the trace's count per call. */
  #answers = 0;
  // The call in progress, for the trace.
  #phaseBefore: ConnectionPhase = "idle";
  #callStart = 0;
  #answersBefore = 0;

  /** A connection reporting to `options`' hooks. */
  constructor(options: ConnectionOptions) {
    super();
    this.#onResponse = options.onResponse;
    this.#onCall = options.onCall;
    this.#testClock = options.now;
    // A connection refused before any read is timed from its acceptance.
    this.#requestStart = this.#lastRead = this.#now();
  }

  #now(): number {
    const testClock = this.#testClock;
    return testClock === undefined ? performance.now() : testClock();
  }

  /**
   * The clock, read once per stretch of work: the answers a call makes at
   * once after its read are timed by that one reading, as the read is (a
   * clock read costs as much as answering a repeated request from the
   * speed layer). The reading expires with the stretch, at the next
   * microtask: after any `await` (an async app, a write, a timer) the
   * clock is read again.
   */
  #clock(): number {
    if (this.#stamp < 0) {
      this.#stamp = this.#now();
      queueMicrotask(this.#stretchEnds);
    }
    return this.#stamp;
  }

  /** A call begins: where the connection is, for the trace and for timing the next read. */
  callBegins(): void {
    this.#phaseBefore = this.phase;
    if (this.#onCall !== undefined) {
      this.#callStart = this.#now();
      this.#answersBefore = this.#answers;
    }
  }

  /** A read brought bytes: if no request was begun before it, one begins with it. */
  readArrived(): void {
    this.#lastRead = this.#clock();
    if (this.#phaseBefore === "idle") this.#requestStart = this.#lastRead;
  }

  /**
   * Logs an answer, timed from its request's first byte. The next request,
   * if any, began with the last read. A log hook that throws is a bug: the
   * connection closes after what was committed, and `onError` is told.
   */
  report(answered: Answered, onError: ErrorHook): void {
    this.#answers++;
    const onResponse = this.#onResponse;
    if (onResponse === undefined) return;
    const entry: AccessLogEntry = {
      method: answered.method,
      target: answered.target,
      status: answered.status,
      bytes: answered.bytes,
      durationMs: Math.max(0, this.#clock() - this.#requestStart),
    };
    this.#requestStart = this.#lastRead;
    try {
      onResponse(entry);
    } catch (error) {
      this.close();
      reportError(onError, error);
    }
  }

  /** A call ends: its trace line. A trace hook that throws closes the connection, and `onError` is told. */
  callEnds(read: CallReport["read"], onError: ErrorHook): void {
    const onCall = this.#onCall;
    if (onCall === undefined) return;
    try {
      onCall({
        read,
        before: this.#phaseBefore,
        after: this.phase,
        responses: this.#answers - this.#answersBefore,
        close: this.closed,
        us: (this.#now() - this.#callStart) * 1000,
      });
    } catch (error) {
      this.close();
      reportError(onError, error);
    }
  }
}
