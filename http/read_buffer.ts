/**
 * A connection's input: bytes read but not yet consumed, in one buffer that
 * grows while reads fill it and shrinks back when the connection goes idle,
 * so a waiting connection holds little.
 *
 * Buffers of the smallest size are kept for reuse once their connection is
 * done with them, like the output's buffers: allocating one costs a
 * `new Uint8Array(1024)`, which a CPU profile of a new connection per
 * request (wrk, 8 clients, `Connection: close`) put at about 4% of the
 * server's time.
 *
 * @module
 */

/** First read size: a browser's request head (400 to 900 bytes) fits, and an idle connection holds little. */
const READ_SIZE_MIN = 1024;
/** Largest read size, reached by clients that fill every read (uploads, deep pipelines). */
const READ_SIZE_MAX = 64 * 1024;
/** Smallest buffers kept for reuse: enough for the connections that open and close at once on a busy server. */
const SPARE_LIMIT = 256;
const spares: Uint8Array[] = [];
/** What a released buffer holds: nothing, so no read can go into it. */
const NOTHING = new Uint8Array(0);

/** A buffer of the smallest size, reused if one is spare. */
function smallest(): Uint8Array {
  return spares.pop() ?? new Uint8Array(READ_SIZE_MIN);
}

/** Keeps `bytes` for reuse if it has the smallest size and there is room. */
function spare(bytes: Uint8Array): void {
  if (bytes.length === READ_SIZE_MIN && spares.length < SPARE_LIMIT) {
    spares.push(bytes);
  }
}

/** Unconsumed input is `bytes[start, end)`; the consumer advances `start`. */
export class ReadBuffer {
  /** The buffer; replaced when it grows or shrinks. */
  bytes: Uint8Array = smallest();
  /** First unconsumed byte. */
  start = 0;
  /** End of the bytes read. */
  end = 0;
  #growNext = false;
  #lastRead = 0;

  /** Whether every byte read has been consumed. */
  get empty(): boolean {
    return this.start === this.end;
  }

  /** The free space to read into, compacting or resizing the buffer first. */
  space(): Uint8Array {
    if (this.start === this.end) this.start = this.end = 0;
    const size = this.bytes.length;
    // Grow while reads fill the buffer (uploads, deep pipelines); shrink
    // once a read is small and nothing is buffered, so an idle connection
    // holds only READ_SIZE_MIN.
    if (this.#growNext) {
      this.#resize(Math.min(size * 4, READ_SIZE_MAX));
    } else if (
      this.end === 0 && size > READ_SIZE_MIN &&
      this.#lastRead <= READ_SIZE_MIN / 2
    ) {
      this.#resize(READ_SIZE_MIN);
    } else if (this.end === size) {
      if (this.start > 0) {
        this.bytes.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      } else {
        // A partial line fills the buffer; the parser's limits bound it.
        this.#resize(size * 2);
      }
    }
    // The whole buffer needs no view of its own: one object less per idle connection.
    return this.end === 0 ? this.bytes : this.bytes.subarray(this.end);
  }

  /** Records that `n` bytes were read into {@linkcode ReadBuffer.space}. */
  received(n: number): void {
    this.#lastRead = n;
    this.#growNext = this.end + n === this.bytes.length &&
      this.bytes.length < READ_SIZE_MAX;
    this.end += n;
  }

  /**
   * Gives the buffer up for reuse, with whatever it holds: call it only
   * once no read into it can be pending and its bytes are no longer needed
   * (the connection is done). The buffer is empty and has no space after.
   */
  release(): void {
    spare(this.bytes);
    this.bytes = NOTHING;
    this.start = this.end = 0;
  }

  #resize(size: number): void {
    const bytes = size === READ_SIZE_MIN ? smallest() : new Uint8Array(size);
    bytes.set(this.bytes.subarray(this.start, this.end));
    this.end -= this.start;
    this.start = 0;
    spare(this.bytes);
    this.bytes = bytes;
  }
}
