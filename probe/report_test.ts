import assert from "node:assert/strict";
import {
  countLine,
  fixFirst,
  fixFirstLines,
  jsonReport,
  resultLines,
  resultText,
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
      : verdict === "not run"
      ? "not run, because hello.get-root failed"
      : '200 "hello, /search?q=1"',
    ...(verdict === "fail"
      ? {
        difference:
          'at byte 14 of the body, after "llo, /search": expected the end, got "?q=1"',
        command: 'curl -i "http://127.0.0.1:$PORT/search?q=1"',
        hint: "cut the query string off",
      }
      : {}),
    ...(verdict === "not run" ? { because: "hello.get-root" } : {}),
    ms: 12.4,
    ...extra,
  };
}

const PLAIN = { color: false };
const COLOR = { color: true };

Deno.test("resultLines prints a pass on one line; a failure with what was sent, expected and got, where it differs and what to try; a skip and a check not run with why", () => {
  assert.deepEqual(resultLines(result("hello.get-root", "pass"), PLAIN), [
    `    PASS  ${"get-root".padEnd(30)} the get-root check`,
  ]);
  assert.deepEqual(resultLines(result("hello.query-ignored", "fail"), PLAIN), [
    `    FAIL  ${"query-ignored".padEnd(30)} the query-ignored check`,
    '          sent:     "GET /search?q=1 HTTP/1.1", 40 bytes',
    '          expected: 200 "hello, /search"',
    '          got:      200 "hello, /search?q=1"',
    '          differs:  at byte 14 of the body, after "llo, /search": expected the end, got "?q=1"',
    '          try:      curl -i "http://127.0.0.1:$PORT/search?q=1"',
  ]);
  assert.deepEqual(resultLines(result("hello.post", "not run"), PLAIN), [
    `    ----  ${"post".padEnd(30)} not run, because hello.get-root failed`,
  ]);
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

Deno.test("resultText is what Gradescope shows per test: the title, then each detail on its line, the hint too", () => {
  assert.equal(
    resultText(result("hello.query-ignored", "fail")),
    [
      "the query-ignored check",
      'sent: "GET /search?q=1 HTTP/1.1", 40 bytes',
      'expected: 200 "hello, /search"',
      'got: 200 "hello, /search?q=1"',
      'differs: at byte 14 of the body, after "llo, /search": expected the end, got "?q=1"',
      'try: curl -i "http://127.0.0.1:$PORT/search?q=1"',
      "hint: cut the query string off",
    ].join("\n"),
  );
  assert.equal(
    resultText(result("hello.post", "not run")),
    'the post check\nexpected: 200 "hello, /search"\ngot: not run, because hello.get-root failed',
  );
});

Deno.test("fixFirst names the first failure, what it explains and where else it fails; or a server that did not start", () => {
  const results = [
    result("hello.get-root", "pass", { server: "webserve.py" }),
    result("framing.keep-alive", "fail", { server: "webserve.py" }),
    result("bodies.chunked", "not run", {
      server: "webserve.py",
      because: "framing.keep-alive",
    }),
    result("hello.query-ignored", "fail", { server: "webserve.py" }),
    result("framing.keep-alive", "fail", { server: "webserve_nb.py" }),
    result("bodies.chunked", "not run", {
      server: "webserve_nb.py",
      because: "framing.keep-alive",
    }),
  ];
  const fix = fixFirst(results);
  assert.ok(fix && "result" in fix);
  assert.equal(fix.result, results[1]);
  assert.equal(fix.explained, 2);
  assert.deepEqual(fix.alsoOn, ["webserve_nb.py"]);
  const lines = fixFirstLines(fix, PLAIN);
  assert.equal(lines[0], "Fix this first: framing.keep-alive on webserve.py");
  assert.equal(lines[1], "  the keep-alive check");
  assert.ok(lines.includes("  hint:     cut the query string off"));
  assert.equal(
    lines.at(-1),
    "  (2 checks were not run because of it; it fails on webserve_nb.py too)",
  );
  assert.equal(fixFirst([result("hello.get-root", "pass")]), undefined);

  const notStarted = fixFirst([
    result("hello.get-root", "pass", { server: "webserve.py" }),
    result("hello.get-root", "not run", {
      server: "webserve_nb.py",
      because: undefined,
      got: "not run, because the server did not start (no webserve_nb.py)",
    }),
    result("structure.webserve-importable", "fail"),
  ], [{
    label: "webserve_nb.py (non-blocking)",
    error: "the submission has no webserve_nb.py",
  }]);
  assert.deepEqual(fixFirstLines(notStarted!, PLAIN), [
    "Fix this first: webserve_nb.py did not start",
    "  the submission has no webserve_nb.py",
    "  (1 check was not run because of it)",
  ]);
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

Deno.test("summaryLines counts each rubric line's checks, a check not run as not passed, and ends with the total", () => {
  const results = [
    result("hello.get-root", "pass"),
    result("hello.query-ignored", "fail"),
    result("bodies.chunked", "not run"),
    result("framing.pipelined", "pass"),
    result("concurrency.idle-neighbour", "pass"),
    result("concurrency.flooding-neighbour", "skip"),
  ];
  const lines = summaryLines(results, PLAIN);
  assert.equal(lines[0], "Summary, by the brief's rubric");
  assert.equal(lines.length, RUBRIC.length + 2);
  assert.match(
    lines[1],
    /^ {2}FAIL {2}GET and POST answered with hello, \$URL, the query ignored +1\/2$/,
  );
  assert.match(lines[2], /^ {2}PASS {2}Firefox can talk to it .* 1\/1$/);
  assert.match(
    lines[3],
    /^ {2}FAIL {2}POST data read and ignored +0\/1, 1 not run$/,
  );
  assert.match(
    lines[4],
    /^ {2}---- {2}A proper HTTP response, whatever comes in +not run$/,
  );
  assert.match(
    lines[5],
    /^ {2}PASS {2}Blocking and non-blocking, each as it should +1\/1, 1 skipped$/,
  );
  assert.match(lines[7], /not run \(--submission DIR checks it\)$/);
  assert.equal(lines.at(-1), "3/5 checks passed, 1 not run, 1 skipped");
  assert.equal(
    countLine([result("methods.head", "pass")], PLAIN),
    "1/1 checks passed",
  );
});

Deno.test("jsonReport writes every check with its verdict, what to fix first, and the summary by rubric", () => {
  const report = JSON.parse(jsonReport({
    mode: "url",
    target: "http://127.0.0.1:8080",
    servers: [{ label: "http://127.0.0.1:8080", kind: "nb" }],
    results: [
      result("hello.get-root", "pass"),
      result("hello.query-ignored", "fail"),
      result("methods.head", "not run"),
    ],
  }));
  assert.equal(report.checks.length, 3);
  assert.deepEqual(
    Object.keys(report.checks[1]).sort(),
    [
      "command",
      "difference",
      "expected",
      "got",
      "group",
      "hint",
      "id",
      "ms",
      "name",
      "sent",
      "title",
      "verdict",
    ],
  );
  assert.equal(report.checks[2].verdict, "not run");
  assert.equal(report.checks[2].because, "hello.get-root");
  assert.equal(report.checks[1].ms, 12);
  assert.deepEqual(report.fixFirst, {
    id: "hello.query-ignored",
    title: "the query-ignored check",
    hint: "cut the query string off",
    notRunBecause: 0,
    alsoFailsOn: [],
  });
  assert.deepEqual(
    {
      passed: report.summary.passed,
      failed: report.summary.failed,
      notRun: report.summary.notRun,
      total: report.summary.total,
    },
    { passed: 1, failed: 1, notRun: 1, total: 3 },
  );
  assert.equal(report.summary.rubric.length, RUBRIC.length);
});
