import assert from "node:assert/strict";
import { type PollWaiter, TurnBudget } from "./turn_budget.ts";
import { delay } from "./timers.ts";

/** A poll the test completes by hand, counting how often it was waited on. */
class ManualPoll implements PollWaiter {
  waits = 0;
  #finish: ((broken: boolean) => void) | null = null;

  next(): Promise<void> {
    this.waits++;
    return new Promise((resolve, reject) => {
      this.#finish = (broken) =>
        broken ? reject(new Error("broken")) : resolve();
    });
  }

  /** Completes the awaited poll, then lets the budget's continuation run. */
  async complete(broken = false): Promise<void> {
    const finish = this.#finish;
    assert.ok(finish, "nothing is waiting for a poll");
    this.#finish = null;
    finish(broken);
    await delay(0);
  }
}

function budgetOf(size: number) {
  const resumed: number[] = [];
  const poll = new ManualPoll();
  const budget = new TurnBudget<number>((item) => {
    // Like the pool: a resumed item asks the budget again before it reads.
    if (budget.admit(item)) resumed.push(item);
  }, size);
  budget.use(poll);
  return { budget, poll, resumed };
}

Deno.test("TurnBudget admits up to its budget, then keeps the rest for the next poll", () => {
  const { budget, poll } = budgetOf(3);
  assert.deepEqual([1, 2, 3, 4, 5].map((i) => budget.admit(i)), [
    true,
    true,
    true,
    false,
    false,
  ]);
  assert.equal(poll.waits, 1, "one poll is awaited for all who wait");
});

Deno.test("TurnBudget resumes waiting items in arrival order after the poll, within a fresh budget", async () => {
  const { budget, poll, resumed } = budgetOf(2);
  for (let i = 1; i <= 7; i++) budget.admit(i);
  // 1 and 2 went at once; 3..7 wait.
  await poll.complete();
  assert.deepEqual(resumed, [3, 4], "a fresh budget of two after the poll");
  assert.equal(poll.waits, 2, "the rest wait for another poll");
  await poll.complete();
  assert.deepEqual(resumed, [3, 4, 5, 6]);
  await poll.complete();
  assert.deepEqual(resumed, [3, 4, 5, 6, 7]);
  assert.equal(budget.admit(8), true, "budget left after the last one");
});

Deno.test("TurnBudget admits everything without a poll, and after its poll breaks", async () => {
  const unpolled = new TurnBudget<number>(() => {}, 1);
  assert.ok([1, 2, 3].every((i) => unpolled.admit(i)));

  const { budget, poll, resumed } = budgetOf(1);
  budget.admit(1);
  budget.admit(2);
  budget.admit(3);
  await poll.complete(true);
  assert.deepEqual(resumed, [2, 3], "the waiting are let go at once");
  assert.ok(budget.admit(4) && budget.admit(5), "and nobody waits again");
  assert.equal(poll.waits, 1);
});
