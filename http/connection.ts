/**
 * The state of one connection, and the message machine that advances it:
 * bytes in, requests out; responses in, bytes out. Nothing here touches a
 * socket, a clock or an app: `handler.ts` reads and writes around it, calls
 * the app, and passes the time in.
 *
 * ```text
 *        +------------------ response sent, connection kept ------------------+
 *        v                                                                    |
 *      HEAD --head read, Content-Length > 0--> LENGTH_BODY --body read--+     |
 *       | | \                                                           v     |
 *       | |  +-head read, chunked--> CHUNKED_BODY --last chunk---> ANSWERING -+
 *       | +----head read, no body----------------------------------^     |
 *       |                                                                | response sent,
 *       +--bad input (HttpError), end of stream, timeout--> CLOSED <-----+ Connection: close
 * ```
 *
 * In ANSWERING the request has been handed out ({@linkcode Connection.nextRequest})
 * and the machine waits for its response ({@linkcode Connection.respond}).
 *
 * @module
 */

import { ChunkedReader } from "./chunked_reader.ts";
import { frameRequest, type Framing, requestOf } from "./framing.ts";
import { HeadParser } from "./head_parser.ts";
import { HttpError } from "./http_error.ts";
import type { Limits } from "./limits.ts";
import type { Memo } from "./memo.ts";
import type { Output } from "./output.ts";
import { ReadBuffer } from "./read_buffer.ts";
import { CONTINUE, writeErrorResponse } from "./response.ts";
import type {
  ConnectionOptions,
  ConnectionPhase,
  HttpRequest,
  HttpResponse,
} from "./types.ts";

/** Where the message being read is. */
const enum Message {
  Head,
  LengthBody,
  ChunkedBody,
  Answering,
  Closed,
}

/** Response bytes after which a batch is written before more input is processed: bounds memory when a client pipelines thousands of requests. */
const BATCH_LIMIT = 64 * 1024;

/** What the engine runs with: the same for every connection of one handler. */
export interface EngineConfig {
  /** The limits on what a client may send. */
  readonly limits: Limits;
  /** The speed layer, or `NO_MEMO`. */
  readonly memo: Memo;
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
export class Connection implements ConnectionState {
  declare readonly [opaque]: true;
  readonly #input = new ReadBuffer();
  #message = Message.Head;
  #parser: HeadParser | null = null;
  #chunked: ChunkedReader | null = null;
  #bodyLeft = 0;
  #request: HttpRequest | null = null;
  #keepAlive = false;
  /** Whole requests may still be buffered: process them before reading again. */
  #pendingInput = false;
  #closeAfterResponse = false;
  #writing = false;
  readonly #onResponse: ConnectionOptions["onResponse"];
  /** The trace's hook, called by `handler.ts` after each call. */
  readonly onCall: ConnectionOptions["onCall"];
  #responses = 0;
  /** The time (given by the caller) when the current request's first byte was read. */
  #messageStart = 0;

  /** @param options per-connection hooks, such as the access log */
  constructor(options: ConnectionOptions = {}) {
    this.#onResponse = options.onResponse;
    this.onCall = options.onCall;
  }

  /** Responses written so far (final ones, and the engine's errors). */
  get responses(): number {
    return this.#responses;
  }

