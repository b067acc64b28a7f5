/**
 * A capped capture of a program's output: the first and the last KiB, and
 * how many bytes there were in all. A submission that floods its stdout
 * costs the probe two KiB of memory, however much it writes.
 *
 * @module
 */

/** How many bytes are kept from each end of a stream. */
export const KEEP_BYTES = 1024;

/** What a capped capture kept: JSON-ready. */
export interface CapturedOutput {
  /** Bytes written in all. */
  bytes: number;
  /** The first {@link KEEP_BYTES} (all of it when it is that short), as text. */
  first: string;
  /** The last {@link KEEP_BYTES}, when there was more than the first KiB; else empty. */
  last: string;
}

/** Keeps the first and the last `keep` bytes (default {@link KEEP_BYTES}) of what is written to it. */
export class OutputCapture {
  readonly #keep: number;
  readonly #head: Uint8Array;
  #headLength = 0;
  // The tail: a ring of the last `keep` bytes after the head filled.
  readonly #ring: Uint8Array;
  #ringEnd = 0;
  #ringLength = 0;
  #total = 0;

  /** A capture that keeps `keep` bytes at each end. */
  constructor(keep: number = KEEP_BYTES) {
    this.#keep = keep;
    this.#head = new Uint8Array(keep);
    this.#ring = new Uint8Array(keep);
  }

  /** Takes in one chunk. */
  write(chunk: Uint8Array): void {
    this.#total += chunk.length;
    let data = chunk;
    if (this.#headLength < this.#keep) {
      const take = Math.min(this.#keep - this.#headLength, data.length);
      this.#head.set(data.subarray(0, take), this.#headLength);
      this.#headLength += take;
      data = data.subarray(take);
    }
    if (data.length > this.#keep) {
      data = data.subarray(data.length - this.#keep);
    }
    for (const byte of data) {
      this.#ring[this.#ringEnd] = byte;
      this.#ringEnd = (this.#ringEnd + 1) % this.#keep;
    }
    this.#ringLength = Math.min(this.#keep, this.#ringLength + data.length);
  }

  /** Drains `stream` into the capture; resolves when it ends (never rejects). */
  drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    return stream.pipeTo(
      new WritableStream({ write: (chunk) => this.write(chunk) }),
    ).catch(() => {});
  }

  /** The bytes of the tail, oldest first. */
  #tail(): Uint8Array {
    const start = (this.#ringEnd - this.#ringLength + this.#keep) % this.#keep;
    const out = new Uint8Array(this.#ringLength);
    for (let i = 0; i < this.#ringLength; i++) {
      out[i] = this.#ring[(start + i) % this.#keep];
    }
    return out;
  }

  /** What was kept, as text (bytes that are not UTF-8 become U+FFFD). */
  captured(): CapturedOutput {
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return {
      bytes: this.#total,
      first: decode(this.#head.subarray(0, this.#headLength)),
      last: decode(this.#tail()),
    };
  }

  /** The end of the output: all of it when nothing was dropped, else the last bytes kept. */
  end(): string {
    const { bytes, first, last } = this.captured();
    return bytes <= 2 * this.#keep ? first + last : last;
  }

  /** The last `count` non-blank lines kept, for one-line error messages. */
  lastLines(count: number): string[] {
    const text = this.end();
    return text.split("\n").map((line) => line.trimEnd()).filter((line) =>
      line.trim() !== ""
    ).slice(-count);
  }
}
