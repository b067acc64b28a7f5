/**
 * The state of one connection, and the pure step that advances it: bytes in,
 * whole responses out. Nothing here touches a socket; `handler.ts` does the
 * reading and writing around it.
 *
 * @module
 */

import { ChunkedReader } from "./chunked_reader.ts";
import { HeadParser, type RequestHead } from "./head_parser.ts";
import { HttpError } from "./http_error.ts";
import { LastHead } from "./last_head.ts";
import type { Limits } from "./limits.ts";
import type { Output } from "./output.ts";
import { CONTINUE, writeErrorResponse, writeResponse } from "./response.ts";
import type {
  App,
  ConnectionOptions,
  ConnectionPhase,
  HttpResponse,
} from "./types.ts";

/** Where the message being read is. */
const HEAD = 0, LENGTH_BODY = 1, CHUNKED_BODY = 2, COMPLETE = 3, CLOSED = 4;

/** First read size: a browser's request head (400 to 900 bytes) fits, and an idle connection holds little. */
const READ_SIZE_MIN = 1024;
/** Largest read size, reached by clients that fill every read (uploads, deep pipelines). */
const READ_SIZE_MAX = 64 * 1024;
/** Response bytes after which a batch is written before more input is processed: bounds memory when a client pipelines thousands of requests. */
const BATCH_LIMIT = 64 * 1024;

/** Shared by every connection: clients of a load test send the same head on all of them. */
const lastHead = new LastHead();

/**
 * Everything one connection carries between calls of `handleConnection`.
 * Opaque to callers: servers only create it, pass it back, and ask its phase.
 */
export class ConnectionState {
  #buf = new Uint8Array(READ_SIZE_MIN);
  /** Unconsumed input is `#buf[#start, #end)`. */
  #start = 0;
  #end = 0;
  #growNext = false;
  #lastRead = 0;
  #phase = HEAD;
  #head: HeadParser | null = null;
  #chunked: ChunkedReader | null = null;
  #bodyLeft = 0;
  #request: RequestHead | null = null;
  /** Whole requests may still be buffered: process them before reading again. */
  #pendingInput = false;
  #closeAfterResponse = false;
  #writing = false;
  #onResponse: ConnectionOptions["onResponse"];
  #messageStart = 0;
  /** The access log's clock, read at most once per batch: `performance.now()` is an op, costly at a million calls a second. */
  #stamp = -1;

  /** @param options per-connection hooks, such as the access log */
  constructor(options: ConnectionOptions = {}) {
    this.#onResponse = options.onResponse;
  }

