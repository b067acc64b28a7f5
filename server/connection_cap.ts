/**
 * The non-blocking server's cap on open connections (`--max-connections`),
 * counted in one server or in total over all its workers.
 *
 * The cap exists to keep the process below its limit of open files, and the
 * workers are threads of one process sharing that limit, so with workers the
 * cap is a total: every worker counts in one shared array of 32-bit counters,
 *
 * ```text
 * [ total open | open in worker 1 | open in worker 2 | ... ]
 * ```
 *
 * taking a place with an atomic add that says at once whether it went over
 * (so two workers accepting together cannot both take the last place). A
 * worker's own counter lets the supervisor give back the places of a worker
 * that died with connections open ({@linkcode releaseWorker}).
 *
 * @module
 */

/** Index of the total in a shared counter array. */
const TOTAL = 0;

/** A shared counter array for `workers` workers, all zero. */
export function sharedConnectionCounts(workers: number): Int32Array {
  return new Int32Array(
    new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (workers + 1)),
  );
}

/**
 * Gives back every place worker `worker` (1-based) held, for a worker that
 * died without closing its connections one by one.
 */
export function releaseWorker(counts: Int32Array, worker: number): void {
  Atomics.sub(counts, TOTAL, Atomics.exchange(counts, worker, 0));
}

/** How many connections may be open; one more is refused. */
export class ConnectionCap {
  readonly #max: number;
  readonly #shared: Int32Array | undefined;
  readonly #worker: number;
  #open = 0;

  /**
   * A cap of `max` connections in this server alone, or, given `shared`
   * (from {@linkcode sharedConnectionCounts}), in total over every worker,
   * counted for worker `worker` (1-based).
   */
  constructor(max: number, shared?: Int32Array, worker = 0) {
    this.#max = max;
    this.#shared = shared;
    this.#worker = worker;
  }

  /** Takes a place for a new connection; false when the cap is reached (refuse it). */
  tryTake(): boolean {
    const shared = this.#shared;
    if (shared === undefined) {
      if (this.#open >= this.#max) return false;
      this.#open++;
      return true;
    }
    if (Atomics.add(shared, TOTAL, 1) >= this.#max) {
      Atomics.sub(shared, TOTAL, 1);
      return false;
    }
    Atomics.add(shared, this.#worker, 1);
    return true;
  }

  /** Gives back the place of a connection that closed. */
  release(): void {
    const shared = this.#shared;
    if (shared === undefined) {
      this.#open--;
    } else {
      Atomics.sub(shared, this.#worker, 1);
      Atomics.sub(shared, TOTAL, 1);
    }
  }
}
