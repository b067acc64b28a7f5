/**
 * The state of one connection, and the message machine that advances it:
 * bytes in, requests out; responses in, bytes out. Nothing here touches a
 * socket, an app or a hook: `handler.ts` reads and writes around it and
 * calls the app, and a connection with hooks (`watched_connection.ts`)
 * times and reports what each answer returns. Nor a clock, but for one: a
 * response's `Date` comes from `http_date.ts`, which a server holds so that
 * a timer sets it once a second (and which reads the wall clock itself
 * when no server holds it, as in a test).
 *
 * ```text
 *        +------------------ response sent, connection kept -----------------+
 *        v                                                                   |
 *      Head --head read, Content-Length > 0--> LengthBody --body read--+     |
 *       | | \                                                          v     |
 *       | |  +-head read, chunked--> ChunkedBody --last chunk-----> Answering+
 *       | +----head read, no body------------------------------------^   |
 *       |                                                                | response sent,
 *       +--bad input (HttpError), end of stream, timeout--> Closed <-----+ Connection: close
 * ```
 *
 * In `Answering` the request has been handed out
 * ({@linkcode Connection.nextRequest}) and the machine waits for its
 * response ({@linkcode Connection.respond}).
 *
 * How a head is found and how a response becomes bytes are not its
 * business: it asks the {@linkcode EngineConfig}'s `headReader` and
 * `writeResponse`, two of the seams where a faster way can be put in
 * (`seams.ts`).
 *
 * @module
 */

import { ChunkedReader } from "./chunked_reader.ts";
import type { HeadParser } from "./head_parser.ts";
import type { HeadReader, HeadSlot, RequestHead } from "./head_reader.ts";
import { HttpError } from "./http_error.ts";
import type { Limits } from "./limits.ts";
import type { Output } from "./output.ts";
import { ReadBuffer } from "./read_buffer.ts";
import {
  CONTINUE,
  type ResponseWriter,
  writeErrorResponse,
} from "./response.ts";
import type { ConnectionPhase, HttpRequest, HttpResponse } from "./types.ts";

/** The stage the message in hand is at: its head, its body, its answer, or none (the connection is done). */
const enum Stage {
  Head,
  LengthBody,
  ChunkedBody,
  Answering,
  Closed,
}

/** Response bytes after which a batch is written before more input is processed: bounds what a client pipelining thousands of requests makes the server hold. */
const BATCH_LIMIT = 64 * 1024;

/** What the engine runs with: the same for every connection of one handler. */
export interface EngineConfig {
  /** The limits on what a client may send. */
  readonly limits: Limits;
  /** Finds each request head in the input. */
  readonly headReader: HeadReader;
  /** Serializes each app response. */
  readonly writeResponse: ResponseWriter;
}

/**
 * What one answer was, for the access log. Each connection fills one
 * record of its own and hands it out again on every answer: read it before
 * the next one.
 */
export interface Answered {
  /** The request's method, or `"-"` when its request line was not read. */
  readonly method: string;
  /** The request's target, or `"-"`. */
  readonly target: string;
  /** The status answered. */
  readonly status: number;
  /** Bytes of the response, head and body. */
  readonly bytes: number;
}

/** The brand only this module can name. */
declare const opaque: unique symbol;

/**
 * What a server holds for each connection between calls of
 * `handleConnection`: the brief's black box. It has nothing to call; pass it
 * back, or ask `handler.ts` about it (`connectionPhase`, ...).
 */
export interface ConnectionState {
  /** Only a {@linkcode Connection} has it. */
  readonly [opaque]: true;
}

/** Everything one connection carries between calls, and the machine that advances it. */
export class Connection implements ConnectionState, HeadSlot {
  declare readonly [opaque]: true;
  readonly #input = new ReadBuffer();
  #stage = Stage.Head;
  /** The head being read, kept here by the head reader between calls. */
  parser: HeadParser | null = null;
  #chunked: ChunkedReader | null = null;
  #bodyLeft = 0;
  #request: HttpRequest | null = null;
  #keepAlive = false;
  /** Whole requests may still be buffered: process them before reading again. */
  #pendingInput = false;
  #closeAfterResponse = false;
  #writing = false;
  /** What the last answer was: one record per connection, so an answer allocates nothing. */
  readonly #answered = { method: "", target: "", status: 0, bytes: 0 };