  /** Where the connection is, for a server's timers. */
  get phase(): ConnectionPhase {
    if (this.#phase === CLOSED) return "closed";
    if (this.#writing || this.#phase === COMPLETE) return "writing";
    if (this.#phase !== HEAD) return "body";
    const partial = this.#pendingInput || (this.#head?.started ?? false);
    return partial ? "head" : "idle";
  }

  /** Whether the connection is done. */
  get closed(): boolean {
    return this.#phase === CLOSED;
  }

  /** Whether buffered input should be processed before the next read. */
  get hasPendingInput(): boolean {
    return this.#pendingInput;
  }

  /** Marks the connection done: the caller closes it. */
  close(): void {
    this.#phase = CLOSED;
  }

  /** Makes the next response carry `Connection: close` and end the connection. */
  closeAfterResponse(): void {
    this.#closeAfterResponse = true;
  }

  /** Marks responses as being written, for {@linkcode ConnectionState.phase}. */
  set writing(value: boolean) {
    this.#writing = value;
  }

  /** The free space to read into, compacting or resizing the buffer first. */
  readBuffer(): Uint8Array {
    if (this.#start === this.#end) this.#start = this.#end = 0;
    const size = this.#buf.length;
    // Grow while reads fill the buffer (uploads, deep pipelines); shrink
    // once a read is small and nothing is buffered, so an idle connection
    // holds only READ_SIZE_MIN.
    if (this.#growNext) {
      this.#resize(Math.min(size * 4, READ_SIZE_MAX));
    } else if (
      this.#end === 0 && size > READ_SIZE_MIN &&
      this.#lastRead <= READ_SIZE_MIN / 2
    ) {
      this.#resize(READ_SIZE_MIN);
    } else if (this.#end === size) {
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else {
        // A partial line fills the buffer; the parser's limits bound it.
        this.#resize(size * 2);
      }
    }
    // The whole buffer needs no view of its own: one object less per idle connection.
    return this.#end === 0 ? this.#buf : this.#buf.subarray(this.#end);
  }

  /** Records that `n` bytes were read into {@linkcode ConnectionState.readBuffer}. */
  received(n: number): void {
    this.#lastRead = n;
    this.#growNext = this.#end + n === this.#buf.length &&
      this.#buf.length < READ_SIZE_MAX;
    this.#end += n;
  }

  #resize(size: number): void {
    const buf = new Uint8Array(size);
    buf.set(this.#buf.subarray(this.#start, this.#end));
    this.#end -= this.#start;
    this.#start = 0;
    this.#buf = buf;
  }

  /**
   * Turns the buffered input into responses appended to `out`, until more
   * input is needed, the connection closes, or the batch is full. Bad input
   * becomes an error response; an app that throws or rejects, or returns a
   * malformed response, becomes a 500.
   *
   * @returns a promise only when an app answered with one
   */
  run(out: Output, app: App, limits: Limits): void | Promise<void> {
    this.#stamp = -1;
    while (this.#phase !== CLOSED) {
      if (out.committedLength >= BATCH_LIMIT) {
        this.#pendingInput = true;
        return;
      }
      let request: RequestHead | null;
      try {
        request = this.#readMessage(out, limits);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        this.fail(out, error);
        return;
      }
      if (request === null) {
        this.#pendingInput = false;
        return;
      }
      let response: HttpResponse | Promise<HttpResponse>;
      try {
        response = app(request);
      } catch (error) {
        this.failInternally(out, error);
        return;
      }
      if (response instanceof Promise) {
        const complete = request;
        return response.then(
          (r) => {
            this.#stamp = -1;
            this.#respond(out, complete, r);
            return this.run(out, app, limits);
          },
          (error) => this.failInternally(out, error),
        );
      }
      this.#respond(out, request, response);
    }
  }

  /** Reads input up to the end of one message; `null` when more input is needed. */
  #readMessage(out: Output, limits: Limits): RequestHead | null {
    for (;;) {
      switch (this.#phase) {
        case HEAD: {
          const start = this.#start;
          if (start === this.#end) return null;
          // No head begun yet: a repeat of the last one skips the parser.
          const fresh = this.#head === null;
          let request = fresh
            ? lastHead.match(this.#buf, start, this.#end, limits)
            : null;
          if (request !== null) {
            if (this.#onResponse) this.#messageStart = this.#clock();
            this.#start += lastHead.length;
          } else {
            // A parser per request: an idle connection holds none.
            const head = this.#head ??= new HeadParser(limits);
            if (this.#onResponse && !head.started) {
              this.#messageStart = this.#clock();
            }
            this.#start += head.parse(this.#buf, start, this.#end);
            request = head.head;
            if (request === null) return null;
            // Only a head parsed whole in this call has all its bytes here.
            if (fresh) {
              lastHead.remember(this.#buf, start, this.#start - start, limits);
            }
          }
          this.#request = request;
          if (request.chunked) {
            this.#chunked = new ChunkedReader(limits);
            this.#phase = CHUNKED_BODY;
          } else if (request.contentLength > 0) {
            this.#bodyLeft = request.contentLength;
            this.#phase = LENGTH_BODY;
          } else {
            this.#phase = COMPLETE;
          }
          // RFC 9110 section 10.1.1: a server that already has some of the
          // body need not send 100 Continue.
          if (
            request.expectContinue && this.#phase !== COMPLETE &&
            this.#start === this.#end
          ) {
            out.string(CONTINUE);
            out.commit();
          }
          break;
        }
        case LENGTH_BODY: {
          const n = Math.min(this.#bodyLeft, this.#end - this.#start);
          this.#start += n;
          this.#bodyLeft -= n;
          if (this.#bodyLeft > 0) return null;
          this.#phase = COMPLETE;
          break;
        }
        case CHUNKED_BODY: {
          const chunked = this.#chunked!;
          this.#start = chunked.consume(this.#buf, this.#start, this.#end);
          if (!chunked.done) return null;
          this.#chunked = null;
          this.#phase = COMPLETE;
          break;
        }
        default:
          return this.#request;
      }
    }
  }

  #respond(out: Output, request: RequestHead, response: HttpResponse): void {
    const close = !request.keepAlive || this.#closeAfterResponse;
    let bytes: number;
    try {
      bytes = writeResponse(
        out,
        response,
        close
          ? "close"
          : request.version === "HTTP/1.0"
          ? "keep-alive"
          : "none",
        request.method === "HEAD",
      );
    } catch (error) {
      this.failInternally(out, error);
      return;
    }
    out.commit();
    this.#log(request.method, request.target, response.status, bytes);
    this.#head = null;
    this.#request = null;
    this.#phase = close ? CLOSED : HEAD;
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
    this.#phase = CLOSED;
  }

  /** Answers with `error` after the responses already committed, and closes. */
  fail(out: Output, error: HttpError): void {
    this.#stamp = -1;
    out.rollback();
    // The request line may have been read even when the head was not.
    const line = this.#request ?? this.#head;
    const method = line?.method || "-";
    const bytes = writeErrorResponse(out, error, method === "HEAD");
    out.commit();
    this.#log(method, line?.target || "-", error.status, bytes);
    this.#phase = CLOSED;
  }

  /** The last-resort boundary: anything unexpected becomes a 500 and a close. */
  failInternally(out: Output, _error: unknown): void {
    this.fail(out, new HttpError(500, "The server failed to answer"));
  }

  /**
   * Milliseconds on the monotonic clock, as of the start of this batch (or
   * of the app's answer, when it was asynchronous): requests answered in one
   * batch share one reading.
   */
  #clock(): number {
    if (this.#stamp < 0) this.#stamp = performance.now();
    return this.#stamp;
  }

  #log(method: string, target: string, status: number, bytes: number): void {
    const onResponse = this.#onResponse;
    if (onResponse === undefined) return;
    const durationMs = this.#messageStart === 0
      ? 0
      : this.#clock() - this.#messageStart;
    this.#messageStart = 0;
    onResponse({ method, target, status, bytes, durationMs });
  }
}
