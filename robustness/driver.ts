/**
 * Drives a connection handler over a scripted fake socket, recording what a
 * property check needs: the bytes written, each call's read count and close
 * flag, and anything thrown.
 *
 * @module
 */

import type { Socket } from "../http/types.ts";
import { concat } from "../testing/bytes.ts";
import type { Prng } from "../testing/prng.ts";

/** The shape of `handleConnection`, with its state left opaque. */
export type ConnectionHandler = (
  sock: Socket,
  state?: unknown,
) => Promise<[boolean, unknown]>;

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
export interface Session {
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
}

/**
 * A fake socket that hands out scripted chunks, one per read (cut further if
 * the reader's buffer is smaller), then end of stream; writes take a random
 * prefix when `shortWrites` is set.
 */
export class ScriptedSocket implements Socket {
  readonly #chunks: Uint8Array[];
  readonly #written: Uint8Array[] = [];
  readonly #writeRng: Prng | undefined;
  #writtenLength = 0;
  /** Reads so far. */
  reads = 0;
  /** Input bytes handed out so far. */
  consumed = 0;

  /** `chunks` are returned in order; `writeRng` enables short writes. */
  constructor(chunks: Uint8Array[], writeRng?: Prng) {
    this.#chunks = chunks.filter((c) => c.length > 0);
    this.#writeRng = writeRng;
  }

  /** Returns the next scripted chunk, or null once they are all read. */
  read(p: Uint8Array): Promise<number | null> {
    this.reads++;
    const chunk = this.#chunks.shift();
    if (chunk === undefined) return Promise.resolve(null);
    const n = Math.min(chunk.length, p.length);
    p.set(chunk.subarray(0, n));
    if (n < chunk.length) this.#chunks.unshift(chunk.subarray(n));
    this.consumed += n;
    return Promise.resolve(n);
  }

  /** Takes all of `p`, or a random non-empty prefix of it. */
  write(p: Uint8Array): Promise<number> {
    const n = this.#writeRng && p.length > 1
      ? this.#writeRng.int(1, p.length)
      : p.length;
    this.#written.push(p.slice(0, n));
    this.#writtenLength += n;
    return Promise.resolve(n);
  }

  /** Everything written so far, joined. */
  get output(): Uint8Array {
    return concat(this.#written, this.#writtenLength);
  }

  /** Count of bytes written so far. */
  get outputLength(): number {
    return this.#writtenLength;
  }
}

/**
 * Calls `handler` until it returns close (or gives up after `maxCalls` or a
 * stretch of calls that neither read nor wrote), feeding it `chunks`.
 */
export async function runSession(
  handler: ConnectionHandler,
  chunks: Uint8Array[],
  options: { writeRng?: Prng; maxCalls?: number; timeoutMs?: number } = {},
): Promise<Session> {
  const sock = new ScriptedSocket(chunks, options.writeRng);
  const totalBytes = chunks.reduce((sum, c) => sum + c.length, 0);
  const maxCalls = options.maxCalls ?? totalBytes + chunks.length + 10_000;
  const calls: CallRecord[] = [];
  let state: unknown = undefined;
  let idleCalls = 0;
  const session = (): Session => ({
    output: sock.output,
    calls,
    closed: calls.at(-1)?.close ?? false,
    consumed: sock.consumed,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs ?? 10_000);
  });
  try {
    while (calls.length < maxCalls) {
      const readsBefore = sock.reads;
      const outBefore = sock.outputLength;
      let result: [boolean, unknown] | "timeout";
      try {
        result = await Promise.race([handler(sock, state), timeout]);
      } catch (error) {
        return { ...session(), thrown: error };
      }
      if (result === "timeout") {
        return { ...session(), stuck: `call ${calls.length} never settled` };
      }
      const [close, next] = result;
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
