/**
 * The speed layer changes nothing a client can see: the bad-request corpus,
 * the unusual valid requests and seeded fuzz pipelines go through the engine
 * with its memos (`memoFor(helloApp)`) and without (the plain engine), whole, byte by byte and at
 * seeded random splits, and every call must write the same bytes (the `Date`
 * value aside) and return the same close flag.
 */

import assert from "node:assert/strict";
import {
  createConnectionHandler,
  type HeadSlot,
  helloApp,
  memoFor,
  type SpeedLayer,
} from "../mod.ts";
import { BAD_REQUESTS, VALID_EDGE_CASES } from "../wire/corpus.ts";
import { caseFromSeed, caseSeedOf } from "../robustness/fuzz_loop.ts";
import { concat, fromLatin1, latin1 } from "../wire/bytes.ts";
import { blankDates } from "../wire/response_parser.ts";
import { runSession } from "../testing/session.ts";
import { splits } from "../testing/splits.ts";

/** The servers' speed layer, counting the heads it recalls, so the test can tell it was used. */
const counted = { heads: 0 };
const COUNTING_MEMO: SpeedLayer = (app) => {
  const memo = memoFor(app);
  return {
    ...memo,
    headReader: {
      read(input, slot, limits) {
        // A parse puts a parser in the slot (or takes one out); a recall never does.
        let parsed = false;
        const watched: HeadSlot = {
          get parser() {
            return slot.parser;
          },
          set parser(parser) {
            parsed = true;
            slot.parser = parser;
          },
        };
        const head = memo.headReader.read(input, watched, limits);
        if (head !== null && !parsed) counted.heads++;
        return head;
      },
    },
  };
};

const withMemo = createConnectionHandler(helloApp, { memo: COUNTING_MEMO });
const withoutMemo = createConnectionHandler(helloApp);

/** What a client sees of one connection: the bytes each call wrote, and its close flag. */
async function seen(
  handler: typeof withMemo,
  chunks: Uint8Array[],
): Promise<string[]> {
  const session = await runSession(handler, chunks);
  assert.equal(session.thrown, undefined);
  assert.equal(session.stuck, undefined);
  const text = latin1(session.output);
  let start = 0;
  return session.calls.map((call) => {
    const written = blankDates(text.slice(start, call.outputEnd));
    start = call.outputEnd;
    return `${JSON.stringify(written)} close=${call.close}`;
  });
}

/** Sends `input` through both engines at every split; they must agree call by call. */
async function assertSameAnswers(name: string, input: Uint8Array) {
  for (const [split, chunks] of splits(input)) {
    // Twice with the memo, so the second connection can recall the first's head.
    const memoFirst = await seen(withMemo, chunks);
    const memoAgain = await seen(withMemo, chunks);
    const plain = await seen(withoutMemo, chunks);
    assert.deepEqual(memoFirst, plain, `${name}, ${split}`);
    assert.deepEqual(memoAgain, plain, `${name}, ${split}, again`);
  }
}

Deno.test("the speed layer answers the bad-request corpus exactly as the plain engine, at every split", async () => {
  for (const c of BAD_REQUESTS) {
    await assertSameAnswers(c.name, fromLatin1(c.request));
  }
});

Deno.test("the speed layer answers unusual valid requests, and repeats of them, exactly as the plain engine", async () => {
  const before = counted.heads;
  for (const c of VALID_EDGE_CASES) {
    const once = fromLatin1(c.request);
    await assertSameAnswers(c.name, once);
    // Pipelined three times: the repeats are what the memos answer.
    if (!c.close) {
      await assertSameAnswers(`${c.name} x3`, concat([once, once, once]));
    }
  }
  assert.ok(
    counted.heads - before > 100,
    `the last-head memo answered ${counted.heads - before} heads`,
  );
});

Deno.test("the speed layer answers seeded fuzz pipelines exactly as the plain engine", async () => {
  const seed = Number(Deno.env.get("FUZZ_SEED") ?? 20261201);
  const before = counted.heads;
  for (let i = 0; i < 300; i++) {
    const fuzzCase = caseFromSeed(caseSeedOf(seed, i));
    const name = `case seed ${fuzzCase.caseSeed} (${fuzzCase.kind})`;
    await assertSameAnswers(name, fuzzCase.bytes);
    if (fuzzCase.kind === "valid") {
      const b = fuzzCase.bytes;
      await assertSameAnswers(`${name} x3`, concat([b, b, b]));
    }
  }
  assert.ok(counted.heads > before, "no head was recalled");
});
