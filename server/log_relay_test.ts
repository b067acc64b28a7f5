import assert from "node:assert/strict";
import { LogRelay, LogSink } from "./log_relay.ts";
import type { LogWriter } from "./options.ts";
import { delay } from "./timers.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A slow writer taking at most `most` bytes per write, keeping what it got. */
class SlowWriter implements LogWriter {
  text = "";
  constructor(readonly most: number) {}
  async write(p: Uint8Array): Promise<number> {
    await delay(1);
    const n = Math.min(p.length, this.most);
    this.text += decoder.decode(p.subarray(0, n));
    return n;
  }
}

Deno.test("LogSink writes each batch whole before the next, even through short slow writes", async () => {
  const writer = new SlowWriter(5);
  const sink = new LogSink(writer);
  const batches = ["a1\na2\na3\n", "b1\nb2\n", "c1\n", "a4\na5\n"];
  // Queued together, as two workers' batches arrive while one is written.
  await Promise.all(batches.map((batch) => sink.write(encoder.encode(batch))));
  assert.equal(writer.text, batches.join(""));
});

Deno.test("LogSink keeps acknowledging batches once its writer fails, and says so once", async () => {
  const said: string[] = [];
  const sink = new LogSink(
    { write: () => Promise.reject(new Error("closed")) },
    "trace",
    (line) => said.push(line),
  );
  await sink.write(encoder.encode("lost\n"));
  await sink.write(encoder.encode("lost too\n"));
  await sink.flush();
  assert.deepEqual(said, [
    "trace: writing failed (closed); no more trace lines are written",
  ]);
});

Deno.test("LogRelay sends a copy of each batch and resolves its write only once it is written", async () => {
  const sent: Uint8Array[] = [];
  const relay = new LogRelay((bytes) => sent.push(bytes));
  const batch = encoder.encode("line one\n");
  let done = false;
  const write = relay.write(batch).then((n) => {
    done = true;
    return n;
  });
  batch.fill(0); // The caller may reuse its buffer at once.
  await delay(5);
  assert.equal(done, false, "not written until the supervisor says so");
  assert.equal(decoder.decode(sent[0]), "line one\n");
  relay.written();
  assert.equal(await write, 9);
});
