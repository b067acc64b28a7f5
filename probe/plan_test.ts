import assert from "node:assert/strict";
import { parsePlan, parseTarget, UsageError } from "./plan.ts";

Deno.test("parsePlan reads each mode with its options", () => {
  assert.deepEqual(parsePlan(["http://127.0.0.1:8080", "--kind", "nb", "-q"]), {
    mode: "url",
    url: "http://127.0.0.1:8080",
    target: { hostname: "127.0.0.1", port: 8080 },
    kind: "nb",
    quiet: true,
  });
  assert.deepEqual(
    parsePlan([
      "--start",
      "python3 webserve.py {port}",
      "--only",
      "hello",
      "--json",
      "r.json",
    ]),
    {
      mode: "start",
      command: ["python3", "webserve.py", "{port}"],
      line: "python3 webserve.py {port}",
      only: "hello",
      json: "r.json",
      quiet: false,
    },
  );
  assert.deepEqual(parsePlan(["--submission", "hw4"]), {
    mode: "submission",
    dir: "hw4",
    missingOk: false,
    sandbox: false,
    requireSandbox: false,
    quiet: false,
  });
  assert.deepEqual(
    parsePlan([
      "--submission",
      "copy",
      "--sandbox",
      "--require-sandbox",
      "--run-as",
      "1900000001",
    ]),
    {
      mode: "submission",
      dir: "copy",
      missingOk: false,
      sandbox: true,
      requireSandbox: true,
      runAs: 1900000001,
      quiet: false,
    },
  );
  assert.deepEqual(
    parsePlan([
      "--submission",
      "hw4",
      "--gradescope",
      "results.json",
      "--limits",
      "cpu=5,nproc=8",
    ]),
    {
      mode: "submission",
      dir: "hw4",
      missingOk: true,
      gradescope: "results.json",
      limits: {
        cpu: 5,
        as: 1024 * 1024 * 1024,
        nproc: 8,
        fsize: 16 * 1024 * 1024,
      },
      sandbox: true,
      requireSandbox: false,
      quiet: false,
    },
  );
  assert.deepEqual(
    parsePlan([
      "--class",
      "hw4/",
      "--out",
      "grades",
      "--jobs",
      "2",
      "--resume",
    ]),
    {
      mode: "class",
      dir: "hw4/",
      out: "grades",
      jobs: 2,
      resume: true,
      namespaces: true,
      requireSandbox: false,
      wallMs: 120_000,
      quiet: false,
    },
  );
  assert.deepEqual(
    parsePlan([
      "--submission",
      "hw4",
      "--prairielearn",
      "pl.json",
      "--gradescope",
      "gs.json",
      "--visibility",
      "after_due_date",
    ]),
    {
      mode: "submission",
      dir: "hw4",
      missingOk: true,
      gradescope: "gs.json",
      prairielearn: "pl.json",
      visibility: "after_due_date",
      sandbox: true,
      requireSandbox: false,
      quiet: false,
    },
  );
  assert.deepEqual(
    parsePlan(["--submission", "hw4", "--checks", "framing", "-q"]),
    {
      mode: "submission",
      dir: "hw4",
      missingOk: false,
      checks: "framing",
      sandbox: false,
      requireSandbox: false,
      quiet: true,
    },
  );
  assert.deepEqual(
    parsePlan([
      "--autograder",
      "gradescope",
      "--out",
      "autograder.zip",
      "--rubric",
      "r.json",
      "--visibility",
      "hidden",
    ]),
    {
      mode: "autograder",
      platform: "gradescope",
      out: "autograder.zip",
      rubric: "r.json",
      visibility: "hidden",
      quiet: false,
    },
  );
  assert.deepEqual(
    parsePlan([
      "--autograder",
      "prairielearn",
      "--out",
      "pl",
      "--image",
      "me/probe",
    ]),
    {
      mode: "autograder",
      platform: "prairielearn",
      out: "pl",
      image: "me/probe",
      quiet: false,
    },
  );
  assert.equal(parsePlan(["-h"]), "help");
});

