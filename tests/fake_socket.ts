/**
 * A scripted in-memory socket for driving `handleConnection` without a
 * network, and helpers to feed it a request stream at any split.
 *
 * @module
 */

import assert from "node:assert/strict";
import { latin1 } from "../testing/bytes.ts";
import { blankDates, readResponses } from "../testing/response_parser.ts";
import {
  type ConnectionHandler,
  type ConnectionState,
  handleConnection,
  type Socket,
} from "../handler.ts";

/** Options of a {@linkcode FakeSocket}. */
export interface FakeSocketOptions {
  /** Most bytes one `write` accepts (short writes); unlimited by default. */
  maxWrite?: number;
  /** Make `read` reject once the scripted chunks run out, instead of ending the stream. */
  resetAtEnd?: boolean;
  /** Make every `write` reject. */
  failWrites?: boolean;
}

/** A socket whose reads return scripted chunks, then end of stream; writes are recorded. */
export class FakeSocket implements Socket {
  #chunks: Uint8Array[];
  #options: FakeSocketOptions;
  /** Every `read` call so far. */
  reads = 0;
  /** Every `write` call so far. */
  writes = 0;
  /** Whether a read has returned end of stream. */
  ended = false;
  /** The largest buffer a read was given: what the engine holds per read. */
  largestRead = 0;
  #written: number[] = [];

  constructor(chunks: Uint8Array[], options: FakeSocketOptions = {}) {
    this.#chunks = chunks.map((c) => c.slice());
    this.#options = options;
  }

  read(p: Uint8Array): Promise<number | null> {
    this.reads++;
    this.largestRead = Math.max(this.largestRead, p.length);
    const chunk = this.#chunks.shift();
    if (chunk === undefined) {
      if (this.#options.resetAtEnd) {
        return Promise.reject(new Error("connection reset"));
      }
      this.ended = true;
      return Promise.resolve(null);
    }
    const n = Math.min(chunk.length, p.length);
    p.set(chunk.subarray(0, n));
    if (n < chunk.length) this.#chunks.unshift(chunk.subarray(n));
    return Promise.resolve(n);
  }

  write(p: Uint8Array): Promise<number> {
    this.writes++;
    if (this.#options.failWrites) {
      return Promise.reject(new Error("broken pipe"));
    }
    const n = Math.min(p.length, this.#options.maxWrite ?? Infinity);
    for (let i = 0; i < n; i++) this.#written.push(p[i]);
    return Promise.resolve(n);
  }

  /** Everything written, as Latin-1 text. */
  get output(): string {
    let s = "";
    for (const b of this.#written) s += String.fromCharCode(b);
    return s;
  }
}

/** What serving a scripted connection to its end produced. */
export interface ServeResult {
  /** Everything the handler wrote, with `Date` values blanked so runs compare equal. */
  output: string;
  /** Whether the handler asked to close before the client ended its stream. */
  closedByServer: boolean;
  /** Calls made to the handler. */
  calls: number;
  /** The socket, for counting reads and writes. */
  socket: FakeSocket;
  /** The state after the last call. */
  state: ConnectionState;
}

/** Serves a connection whose reads return `chunks`, calling the handler until it says close; checks at most one read per call. */
export async function serveChunks(
  chunks: Uint8Array[],
  options: FakeSocketOptions = {},
  handler: ConnectionHandler = handleConnection,
): Promise<ServeResult> {
  const socket = new FakeSocket(chunks, options);
  let calls = 0;
  let close = false;
  let state: ConnectionState | undefined;
  while (!close) {
    const readsBefore = socket.reads;
    [close, state] = await handler(socket, state);
    calls++;
    assert.ok(socket.reads - readsBefore <= 1, "a call read more than once");
    assert.ok(calls < 100_000, "the handler never closed");
  }
  return {
    output: blankDates(socket.output),
    closedByServer: !socket.ended,
    calls,
    socket,
    state: state!,
  };
}

/** Encodes text one byte per character (Latin-1), so tests can write any byte with `\xNN`. */
export { fromLatin1 as bytes } from "../testing/bytes.ts";

/** One response as tests/last_head_test.ts reads it: lower-cased header names, the body as Latin-1 text. */
export interface ParsedResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** The responses in `output` (the first `headRequests` answer HEAD), through testing/response_parser.ts. */
export function parseResponses(
  output: string,
  headRequests = 0,
): ParsedResponse[] {
  return readResponses(output, headRequests).map((r) => ({
    status: r.status,
    headers: new Map(
      r.headers.map(([name, value]) => [name.toLowerCase(), value]),
    ),
    body: latin1(r.body),
  }));
}