  /** Where the connection is, for a server's timers. */
  get phase(): ConnectionPhase {
    switch (this.#stage) {
      case Stage.Closed:
        return "closed";
      case Stage.Answering:
        return "answering";
      case Stage.Head: {
        if (this.#writing) return "writing";
        const partial = this.#pendingInput || (this.parser?.started ?? false);
        return partial ? "head" : "idle";
      }
      default:
        return this.#writing ? "writing" : "body";
    }
  }

  /** Whether the connection is done. */
  get closed(): boolean {
    return this.#stage === Stage.Closed;
  }

  /** Whether buffered input should be processed before the next read. */
  get hasPendingInput(): boolean {
    return this.#pendingInput;
  }

  /** Marks the connection done: the caller closes it. */
  close(): void {
    this.#stage = Stage.Closed;
  }

  /** Makes the next response carry `Connection: close` and end the connection. */
  closeAfterResponse(): void {
    this.#closeAfterResponse = true;
  }

  /** Marks responses as being written, for {@linkcode Connection.phase}. */
  set writing(value: boolean) {
    this.#writing = value;
  }

  /** The free space to read into. */
  readBuffer(): Uint8Array {
    return this.#input.space();
  }

  /** Records that `n` bytes were read into {@linkcode Connection.readBuffer}. */
  received(n: number): void {
    this.#input.received(n);
  }

  /**
   * Gives the input buffer up for reuse by another connection. Only for the
   * end of a call that leaves the connection closed: nothing it holds is
   * needed any more, and no read into it can be pending.
   */
  releaseInput(): void {
    if (this.closed) this.#input.release();
  }

  /**
   * Reads buffered input up to the end of the next whole request and hands
   * it out; the caller answers it with {@linkcode Connection.respond}.
   * Returns `null` when more input is needed, when the connection is
   * closed, or when the batch in `out` is full (the rest stays buffered).
   *
   * @throws {HttpError} for bad input: the caller answers it with
   * {@linkcode Connection.fail}
   */
  nextRequest(out: Output, config: EngineConfig): HttpRequest | null {
    if (this.#stage === Stage.Closed) return null;
    if (out.committedLength >= BATCH_LIMIT) {
      this.#pendingInput = true;
      return null;
    }
    const request = this.#readMessage(out, config);
    this.#pendingInput = request !== null;
    return request;
  }

  /** Reads input up to the end of one message; `null` when more input is needed. */
  #readMessage(out: Output, config: EngineConfig): HttpRequest | null {
    const input = this.#input;
    for (;;) {
      switch (this.#stage) {
        case Stage.Head: {
          if (input.empty) return null;
          const head = config.headReader.read(input, this, config.limits);
          if (head === null) return null;
          this.#headRead(out, head, config.limits);
          break;
        }
        case Stage.LengthBody: {
          const n = Math.min(this.#bodyLeft, input.end - input.start);
          input.start += n;
          this.#bodyLeft -= n;
          if (this.#bodyLeft > 0) return null;
          this.#stage = Stage.Answering;
          break;
        }
        case Stage.ChunkedBody: {
          const chunked = this.#chunked!;
          input.start = chunked.consume(input.bytes, input.start, input.end);
          if (!chunked.done) return null;
          this.#chunked = null;
          this.#stage = Stage.Answering;
          break;
        }
        case Stage.Answering:
          return this.#request;
        case Stage.Closed:
          return null;
      }
    }
  }

  /**
   * A head is read (the diagram's "head read" arrows): keep its request,
   * and go on to its body as it is framed, or straight to its answer when it
   * has none; a client that waits for `100 Continue` is sent it.
   */
  #headRead(out: Output, head: RequestHead, limits: Limits): void {
    const { framing } = head;
    this.#request = head.request;
    this.#keepAlive = framing.keepAlive;
    if (framing.chunked) {
      this.#chunked = new ChunkedReader(limits);
      this.#stage = Stage.ChunkedBody;
    } else if (framing.contentLength > 0) {
      this.#bodyLeft = framing.contentLength;
      this.#stage = Stage.LengthBody;
    } else {
      this.#stage = Stage.Answering;
    }
    // RFC 9110 section 10.1.1: a server that already has some of the body
    // need not send 100 Continue.
    if (
      framing.expectContinue && this.#stage !== Stage.Answering &&
      this.#input.empty
    ) {
      out.appendText(CONTINUE);
      out.commit();
    }
  }

  /**
   * Answers the request {@linkcode Connection.nextRequest} handed out.
   *
   * @returns what was answered
   * @throws {TypeError} when the response is malformed; nothing of it is
   * committed, and the caller answers 500 instead
   */
  respond(
    out: Output,
    config: EngineConfig,
    response: HttpResponse,
  ): Answered {
    const request = this.#request!;
    const close = !this.#keepAlive || this.#closeAfterResponse;
    const bytes = config.writeResponse(
      out,
      response,
      close ? "close" : request.version === "HTTP/1.0" ? "keep-alive" : "none",
      request.method === "HEAD",
    );
    out.commit();
    this.#request = null;
    this.#stage = close ? Stage.Closed : Stage.Head;
    return this.#answer(request.method, request.target, response.status, bytes);
  }

  /**
   * The client ended its stream. A partial request can never complete; a
   * client that only half-closed can still read, so it is told why.
   *
   * @returns the 400 answered, or `null` when no request was begun
   */
  endOfStream(out: Output): Answered | null {
    const phase = this.phase;
    this.#stage = Stage.Closed;
    if (phase !== "head" && phase !== "body") return null;
    return this.fail(
      out,
      new HttpError(400, "The request ended before it was complete"),
    );
  }

  /**
   * The server's timer gave up waiting for the request: answers 408 and
   * closes.
   */
  timeOut(out: Output): Answered {
    return this.fail(
      out,
      new HttpError(408, "The request took too long to arrive"),
    );
  }

  /** Answers with `error` after the responses already committed, and closes. */
  fail(out: Output, error: HttpError): Answered {
    out.rollback();
    // The request line may have been read even when the head was not.
    const line = this.#request ?? this.parser;
    const method = line?.method || "-";
    const bytes = writeErrorResponse(out, error, method === "HEAD");
    out.commit();
    this.#stage = Stage.Closed;
    return this.#answer(method, line?.target || "-", error.status, bytes);
  }

  #answer(
    method: string,
    target: string,
    status: number,
    bytes: number,
  ): Answered {
    const answered = this.#answered;
    answered.method = method;
    answered.target = target;
    answered.status = status;
    answered.bytes = bytes;
    return answered;
  }
}
