/**
 * `deno task probe` run as a user runs it, against real servers: the model
 * Python pair and the project's own servers pass; each flawed fixture fails
 * exactly the checks its one mistake breaks, and every other check passes.
 * Plus the command line's usage errors, a server that never starts, and a
 * server that never answers (each check times out and the probe goes on).
 *
 * The probe runs are slow-ish (a few seconds each), so they all start at
 * once in one test, at most {@link PARALLEL} at a time, and each is judged
 * in its own step.
 */

import assert from "node:assert/strict";
import { runScript } from "../testing/commands.ts";
import { startProjectServer } from "../testing/server_launcher.ts";
import { writeFixture } from "../probe/fixtures/fixtures.ts";

const PERMISSIONS = [
  "--allow-net",
  "--allow-run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
];

/** Probe runs at a time: each starts servers, and the non-blocking checks' 250 ms bound wants a CPU free. */
const PARALLEL = 3;

/** Whether python3 is on PATH, or why not. */
async function pythonMissing(): Promise<string | undefined> {
  try {
    const output = await new Deno.Command("python3", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return output.success ? undefined : "python3 --version failed";
  } catch {
    return "python3 is not on PATH";
  }
}
const noPython = await pythonMissing();
if (noPython) console.log(`probe_test: Python fixtures skipped, ${noPython}`);

/** One check as `--json` writes it. */
interface JsonCheck {
  id: string;
  server?: string;
  verdict: "pass" | "fail" | "skip";
  got: string;
}

/** A finished probe run. */
interface ProbeRun {
  code: number;
  stdout: string;
  stderr: string;
  checks: JsonCheck[];
  ms: number;
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs the probe with `args` (plus `--json`), at most {@link PARALLEL} at a time. */
async function probe(args: string[]): Promise<ProbeRun> {
  while (running >= PARALLEL) {
    await new Promise<void>((wake) => waiting.push(wake));
  }
  running++;
  const json = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const started = performance.now();
    const result = await runScript(
      "probe.ts",
      [...args, "--json", json],
      PERMISSIONS,
    );
    const ms = performance.now() - started;
    let checks: JsonCheck[] = [];
    try {
      checks = JSON.parse(await Deno.readTextFile(json)).checks;
    } catch { /* a usage error writes none */ }
    return { ...result, checks, ms };
  } finally {
    await Deno.remove(json);
    running--;
    waiting.shift()?.();
  }
}

/** `server check-id` for every failed check, sorted. */
function failures(run: ProbeRun): string[] {
  return run.checks.filter((c) => c.verdict === "fail").map((c) =>
    `${c.server ?? "-"} ${c.id}`
  ).sort();
}

/** Every check of a submission run but the structure ones (which have no server). */
const HELLO = [
  "get-root",
  "get-nested",
  "get-percent-encoded",
  "post",
  "query-ignored",
  "head",
].map((n) => `hello.${n}`);
const BODIES = ["content-length", "chunked", "body-in-pieces", "large-body"]
  .map((n) => `bodies.${n}`);
const FRAMING = [
  "keep-alive",
  "head-in-two-writes",
  "head-in-three-writes",
  "pipelined",
  "connection-close",
  "http-1.0",
  "expect-100-continue",
  "firefox",
].map((n) => `framing.${n}`);

/**
 * Per fixture, exactly the checks that must fail: on both servers (its
 * handler.py is shared), on webserve_nb.py alone, and of the structure. A
 * check not named must pass.
 */
const FIXTURES: Record<
  string,
  { both?: string[]; nb?: string[]; structure?: string[]; why: string }
> = {
  correct: { why: "the model answer passes everything" },
  query_echoed: {
    both: ["hello.query-ignored"],
    why: "only the request with a query string is answered wrongly",
  },
  body_left_in_buffer: {
    both: [
      ...BODIES,
      "framing.expect-100-continue", // its body is read as the next request
      "responses.bad-framing", // a bad chunk size goes unseen when the chunked body is never read
    ],
    why:
      "a body is read as the start of the next request; requests without a body are served",
  },
  one_recv_per_request: {
    both: [
      "bodies.body-in-pieces", // the head's read is taken as the whole request, the pieces as new ones
      "bodies.large-body", // so are the later reads of a 256 KiB body
      "framing.head-in-two-writes", // a half head is parsed as a whole one
      "framing.head-in-three-writes",
      "framing.pipelined", // the second and third requests are dropped with the first read
      "framing.expect-100-continue", // no 100 (the body is taken as there); the body is a new request
      "responses.bad-framing", // the chunked body is never parsed, so bad chunk sizes pass as 200
      "responses.bad-oversized", // the first 16 KiB of a 1 MiB head are taken as a whole head: 200
    ],
    why:
      "a request that comes in one read (with its body) is served; anything spread over reads is not",
  },
  nb_serves_one_at_a_time: {
    nb: [
      "concurrency.idle-neighbour",
      "concurrency.trickling-neighbour",
      "concurrency.flooding-neighbour",
    ],
    why:
      "only the loop of webserve_nb.py changes; one client at a time is all else needs",
  },
  silent_on_bad_request: {
    both: [
      "responses.bad-request-line",
      "responses.bad-header",
      "responses.bad-framing",
      "responses.bad-oversized",
    ],
    why:
      "every bad request is met with a close; for bytes that are not HTTP at all a close is allowed",
  },
  no_status_line: {
    both: [
      ...HELLO,
      ...BODIES,
      ...FRAMING,
      "responses.unusual-but-valid",
      "responses.still-serving",
      "concurrency.idle-neighbour",
    ],
    nb: ["concurrency.trickling-neighbour", "concurrency.flooding-neighbour"],
    why:
      "every 200 answer is bare text; error answers are still proper, and the structure is sound",
  },
  starts_at_import: {
    structure: [
      "structure.webserve-importable",
      "structure.webserve-handle-connection", // cannot be looked at: the import never returns
      "structure.one-shared-handle-connection", // nor compared
    ],
    why:
      "run as a script it serves as well as the model; only importing it goes wrong",
  },
};

/** The checks of one server in a submission run, and of the structure. */
const SUBMISSION_CHECKS = {
  blocking: 26,
  nb: 28,
  structure: 5,
};

function expectedFailures(fixture: keyof typeof FIXTURES): string[] {
  const spec = FIXTURES[fixture];
  return [
    ...(spec.both ?? []).flatMap((
      id,
    ) => [`webserve.py ${id}`, `webserve_nb.py ${id}`]),
    ...(spec.nb ?? []).map((id) => `webserve_nb.py ${id}`),
    ...(spec.structure ?? []).map((id) => `- ${id}`),
  ].sort();
}

const PROJECT_SERVERS = [
  { script: "webserve.ts", kind: "blocking", checks: 26 },
  { script: "webserve_nb.ts", kind: "nb", checks: 28 },
] as const;

Deno.test({
  name:
    "probe grades the fixtures and the project's servers exactly as each deserves",
  ignore: noPython !== undefined,
  async fn(t) {
    // The flawed fixtures are made from the model answer as the test runs.
    const made = await Deno.makeTempDir({ prefix: "probe-fixtures-" });
    for (const fixture of Object.keys(FIXTURES)) {
      await writeFixture(fixture, `${made}/${fixture}`);
    }
    const submissions = Object.keys(FIXTURES).map((fixture) => ({
      fixture,
      run: probe(["--submission", `${made}/${fixture}`]),
    }));
    const projects = PROJECT_SERVERS.map((server) => ({
      ...server,
      run: probe([
        "--start",
        `deno run --allow-net ${server.script} {port}`,
        "--kind",
        server.kind,
      ]),
    }));
    const silent = probe([
      "--start",
      `python3 -c "${SILENT_SERVER}" {port}`,
      "--only",
      "hello",
    ]);

    for (const { fixture, run } of submissions) {
      await t.step(
        `probe --submission ${fixture}: ${FIXTURES[fixture].why}`,
        async () => {
          const result = await run;
          assert.deepEqual(
            failures(result),
            expectedFailures(fixture),
            result.stdout,
          );
          const count = (server?: string) =>
            result.checks.filter((c) =>
              c.server === server && c.verdict !== "skip"
            ).length;
          assert.equal(
            count("webserve.py"),
            SUBMISSION_CHECKS.blocking,
            "every blocking check ran",
          );
          assert.equal(
            count("webserve_nb.py"),
            SUBMISSION_CHECKS.nb,
            "every non-blocking check ran",
          );
          assert.equal(
            count(undefined),
            SUBMISSION_CHECKS.structure,
            "every structure check ran",
          );
          assert.equal(
            result.code,
            expectedFailures(fixture).length ? 1 : 0,
            result.stderr,
          );
          assert.ok(result.ms < 60_000, `took ${result.ms} ms`);
          assert.match(result.stdout, /webserve\.py: stopped by SIGTERM/);
        },
      );
    }
    for (const { script, kind, checks, run } of projects) {
      await t.step(
        `probe --start "deno run --allow-net ${script} {port}" --kind ${kind} passes every check`,
        async () => {
          const result = await run;
          assert.deepEqual(failures(result), [], result.stdout);
          assert.equal(
            result.checks.filter((c) => c.verdict === "pass").length,
            checks,
          );
          assert.equal(result.code, 0);
          assert.match(
            result.stdout,
            new RegExp(`${checks}/${checks} checks passed`),
          );
          assert.match(result.stdout, /stopped on SIGTERM \(exit code 0\)/);
        },
      );
    }
    await t.step(
      "probe fails each check of a server that never answers on its own time limit, and goes on",
      async () => {
        const result = await silent;
        assert.equal(result.code, 1);
        assert.equal(result.checks.length, 6);
        for (const check of result.checks) {
          assert.equal(check.verdict, "fail");
          assert.match(check.got, /no answer within 2\.0 s/);
        }
        assert.ok(result.ms < 6 * 6000, `took ${result.ms} ms`);
      },
    );
    await Deno.remove(made, { recursive: true });
  },
});

/** A server that accepts every connection and never says a word (python3 -c, port in argv[1]). */
const SILENT_SERVER = [
  "import socket, sys",
  "s = socket.socket()",
  "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
  "s.bind(('127.0.0.1', int(sys.argv[1])))",
  "s.listen()",
  "held = []",
  "while True: held.append(s.accept())",
].join("\n");

Deno.test("probe command line ends a usage error in one line and exit status 2", async () => {
  const cases: [string[], RegExp][] = [
    [[], /^probe: give one of: a URL, --start/],
    [["--bogus"], /^probe: unknown option --bogus$/],
    [["ftp://127.0.0.1:21"], /^probe: only http:\/\/ URLs can be probed/],
    [["not a url"], /^probe: not a URL: "not a url"/],
    [
      ["http://127.0.0.1:8080/some/path"],
      /^probe: give the server's address alone/,
    ],
    [
      ["--start", "python3 webserve.py"],
      /^probe: --start needs \{port\} in the command/,
    ],
    [
      ["--submission", "no/such/folder"],
      /^probe: --submission no\/such\/folder: no such folder$/,
    ],
    [
      ["--submission", "probe"],
      /^probe: --submission probe: no webserve\.py there/,
    ],
    [
      ["http://127.0.0.1:8080", "--kind", "async"],
      /^probe: --kind is blocking or nb/,
    ],
    [
      ["http://127.0.0.1:8080", "--only", "structure"],
      /^probe: --only structure needs --submission/,
    ],
  ];
  for (const [args, pattern] of cases) {
    const result = await runScript("probe.ts", args, PERMISSIONS);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 2, result.stderr);
    assert.match(lines[0], pattern);
    assert.match(lines[1], /^usage: deno task probe/);
    assert.equal(result.stdout, "");
  }
});

