/**
 * Fairness between connections in the non-blocking server: at most a
 * budget of reads is started between two polls of the OS, and the rest wait
 * for the next poll, so connections whose data the poller holds take their
 * turn (see `poll_turn.ts` for why they would not otherwise).
 *
 * @module
 */

/** What the budget waits on: in the server, a `PollTurn` (`poll_turn.ts`). */
export interface PollWaiter {
  /** Resolves after the runtime's next poll of the OS; rejects once it no longer can. */
  next(): Promise<void>;
}

/**
 * Reads started between two polls before the rest wait for the next one.
 * With wrk at 500 keep-alive connections, 64 brought p99 to about 7 ms at
 * no cost in requests/s; 32 and 128 both answered fewer requests/s, and 256
 * (tried on a bare loop over `Deno.Conn`) left p99 at 100 ms.
 */
export const READS_PER_POLL = 64;

/** Admits items (connections about to read) up to a budget per poll of the OS. */
export class TurnBudget<T> {
  readonly #budget: number;
  readonly #resume: (item: T) => void;
  #turn: PollWaiter | null = null;
  #used = 0;
  /** Items waiting for the next poll; `null` while none wait. */
  #waiting: T[] | null = null;

  /**
   * @param resume called with each item that had to wait, once its turn has come
   * @param budget items admitted between two polls
   */
  constructor(resume: (item: T) => void, budget: number = READS_PER_POLL) {
    this.#budget = budget;
    this.#resume = resume;
  }

  /** Starts counting against polls of `turn`; until then, and after it breaks, every item is admitted. */
  use(turn: PollWaiter | null): void {
    this.#turn = turn;
  }

  /**
   * Whether `item` may go now. If not, it is kept and passed to `resume`
   * after the runtime's next poll of the OS.
   */
  admit(item: T): boolean {
    if (this.#waiting !== null) {
      this.#waiting.push(item);
      return false;
    }
    if (++this.#used <= this.#budget || this.#turn === null) return true;
    this.#waiting = [item];
    this.#awaitPoll(this.#turn);
    return false;
  }

  async #awaitPoll(turn: PollWaiter): Promise<void> {
    try {
      await turn.next();
    } catch {
      this.#turn = null; // closed or broken: admit everything from now on
    }
    this.#used = 0;
    const waiting = this.#waiting!;
    this.#waiting = null;
    // In arrival order; past the budget, the rest wait for another poll.
    for (const item of waiting) this.#resume(item);
  }
}
