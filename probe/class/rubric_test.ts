import assert from "node:assert/strict";
import { GROUPS } from "../check.ts";
import type { CheckResult } from "../runner.ts";
import {
  DEFAULT_RUBRIC,
  knownCheckIds,
  maxScore,
  parseRubric,
  score,
} from "./rubric.ts";

function result(
  id: string,
  verdict: CheckResult["verdict"],
  server?: string,
): CheckResult {
  const [group, name] = id.split(".");
  return {
    id,
    group: group as CheckResult["group"],
    name,
    title: "",
    ...(server ? { server } : {}),
    verdict,
    sent: "",
    expected: "",
    got: "",
    ms: 0,
  };
}

Deno.test("DEFAULT_RUBRIC gives the brief's 5.0 points over every group, a quarter to the rules beyond it", () => {
  assert.equal(maxScore(DEFAULT_RUBRIC), 5);
  assert.deepEqual(Object.keys(DEFAULT_RUBRIC.points), [...GROUPS]);
  assert.equal(DEFAULT_RUBRIC.points.methods, 0.25);
});

Deno.test("score shares an entry's points evenly over its results, a check named alone taken out of its group; a check not run scores nothing and is no failure", () => {
  const rubric = parseRubric(
    JSON.stringify({ points: { hello: 1, "framing.firefox": 1 } }),
    "test",
  );
  const scored = score(rubric, [
    result("hello.get-root", "pass", "webserve.py"),
    result("hello.get-root", "fail", "webserve_nb.py"),
    result("hello.post", "not run", "webserve_nb.py"),
    result("hello.post", "skip", "webserve.py"),
    result("framing.firefox", "pass", "webserve.py"),
    result("framing.firefox", "pass", "webserve_nb.py"),
    result("framing.pipelined", "fail", "webserve.py"), // in no entry: no points
  ]);
  assert.equal(scored.score, 1.33);
  assert.equal(scored.max, 2);
  assert.deepEqual(
    scored.entries.map((e) => [e.name, e.score, e.passed, e.total, e.failed]),
    [
      ["hello", 0.33, 1, 3, ["webserve_nb.py:hello.get-root"]],
      ["framing.firefox", 1, 2, 2, []],
    ],
  );
});

Deno.test("parseRubric refuses an unknown name, a bad number or a bad shape, in one line", () => {
  const cases: [string, RegExp][] = [
    [
      '{"points": {"greeting": 1}}',
      /^r\.json: unknown check or group "greeting" \(groups: hello,/,
    ],
    ['{"points": {"hello.nope": 1}}', /unknown check or group "hello\.nope"/],
    [
      '{"points": {"hello": -1}}',
      /the points of "hello" must be a number of at least 0/,
    ],
    ['{"points": {"hello": "1"}}', /must be a number/],
    ['{"hello": 1}', /a rubric is \{"points": /],
    ['{"points": {}}', /no points given/],
    ["{points", /^r\.json: not JSON/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(() => parseRubric(text, "r.json"), (error: Error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  }
});

Deno.test("knownCheckIds names every check of both servers and the structure once", () => {
  const ids = knownCheckIds();
  assert.equal(new Set(ids).size, ids.length);
  for (
    const id of [
      "hello.get-root",
      "concurrency.flooding-neighbour",
      "structure.one-shared-handle-connection",
    ]
  ) {
    assert.ok(ids.includes(id), id);
  }
});
