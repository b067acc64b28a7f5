/**
 * Drives a connection handler over a {@linkcode ScriptedSocket} as a server
 * would: call it until it says close. {@linkcode runSession} records every
 * call and never throws (what property checks and the fuzzer need);
 * {@linkcode serveChunks} is the asserting form for table tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type ConnectionHandler,
  type ConnectionState,
  handleConnection,
  type Socket,
} from "../mod.ts";
import { latin1 } from "../wire/bytes.ts";
import { blankDates } from "../wire/response_parser.ts";
import {
  ScriptedSocket,
  type ScriptedSocketOptions,
} from "./scripted_socket.ts";

/** The shape of `handleConnection`, over any state (a test's broken handler keeps its own). */
export type SessionHandler<S = unknown> = (
  sock: Socket,
  state?: S,
) => Promise<[boolean, S]>;

/** One call of the handler, as seen from the socket. */
export interface CallRecord {
  /** Reads the call made (the engine promises at most one). */
  reads: number;
  /** Output length after the call. */
  outputEnd: number;
  /** The close flag it returned. */
  close: boolean;
}

/** The outcome of one scripted connection. */
export interface Session<S = unknown> {
  /** Every byte written, in order. */
  output: Uint8Array;
  /** One record per completed call. */
  calls: CallRecord[];
  /** True when the last call returned close (false: gave up after too many calls). */
  closed: boolean;
  /** Bytes of input the handler read before the end. */
  consumed: number;
  /** What the handler threw or rejected with, if anything. */
  thrown?: unknown;
  /** Set when the handler never settled or made no progress. */
  stuck?: string;
  /** The socket, for its counts. */
  socket: ScriptedSocket;
  /** The state the last call returned. */
  state: S | undefined;
}

/** How a session's socket behaves, and when to give up on the handler. */
export interface SessionOptions extends ScriptedSocketOptions {
  /** Calls before giving up; default: enough for one byte per call, and then some. */
  maxCalls?: number;
  /** Time before giving up on a call that never settles; default 10 s. */
  timeoutMs?: number;
}

/**
 * Calls `handler` until it returns close (or gives up after `maxCalls`, a
 * timeout, or a stretch of calls that neither read nor wrote), feeding it
 * `chunks`. Never throws: what the handler threw is in `thrown`.
 */
export async function runSession<S>(
  handler: SessionHandler<S>,
  chunks: readonly Uint8Array[],
  options: SessionOptions = {},
): Promise<Session<S>> {
  const sock = new ScriptedSocket(chunks, options);
  const totalBytes = chunks.reduce((sum, c) => sum + c.length, 0);
  const maxCalls = options.maxCalls ?? totalBytes + chunks.length + 10_000;
  const calls: CallRecord[] = [];
  let state: S | undefined = undefined;
  let idleCalls = 0;
  const session = (): Session<S> => ({
    output: sock.output,
    calls,
    closed: calls.at(-1)?.close ?? false,
    consumed: sock.consumed,
    socket: sock,
    state,
  });
  // One timer for the whole session: a timer per call would cost the fuzzer dearly.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs ?? 10_000);
  });
  try {
    while (calls.length < maxCalls) {
      const readsBefore = sock.reads;
      const outBefore = sock.outputLength;
      let result: [boolean, S] | "timeout";
      try {
        result = await Promise.race([handler(sock, state), timeout]);
      } catch (error) {
        return { ...session(), thrown: error };
      }
      if (result === "timeout") {
        return { ...session(), stuck: `call ${calls.length} never settled` };
      }
      const [close, next]: [boolean, S] = result;
      state = next;
      calls.push({
        reads: sock.reads - readsBefore,
        outputEnd: sock.outputLength,
        close,
      });
      if (close) return session();
      idleCalls = sock.reads === readsBefore && sock.outputLength === outBefore
        ? idleCalls + 1
        : 0;
      if (idleCalls > 1000) {
        return {
          ...session(),
          stuck: "1000 calls in a row neither read nor wrote",
        };
      }
    }
    return { ...session(), stuck: `no close after ${maxCalls} calls` };
  } finally {
    clearTimeout(timer);
  }
}

/** What serving a scripted connection to its end produced. */
export interface ServeResult {
  /** Everything the handler wrote, as Latin-1 text with `Date` values blanked so runs compare equal. */
  output: string;
  /** Whether the handler asked to close before the client ended its stream. */
  closedByServer: boolean;
  /** Calls made to the handler. */
  calls: number;
  /** The socket, for counting reads and writes. */
  socket: ScriptedSocket;
  /** The state after the last call. */
  state: ConnectionState;
}

/**
 * Serves a connection whose reads return `chunks` with `handler` (the
 * engine by default) until it says close; asserts that it never threw,
 * never stalled and never read twice in one call.
 */
export async function serveChunks(
  chunks: readonly Uint8Array[],
  options: SessionOptions = {},
  handler: ConnectionHandler = handleConnection,
): Promise<ServeResult> {
  const session = await runSession(handler, chunks, options);
  if (session.thrown !== undefined) throw session.thrown;
  assert.equal(session.stuck, undefined, "the handler never closed");
  assert.ok(
    session.calls.every((c) => c.reads <= 1),
    "a call read more than once",
  );
  return {
    output: blankDates(latin1(session.output)),
    closedByServer: !session.socket.ended,
    calls: session.calls.length,
    socket: session.socket,
    state: session.state!,
  };
}
