/**
 * A growable byte buffer that collects every response of one batch, so a
 * batch of pipelined responses goes out in one write. Buffers are pooled:
 * an idle connection holds none.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Size of a pooled buffer: room for a batch of about a hundred small responses. */
const POOLED_SIZE = 16 * 1024;
/** Outputs kept for reuse; enough for the writes in flight at once on a busy server. */
const POOL_LIMIT = 256;
const pool: Output[] = [];

/**
 * Response bytes being assembled. Only whole responses are committed.
 * Outputs are pooled whole: taking and releasing one allocates nothing.
 */
export class Output {
  #buf: Uint8Array;
  #length = 0;
  #committed = 0;
  /** The last view {@linkcode Output.committedBytes} made: a batch as long as the last is common (a repeated response) and needs no new view. */
  #view: Uint8Array;

  private constructor(buf: Uint8Array) {
    this.#buf = buf;
    this.#view = buf.subarray(0, 0);
  }

  /** Takes an output from the pool; give it back with {@linkcode Output.release}. */
  static take(): Output {
    return pool.pop() ?? new Output(new Uint8Array(POOLED_SIZE));
  }

  /**
   * Returns the output to the pool, once its bytes have been written. It
   * must not be used after. One grown past the pooled size is left to GC.
   */
  release(): void {
    this.#length = this.#committed = 0;
    if (this.#buf.length === POOLED_SIZE && pool.length < POOL_LIMIT) {
      pool.push(this);
    }
  }

  /** Bytes of whole responses so far. */
  get committedLength(): number {
    return this.#committed;
  }

  /** The committed bytes, as a view (no copy). */
  committedBytes(): Uint8Array {
    if (this.#view.length !== this.#committed) {
      this.#view = this.#buf.subarray(0, this.#committed);
    }
    return this.#view;
  }

  /** The bytes appended since the last commit, as a view (no copy). */
  uncommitted(): Uint8Array {
    return this.#buf.subarray(this.#committed, this.#length);
  }

  /** Appends text as UTF-8. */
  appendText(s: string): void {
    this.#reserve(s.length * 3);
    this.#length += encoder.encodeInto(s, this.#buf.subarray(this.#length))
      .written;
  }

  /** Appends bytes. */
  appendBytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#length);
    this.#length += b.length;
  }

  /** Marks everything appended so far as whole responses. */
  commit(): void {
    this.#committed = this.#length;
  }

  /** Drops what was appended since the last commit (a response that failed half-way). */
  rollback(): void {
    this.#length = this.#committed;
  }

  #reserve(n: number): void {
    if (this.#length + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#length));
    this.#buf = grown;
    this.#view = grown.subarray(0, 0);
  }
}
