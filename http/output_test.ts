import assert from "node:assert/strict";
import { Output } from "./output.ts";

const decoder = new TextDecoder();
const text = (out: Output) => decoder.decode(out.committedBytes());

Deno.test("Output committedBytes shows exactly the committed bytes through commits, rollbacks, growth and reuse", () => {
  const out = Output.take();
  try {
    out.appendText("first;");
    assert.equal(text(out), "", "nothing committed yet");
    out.commit();
    assert.equal(text(out), "first;");
    out.appendText("half a response");
    assert.equal(text(out), "first;", "uncommitted bytes stay out");
    out.rollback();
    out.appendText("again;");
    out.commit();
    assert.equal(text(out), "first;again;");
    // Past the pooled size: the buffer grows, and the view follows it.
    const big = "x".repeat(40_000);
    out.appendText(big);
    out.commit();
    assert.equal(text(out), "first;again;" + big);
  } finally {
    out.release();
  }
  const reused = Output.take();
  try {
    assert.equal(text(reused), "", "a pooled output starts empty");
    reused.appendBytes(new TextEncoder().encode("same length"));
    reused.commit();
    const view = reused.committedBytes();
    assert.equal(decoder.decode(view), "same length");
    assert.equal(
      reused.committedBytes(),
      view,
      "the same length: the same view",
    );
  } finally {
    reused.release();
  }
});
