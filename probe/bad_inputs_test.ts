import assert from "node:assert/strict";
import {
  BAD_INPUT_CLASSES,
  badInputs,
  OVERSIZED_HEAD_BYTES,
  unusualInputs,
} from "./bad_inputs.ts";
import { BAD_REQUESTS, VALID_EDGE_CASES } from "./kit.ts";

Deno.test("badInputs finds every picked corpus case and gives each class at least one input, in class order", () => {
  const inputs = badInputs();
  for (const badClass of BAD_INPUT_CLASSES) {
    assert.ok(inputs.some((input) => input.class === badClass), badClass);
  }
  const order = inputs.map((input) => BAD_INPUT_CLASSES.indexOf(input.class));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  for (const input of inputs) {
    const corpus = BAD_REQUESTS.find((c) => c.name === input.name);
    if (corpus) {
      assert.equal(input.request, corpus.request, input.name);
      assert.ok(
        corpus.status >= 400 && corpus.close,
        `${input.name} is refused and closed by the project too`,
      );
    }
    assert.ok(input.why.length > 10, `${input.name} says why`);
  }
});

Deno.test("badInputs allows a close only for bytes that are not HTTP", () => {
  for (const input of badInputs()) {
    assert.equal(input.closeAllowed, input.class === "garbage", input.name);
  }
});

Deno.test("badInputs' oversized heads pass 1 MiB and end their head; its random bytes have no line end but the last", () => {
  const inputs = badInputs();
  for (const input of inputs.filter((i) => i.class === "oversized")) {
    assert.ok(input.request.length > OVERSIZED_HEAD_BYTES, input.name);
    assert.ok(input.request.endsWith("\r\n\r\n"));
  }
  const random = inputs.find((i) => i.name === "random bytes")!;
  assert.equal(random.request.indexOf("\n"), random.request.length - 3);
  assert.equal(
    random.request,
    badInputs().find((i) => i.name === "random bytes")!.request,
    "seeded",
  );
});

Deno.test("unusualInputs takes its corpus cases whole and adds a 4 KiB field line", () => {
  const inputs = unusualInputs();
  for (const input of inputs) {
    const corpus = VALID_EDGE_CASES.find((c) => c.name === input.name);
    if (corpus) {
      assert.deepEqual([input.request, input.path], [
        corpus.request,
        corpus.paths[0],
      ]);
    }
  }
  const long = inputs.find((i) => i.name === "header line of 4 KiB")!;
  assert.ok(long.request.split("\r\n").some((line) => line.length > 4096));
});
