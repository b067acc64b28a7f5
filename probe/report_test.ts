import assert from "node:assert/strict";
import {
  countLine,
  jsonReport,
  resultLines,
  RUBRIC,
  summaryLines,
} from "./report.ts";
import type { CheckResult } from "./runner.ts";

function result(
  id: string,
  verdict: CheckResult["verdict"],
  extra: Partial<CheckResult> = {},
): CheckResult {
  const [group, name] = id.split(".") as [CheckResult["group"], string];
  return {
    id,
    group,
    name,
    title: `the ${name} check`,
    verdict,
    sent: verdict === "fail" ? '"GET /search?q=1 HTTP/1.1", 40 bytes' : "",
    expected: '200 "hello, /search"',
    got: verdict === "skip"
      ? "give --kind nb to run it"
      : '200 "hello, /search?q=1"',
    ms: 12.4,
    ...extra,
  };
}

const PLAIN = { color: false };
const COLOR = { color: true };

Deno.test("resultLines prints a pass on one line, a failure with what was sent and got, a skip with why", () => {
  assert.deepEqual(resultLines(result("hello.get-root", "pass"), PLAIN), [
    `    PASS  ${"get-root".padEnd(30)} the get-root check`,
  ]);
  const failed = resultLines(result("hello.query-ignored", "fail"), PLAIN);
  assert.equal(failed.length, 2);
  assert.match(
    failed[0],
    /^ {4}FAIL {2}query-ignored +the query-ignored check$/,
  );
  assert.equal(
    failed[1],
    '          sent "GET /search?q=1 HTTP/1.1", 40 bytes; got 200 "hello, /search?q=1"',
  );
  assert.match(
    resultLines(result("concurrency.flooding-neighbour", "skip"), PLAIN)[0],
    /SKIP .*: give --kind nb/,
  );
  assert.match(
    resultLines(
      result("concurrency.idle-neighbour", "pass", {
        note: "answered after 2.0 s",
      }),
      PLAIN,
    )[0],
    /PASS {2}idle-neighbour +the idle-neighbour check: answered after 2\.0 s$/,
  );
});

Deno.test("resultLines colours only when asked", () => {
  const ESC = "\x1b[";
  assert.ok(
    !resultLines(result("hello.get-root", "pass"), PLAIN).join("").includes(
      ESC,
    ),
  );
  assert.ok(
    resultLines(result("hello.get-root", "pass"), COLOR)[0].includes(
      `${ESC}32mPASS${ESC}0m`,
    ),
  );
  assert.ok(
    resultLines(result("hello.post", "fail"), COLOR)[0].includes(
      `${ESC}31mFAIL${ESC}0m`,
    ),
  );
});

Deno.test("summaryLines counts each rubric line's checks and ends with the total", () => {
  const results = [
    result("hello.get-root", "pass"),
    result("hello.query-ignored", "fail"),
    result("bodies.chunked", "pass"),
    result("framing.pipelined", "pass"),
    result("concurrency.idle-neighbour", "pass"),
    result("concurrency.flooding-neighbour", "skip"),
  ];
  const lines = summaryLines(results, PLAIN);
  assert.equal(lines[0], "Summary, by the brief's rubric");
  assert.equal(lines.length, RUBRIC.length + 2);
  assert.match(
    lines[1],
    /^ {2}PASS {2}GET and POST answered with hello, \$URL +1\/1$/,
  );
  assert.match(
    lines[2],
    /^ {2}FAIL {2}Query strings and POST data read and ignored +1\/2$/,
  );
  assert.match(
    lines[4],
    /^ {2}---- {2}A proper HTTP response, whatever comes in +not run$/,
  );
  assert.match(
    lines[5],
    /^ {2}PASS {2}Blocking and non-blocking, each as it should +1\/1, 1 skipped$/,
  );
  assert.match(lines[6], /not run \(--submission DIR checks it\)$/);
  assert.equal(lines.at(-1), "4/5 checks passed, 1 skipped");
  assert.equal(
    countLine([result("hello.head", "pass")], PLAIN),
    "1/1 checks passed",
  );
});

Deno.test("jsonReport writes every check with its verdict and the summary by rubric", () => {
  const report = JSON.parse(jsonReport({
    mode: "url",
    target: "http://127.0.0.1:8080",
    servers: [{ label: "http://127.0.0.1:8080", kind: "nb" }],
    results: [
      result("hello.get-root", "pass"),
      result("hello.query-ignored", "fail"),
    ],
  }));
  assert.equal(report.checks.length, 2);
  assert.deepEqual(
    Object.keys(report.checks[1]).sort(),
    [
      "expected",
      "got",
      "group",
      "id",
      "ms",
      "name",
      "sent",
      "title",
      "verdict",
    ],
  );
  assert.equal(report.checks[1].ms, 12);
  assert.deepEqual(
    {
      passed: report.summary.passed,
      failed: report.summary.failed,
      total: report.summary.total,
    },
    { passed: 1, failed: 1, total: 2 },
  );
  assert.equal(report.summary.rubric.length, RUBRIC.length);
});