Deno.test("probe --help prints the usage and exits 0", async () => {
  const result = await runScript("probe.ts", ["--help"], PERMISSIONS);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^usage: deno task probe URL \| --start/);
  assert.match(result.stdout, /--only GROUP/);
});

Deno.test({
  name:
    "probe --start says in one line that a command exited before it listened, with its stderr",
  ignore: noPython !== undefined,
  async fn() {
    const result = await runScript(
      "probe.ts",
      [
        "--start",
        `python3 -c "import sys; sys.exit('no socket for you on ' + sys.argv[1])" {port}`,
      ],
      PERMISSIONS,
    );
    assert.equal(result.code, 1);
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0],
      /^probe: python3 -c .* exited \(exit code 1\) before it listened on port (\d+); its last stderr lines: no socket for you on \1$/,
    );
  },
});

Deno.test("probe of a running server by URL: without --kind the non-blocking checks are listed as skipped; -q prints only the summary", async () => {
  const server = await startProjectServer("non-blocking");
  try {
    const url = `http://127.0.0.1:${server.port}`;
    const full = await runScript(
      "probe.ts",
      [url, "--only", "concurrency"],
      PERMISSIONS,
    );
    assert.equal(full.code, 0, full.stdout);
    assert.match(full.stdout, /PASS {2}idle-neighbour/);
    assert.match(
      full.stdout,
      /SKIP {2}trickling-neighbour .*give --kind nb to run it/,
    );
    assert.match(full.stdout, /SKIP {2}flooding-neighbour/);
    assert.match(full.stdout, /1\/1 checks passed, 2 skipped$/m);
    assert.ok(
      !full.stdout.includes("\x1b["),
      "no colour when stdout is not a terminal",
    );

    const quiet = await runScript("probe.ts", [
      url,
      "--kind",
      "nb",
      "--only",
      "hello",
      "-q",
    ], PERMISSIONS);
    assert.equal(quiet.code, 0, quiet.stdout);
    assert.doesNotMatch(quiet.stdout, /PASS {2}get-root/);
    assert.match(quiet.stdout, /^Summary, by the brief's rubric$/m);
    assert.match(quiet.stdout, /6\/6 checks passed$/m);
  } finally {
    await server.stop();
  }
});
