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

Deno.test("DEFAULT_RUBRIC gives the brief's 5.0 points over every group", () => {
  assert.equal(maxScore(DEFAULT_RUBRIC), 5);
  assert.deepEqual(Object.keys(DEFAULT_RUBRIC.points), [...GROUPS]);
});

Deno.test("score shares an entry's points evenly over its results, a check named alone taken out of its group", () => {
  const rubric = parseRubric(
    JSON.stringify({ points: { hello: 1, "hello.head": 1 } }),
    "test",
  );
  const scored = score(rubric, [
    result("hello.get-root", "pass", "webserve.py"),
    result("hello.get-root", "fail", "webserve_nb.py"),
    result("hello.head", "pass", "webserve.py"),
    result("hello.head", "pass", "webserve_nb.py"),
    result("hello.post", "skip", "webserve.py"),
    result("framing.firefox", "fail", "webserve.py"), // in no entry: no points
  ]);
  assert.equal(scored.score, 1.5);
  assert.equal(scored.max, 2);
  assert.deepEqual(
    scored.entries.map((e) => [e.name, e.score, e.passed, e.total, e.failed]),
    [
      ["hello", 0.5, 1, 2, ["webserve_nb.py:hello.get-root"]],
      ["hello.head", 1, 2, 2, []],
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