Deno.test("parsePlan refuses what it cannot do, each in one line", () => {
  const refusals: [string[], RegExp][] = [
    [[], /give one of/],
    [["http://a", "--start", "x {port}"], /give one of/],
    [["http://a", "http://b"], /one URL at a time/],
    [["--frobnicate"], /^unknown option --frobnicate$/],
    [["--json"], /^--json needs a value$/],
    [["--submission", "hw4", "--kind", "nb"], /--kind is for a URL or --start/],
    [["--start", "python3 webserve.py 8080"], /needs \{port\}/],
    [["--start", "python3 'webserve.py {port}"], /unclosed '/],
    [["--start", "   "], /needs a command/],
    [
      ["http://a", "--only", "everything"],
      /--only takes one of hello, framing, bodies/,
    ],
    [["--start", "x {port}", "--only", "structure"], /needs --submission/],
    [
      ["--class", "hw4", "--out", "o", "--only", "hello"],
      /--only is for one server/,
    ],
    [
      ["--class", "hw4", "--out", "o", "--jobs", "two"],
      /--jobs takes a whole number/,
    ],
    [["--submission", "hw4", "--rubric", "r.json"], /needs --gradescope/],
    [
      ["--submission", "hw4", "--gradescope", "g.json", "--checks", "hello"],
      /--gradescope grades the whole submission/,
    ],
    [
      ["--submission", "hw4", "--checks", "hello", "--only", "hello"],
      /one of them/,
    ],
    [
      ["--start", "x {port}", "--checks", "hello"],
      /--checks is for --submission/,
    ],
    [
      ["--submission", "hw4", "--visibility", "visible"],
      /--visibility is for --gradescope/,
    ],
    [
      ["--submission", "hw4", "--gradescope", "g.json", "--visibility", "soon"],
      /--visibility takes one of visible, after_due_date, after_published, hidden/,
    ],
    [
      ["--autograder", "moodle", "--out", "x"],
      /--autograder takes one of gradescope, prairielearn, github-classroom/,
    ],
    [["--autograder", "gradescope"], /needs --out NAME\.zip/],
    [
      ["--autograder", "prairielearn", "--out", "d", "--visibility", "hidden"],
      /--visibility is for --autograder gradescope/,
    ],
    [
      ["--autograder", "gradescope", "--out", "a.zip", "--image", "x"],
      /--image is for --autograder prairielearn/,
    ],
    [
      ["--autograder", "gradescope", "--out", "a.zip", "--jobs", "2"],
      /--jobs is not for --autograder/,
    ],
    [
      ["--submission", "hw4", "--image", "x"],
      /--image is for --autograder prairielearn/,
    ],
    [["--submission", "hw4", "--limits", "mem=1"], /unknown limit "mem"/],
    [
      ["--start", "x {port}", "--gradescope", "r.json"],
      /--gradescope is for --submission/,
    ],
    [
      ["--class", "c", "--out", "o", "--sandbox"],
      /--sandbox is for --submission/,
    ],
    [["--submission", "hw4", "--require-sandbox"], /needs --sandbox/],
    [
      ["--submission", "hw4", "--run-as", "0"],
      /--run-as takes a uid other than root's/,
    ],
    [["http://a", "--require-sandbox"], /--require-sandbox is for --class, or/],
  ];
  for (const [args, pattern] of refusals) {
    assert.throws(() => parsePlan(args), (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, pattern, args.join(" "));
      return true;
    });
  }
});

Deno.test("parseTarget takes an http origin, IPv6 and default port included, and nothing else", () => {
  assert.deepEqual(parseTarget("http://localhost"), {
    hostname: "localhost",
    port: 80,
  });
  assert.deepEqual(parseTarget("http://[::1]:8080/"), {
    hostname: "::1",
    port: 8080,
  });
  assert.throws(() => parseTarget("https://a"), /only http:\/\//);
  assert.throws(() => parseTarget("http://a/x"), /address alone/);
  assert.throws(() => parseTarget("http://a/?q=1"), /address alone/);
  assert.throws(() => parseTarget("127.0.0.1:8080"), UsageError);
});
