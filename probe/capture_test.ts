import assert from "node:assert/strict";
import { KEEP_BYTES, OutputCapture } from "./capture.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("OutputCapture keeps short output whole, with no tail", () => {
  const capture = new OutputCapture();
  capture.write(bytes("one\n"));
  capture.write(bytes("two\n"));
  assert.deepEqual(capture.captured(), {
    bytes: 8,
    first: "one\ntwo\n",
    last: "",
  });
  assert.deepEqual(capture.lastLines(8), ["one", "two"]);
});

Deno.test("OutputCapture keeps the first and the last KiB of a flood, whatever the chunking", () => {
  const text = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join("");
  for (const chunk of [1, 7, 1000, text.length]) {
    const capture = new OutputCapture();
    for (let i = 0; i < text.length; i += chunk) {
      capture.write(bytes(text.slice(i, i + chunk)));
    }
    const kept = capture.captured();
    assert.equal(kept.bytes, text.length);
    assert.equal(kept.first, text.slice(0, KEEP_BYTES));
    assert.equal(kept.last, text.slice(-KEEP_BYTES));
    assert.deepEqual(capture.lastLines(2), ["line 4998", "line 4999"]);
  }
});
