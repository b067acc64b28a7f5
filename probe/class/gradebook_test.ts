import assert from "node:assert/strict";
import { csvField, studentFiles } from "./gradebook.ts";
import { escapeHtml, histogram } from "./report_html.ts";

Deno.test("csvField quotes a field with a comma, quote, CR or LF, doubling its quotes (RFC 4180)", () => {
  assert.equal(csvField("alice"), "alice");
  assert.equal(csvField(4.5), "4.5");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("cr\r"), '"cr\r"');
});

Deno.test("studentFiles gives every student a distinct, safe file name", () => {
  const files = studentFiles(["alice", "a/b", "a:b", "..", "Alice"]);
  assert.deepEqual([...files.values()], [
    "alice.json",
    "a_b.json",
    "a_b-2.json",
    "_.json",
    "Alice-2.json",
  ]);
});

Deno.test("escapeHtml leaves no markup", () => {
  assert.equal(
    escapeHtml(`<b id="x">&'`),
    "&#60;b id=&#34;x&#34;&#62;&#38;&#39;",
  );
});

Deno.test("histogram puts each score in its half-point bin, the maximum in the last", () => {
  const bins = histogram([0, 0.4, 0.5, 4.99, 5, 5], 5);
  assert.equal(bins.length, 10);
  assert.deepEqual(bins.map((b) => b.count), [2, 1, 0, 0, 0, 0, 0, 0, 0, 3]);
});