  /** Where the connection is, for a server's timers. */
  get phase(): ConnectionPhase {
    switch (this.#message) {
      case Message.Closed:
        return "closed";
      case Message.Answering:
        return "writing";
      case Message.Head: {
        if (this.#writing) return "writing";
        const partial = this.#pendingInput || (this.#parser?.started ?? false);
        return partial ? "head" : "idle";
      }
      default:
        return this.#writing ? "writing" : "body";
    }
  }

  /** Whether the connection is done. */
  get closed(): boolean {
    return this.#message === Message.Closed;
  }

  /** Whether buffered input should be processed before the next read. */
  get hasPendingInput(): boolean {
    return this.#pendingInput;
  }

  /** Whether responses are timed for the access log: then the caller passes the time in. */
  get timed(): boolean {
    return this.#onResponse !== undefined;
  }

  /** Marks the connection done: the caller closes it. */
  close(): void {
    this.#message = Message.Closed;
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
   * Bad input becomes an error response in `out`, and the connection
   * closes.
   *
   * @param now the time, for the access log (any number when not {@linkcode Connection.timed})
   */
  nextRequest(
    out: Output,
    config: EngineConfig,
    now: number,
  ): HttpRequest | null {
    if (this.#message === Message.Closed) return null;
    if (out.committedLength >= BATCH_LIMIT) {
      this.#pendingInput = true;
      return null;
    }
    try {
      const request = this.#readMessage(out, config, now);
      this.#pendingInput = request !== null;
      return request;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      this.fail(out, error);
      return null;
    }
  }

  /** Reads input up to the end of one message; `null` when more input is needed. */
  #readMessage(out: Output, config: EngineConfig, now: number) {
    const input = this.#input;
    for (;;) {
      switch (this.#message) {
        case Message.Head: {
          if (input.empty) return null;
          const { limits, memo } = config;
          if (this.#parser === null) {
            // A head seen before, byte for byte, needs no parse (the speed
            // layer; with the memo off this is always null).
            const known = memo.recallHead(
              input.bytes,
              input.start,
              input.end,
              limits,
            );
            if (known !== null) {
              this.#messageStart = now;
              input.start += known.length;
              this.#beginBody(out, known.request, known.framing, limits);
              break;
            }
          }
          // A parser per request: an idle connection holds none.
          const fresh = this.#parser === null;
          const parser = this.#parser ??= new HeadParser(limits, memo.text);
          if (!parser.started) this.#messageStart = now;
          const start = input.start;
          input.start += parser.parse(input.bytes, start, input.end);
          const head = parser.head;
          if (head === null) return null;
          const framing = frameRequest(head);
          // Only a head parsed whole in this call has all its bytes here.
          if (fresh) {
            memo.rememberHead(input.bytes, start, input.start - start, limits);
          }
          this.#beginBody(out, requestOf(head, framing), framing, limits);
          break;
        }
        case Message.LengthBody: {
          const n = Math.min(this.#bodyLeft, input.end - input.start);
          input.start += n;
          this.#bodyLeft -= n;
          if (this.#bodyLeft > 0) return null;
          this.#message = Message.Answering;
          break;
        }
        case Message.ChunkedBody: {
          const chunked = this.#chunked!;
          input.start = chunked.consume(input.bytes, input.start, input.end);
          if (!chunked.done) return null;
          this.#chunked = null;
          this.#message = Message.Answering;
          break;
        }
        case Message.Answering:
          return this.#request;
        case Message.Closed:
          return null;
      }
    }
  }

  /** A head is read: the request it makes, and how its body is framed. */
  #beginBody(
    out: Output,
    request: HttpRequest,
    framing: Framing,
    limits: Limits,
  ): void {
    this.#parser = null;
    this.#request = request;
    this.#keepAlive = framing.keepAlive;
    if (framing.chunked) {
      this.#chunked = new ChunkedReader(limits);
      this.#message = Message.ChunkedBody;
    } else if (framing.contentLength > 0) {
      this.#bodyLeft = framing.contentLength;
      this.#message = Message.LengthBody;
    } else {
      this.#message = Message.Answering;
    }
    // RFC 9110 section 10.1.1: a server that already has some of the body
    // need not send 100 Continue.
    if (
      framing.expectContinue && this.#message !== Message.Answering &&
      this.#input.empty
    ) {
      out.string(CONTINUE);
      out.commit();
    }
  }

  /**
   * Answers the request {@linkcode Connection.nextRequest} handed out.
   *
   * @param now the time, for the access log
   * @throws {TypeError} when the response is malformed; nothing of it is
   * committed, and the caller answers 500 instead
   */
  respond(
    out: Output,
    config: EngineConfig,
    response: HttpResponse,
    now: number,
  ): void {
    const request = this.#request!;
    const close = !this.#keepAlive || this.#closeAfterResponse;
    const bytes = config.memo.writeResponse(
      out,
      response,
      close ? "close" : request.version === "HTTP/1.0" ? "keep-alive" : "none",
      request.method === "HEAD",
    );
    out.commit();
    this.#responses++;
    this.#log(request.method, request.target, response.status, bytes, now);
    this.#request = null;
    this.#message = close ? Message.Closed : Message.Head;
  }

  /**
   * The client ended its stream. A partial request can never complete; a
   * client that only half-closed can still read, so it is told why.
   */
  endOfStream(out: Output): void {
    const phase = this.phase;
    if (phase === "head" || phase === "body") {
      this.fail(
        out,
        new HttpError(400, "The request ended before it was complete"),
      );
    }
    this.#message = Message.Closed;
  }

  /** Answers with `error` after the responses already committed, and closes. */
  fail(out: Output, error: HttpError, now = this.#messageStart): void {
    this.#answerError(out, error, now);
    this.#responses++;
  }

  /**
   * The server's timer gave up waiting for the request: answers 408 and
   * closes. Not one of {@linkcode Connection.responses}: no call wrote it.
   */
  timeOut(out: Output, now: number): void {
    this.#answerError(
      out,
      new HttpError(408, "The request took too long to arrive"),
      now,
    );
  }

  #answerError(out: Output, error: HttpError, now: number): void {
    out.rollback();
    // The request line may have been read even when the head was not.
    const line = this.#request ?? this.#parser;
    const method = line?.method || "-";
    const bytes = writeErrorResponse(out, error, method === "HEAD");
    out.commit();
    this.#log(method, line?.target || "-", error.status, bytes, now);
    this.#message = Message.Closed;
  }

  #log(
    method: string,
    target: string,
    status: number,
    bytes: number,
    now: number,
  ): void {
    const onResponse = this.#onResponse;
    if (onResponse === undefined) return;
    onResponse({
      method,
      target,
      status,
      bytes,
      durationMs: Math.max(0, now - this.#messageStart),
    });
  }
}
