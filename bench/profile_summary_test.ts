import assert from "node:assert/strict";
import { type CpuProfile, functionTimes } from "./profile_summary.ts";

function frame(functionName: string, line: number) {
  return {
    functionName,
    url: new URL("../http/x.ts", import.meta.url).href,
    lineNumber: line - 1,
    columnNumber: 0,
  };
}

/** root -> run -> parse, and root -> run (self); parse sampled twice, run once. */
const PROFILE: CpuProfile = {
  nodes: [
    {
      id: 1,
      callFrame: {
        functionName: "(root)",
        url: "",
        lineNumber: -1,
        columnNumber: -1,
      },
      children: [2],
    },
    { id: 2, callFrame: frame("run", 10), children: [3] },
    { id: 3, callFrame: frame("parse", 20) },
  ],
  samples: [3, 3, 2],
  timeDeltas: [100, 100, 50],
};

Deno.test("functionTimes splits sampled time into self and inclusive per function", () => {
  const times = functionTimes(PROFILE);
  const byName = new Map(times.map((t) => [t.key, t]));
  assert.deepEqual(byName.get("parse (http/x.ts:20)"), {
    key: "parse (http/x.ts:20)",
    selfUs: 200,
    totalUs: 200,
  });
  assert.deepEqual(byName.get("run (http/x.ts:10)"), {
    key: "run (http/x.ts:10)",
    selfUs: 50,
    totalUs: 250,
  });
  assert.equal(times[0].key, "parse (http/x.ts:20)");
});

Deno.test("functionTimes counts a recursive function once per sample in inclusive time", () => {
  const recursive: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("walk", 5), children: [2] },
      { id: 2, callFrame: frame("walk", 5) },
    ],
    samples: [2],
    timeDeltas: [10],
  };
  assert.deepEqual(functionTimes(recursive), [{
    key: "walk (http/x.ts:5)",
    selfUs: 10,
    totalUs: 10,
  }]);
});
