/**
 * `deno task probe` run as a user runs it, against real servers: the model
 * Python pair and the project's own servers pass; each flawed fixture fails
 * exactly the checks its one mistake breaks, does not run exactly those that
 * need them, and passes every other. Each flaw's card opens with that flaw's
 * check under "Fix this first", has at most 3 FAIL lines per server, and
 * every FAIL shows what was expected, what came back and a command to try;
 * the keep-alive flaw's command, pasted into a shell, shows the flaw. Plus
 * the command line's usage errors, a URL where nothing listens, a server
 * that never starts, a server that never answers, and the sample card of
 * docs/probe.md.
 *
 * The probe runs are slow-ish (a few seconds each), so they all start at
 * once in one test, at most {@link PARALLEL} at a time, and each is judged
 * in its own step.
 */

import assert from "node:assert/strict";
import { ROOT, runDeno, runScript } from "../testing/commands.ts";
import { commandSucceeds } from "../wire/commands.ts";
import { shellWords } from "../probe/shell_words.ts";
import { startProjectServer } from "../testing/server_launcher.ts";
import { FLAWS, writeFixture } from "../probe/fixtures/fixtures.ts";
import { PROBE_PERMISSIONS } from "../probe/class/sandbox.ts";
import { launch } from "../probe/launch.ts";
import {
  expectedFailures,
  expectedNotRun,
  FIXTURES,
  SUBMISSION_CHECKS,
} from "../testing/probe_verdicts.ts";

const PERMISSIONS = [...PROBE_PERMISSIONS];

/** Probe runs at a time: each starts servers and keeps a CPU busy. */
const PARALLEL = 3;

const noPython = await commandSucceeds("python3", ["--version"])
  ? undefined
  : "python3 is not on PATH (or python3 --version failed)";
if (noPython) console.log(`probe_test: Python fixtures skipped, ${noPython}`);

const noNc = await commandSucceeds("sh", ["-c", "command -v nc"])
  ? undefined
  : "nc is not on PATH (apt-get install netcat-openbsd)";
if (noNc) console.log(`probe_test: the pasted commands are not run, ${noNc}`);

/** One check as `--json` writes it. */
interface JsonCheck {
  id: string;
  server?: string;
  verdict: "pass" | "fail" | "skip" | "not run";
  expected: string;
  got: string;
  command?: string;
  because?: string;
}

/** A finished probe run. */
interface ProbeRun {
  code: number;
  stdout: string;
  stderr: string;
  checks: JsonCheck[];
  fixFirst?: { id?: string; server?: string };
  ms: number;
}

let running = 0;
const waiting: (() => void)[] = [];

/**
 * Runs the probe with `args` (plus `--json`), at most {@link PARALLEL} at a
 * time; `alone` waits until no other run is going and keeps the others out
 * (the concurrency checks of a server that must pass or fail them by design
 * want the CPU to themselves).
 */
async function probe(args: string[], alone = false): Promise<ProbeRun> {
  while (running >= (alone ? 1 : PARALLEL)) {
    await new Promise<void>((wake) => waiting.push(wake));
  }
  running += alone ? PARALLEL : 1;
  const json = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const started = performance.now();
    const result = await runScript(
      "probe/main.ts",
      [...args, "--json", json],
      PERMISSIONS,
    );
    const ms = performance.now() - started;
    let report = { checks: [] as JsonCheck[] };
    try {
      report = JSON.parse(await Deno.readTextFile(json));
    } catch { /* a usage error writes none */ }
    return { ...result, ...report, ms };
  } finally {
    await Deno.remove(json);
    running -= alone ? PARALLEL : 1;
    for (const wake of waiting.splice(0)) wake();
  }
}

/** `server:check-id` (a structure check: its id alone) for every check of `verdict`, sorted. */
function withVerdict(
  run: ProbeRun,
  verdict: JsonCheck["verdict"] = "fail",
): string[] {
  return run.checks.filter((c) => c.verdict === verdict).map((c) =>
    c.server ? `${c.server}:${c.id}` : c.id
  ).sort();
}

const failures = (run: ProbeRun) => withVerdict(run, "fail");

/**
 * The submissions probed one by one here: the model and every flaw, for
 * their verdicts and their cards (tests/probe_class_test.ts grades them all
 * again as a class); query_echoed also writes its Gradescope results.
 */
const DIRECT = ["correct", ...FLAWS.map((flaw) => flaw.name)];

/** The most FAIL lines a flaw's card may have per server: what follows from the flaw is not run. */
const MAX_FAILS_PER_SERVER = 3;

const PROJECT_SERVERS = [
  { script: "webserve.ts", kind: "blocking", checks: 26 },
  { script: "webserve_nb.ts", kind: "nb", checks: 28 },
] as const;

Deno.test({
  name:
    "probe grades submissions and the project's servers exactly as each deserves, and writes Gradescope's results.json",
  ignore: noPython !== undefined,
  async fn(t) {
    // The flawed fixtures are made from the model answer as the test runs.
    const made = await Deno.makeTempDir({ prefix: "probe-fixtures-" });
    for (const fixture of DIRECT) {
      await writeFixture(fixture, `${made}/${fixture}`);
    }
    const gradescope = `${made}/results.json`;
    const submissions = DIRECT.map((fixture) => ({
      fixture,
      run: probe([
        "--submission",
        `${made}/${fixture}`,
        ...(fixture === "query_echoed" ? ["--gradescope", gradescope] : []),
      ]),
    }));
    const projects = PROJECT_SERVERS.map((server) => ({
      ...server,
      run: probe([
        "--start",
        `deno run --allow-net ${server.script} {port}`,
        "--kind",
        server.kind,
      ], true),
    }));
    // The blocking server gives up on a client that holds it, then serves the
    // next: answered, but not while the first still held it.
    const blockingAsNb = probe([
      "--start",
      "deno run --allow-net webserve.ts {port}",
      "--kind",
      "nb",
      "--only",
      "concurrency",
    ], true);
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
          assert.deepEqual(
            withVerdict(result, "not run"),
            expectedNotRun(fixture),
            result.stdout,
          );
          const count = (server?: string) =>
            result.checks.filter((c) =>
              c.server === server && c.verdict !== "skip"
            ).length;
          assert.equal(
            count("webserve.py"),
            SUBMISSION_CHECKS.blocking,
            "every blocking check has a verdict",
          );
          assert.equal(
            count("webserve_nb.py"),
            SUBMISSION_CHECKS.nb,
            "every non-blocking check has a verdict",
          );
          assert.equal(
            count(undefined),
            SUBMISSION_CHECKS.structure,
            "every structure check has a verdict",
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
    for (const flaw of FLAWS) {
      await t.step(
        `probe --submission ${flaw.name}: the card opens with ${flaw.check} under "Fix this first", at most ${MAX_FAILS_PER_SERVER} FAIL lines per server, each with expected, got and a command to try`,
        async () => {
          const result = await submissions.find((s) => s.fixture === flaw.name)!
            .run;
          assert.equal(result.fixFirst?.id, flaw.check, result.stdout);
          const lines = result.stdout.split("\n");
          const card = lines.slice(
            0,
            lines.indexOf("Summary, by the brief's rubric"),
          );
          const opening = card.findIndex((l) => l.startsWith("Fix this first"));
          const firstSection = card.findIndex((l) =>
            /^(webserve|structure)/.test(l)
          );
          assert.ok(
            opening >= 0 && opening < firstSection,
            "the card opens with it",
          );
          assert.match(card[opening], new RegExp(`: ${flaw.check}( on |$)`));
          assert.match(card.slice(opening).join("\n"), /\n {2}hint: {5}\S/);
          for (const server of ["webserve.py", "webserve_nb.py", undefined]) {
            const failed = result.checks.filter((c) =>
              c.verdict === "fail" && c.server === server
            );
            assert.ok(
              failed.length <= MAX_FAILS_PER_SERVER,
              `${server ?? "structure"}: ${failed.length} FAIL lines`,
            );
            for (const check of failed) {
              assert.ok(check.expected && check.got, check.id);
              if (server) assert.ok(check.command, `${check.id}: a command`);
            }
          }
          // On the card: each FAIL line, then its expected, got and (for a server) try lines.
          card.forEach((line, i) => {
            if (!/^ +FAIL {2}/.test(line)) return;
            const details = card.slice(i + 1).join("\n").split(
              /\n +(?:PASS|FAIL|SKIP|----) {2}|\n\S/,
            )[0];
            assert.match(details, /expected: /, line);
            assert.match(details, /got: /, line);
            if (!/^ {2}FAIL/.test(line)) assert.match(details, /try: /, line);
          });
          assert.equal(
            card.filter((l) =>
              /^ +---- {2}\S+ +not run, because \S+ failed$/.test(l)
            )
              .length,
            expectedNotRun(flaw.name).length,
          );
        },
      );
    }
    await t.step({
      name:
        "the keep-alive flaw's command, pasted into sh with PORT set, shows its one answer and then the close; the model's shows both",
      ignore: noNc !== undefined,
      fn: async () => {
        const result = await submissions.find((s) =>
          s.fixture === "closes_after_each_answer"
        )!.run;
        const command = result.checks.find((c) =>
          c.id === "framing.keep-alive" && c.server === "webserve.py"
        )?.command;
        assert.ok(command, "a command for framing.keep-alive");
        const pasted = async (fixture: string) => {
          const server = await launch(["python3", "webserve.py", "{port}"], {
            cwd: `${made}/${fixture}`,
          });
          try {
            const output = await new Deno.Command("sh", {
              args: ["-c", command],
              env: { PORT: String(server.port) },
              stdout: "piped",
              stderr: "piped",
            }).output();
            return new TextDecoder().decode(output.stdout);
          } finally {
            await server.stop();
          }
        };
        const flawed = await pasted("closes_after_each_answer");
        assert.equal(flawed.match(/HTTP\/1\.1 200/g)?.length, 1, flawed);
        assert.match(flawed, /hello, \/first$/);
        const model = await pasted("correct");
        assert.equal(model.match(/HTTP\/1\.1 200/g)?.length, 2, model);
        assert.match(model, /hello, \/first.*hello, \/second$/s);
      },
    });
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
      "probe --kind nb fails a blocking server that serves a second client only once it has closed the idle or the flooding first",
      async () => {
        const result = await blockingAsNb;
        const failed = failures(result);
        for (const check of ["idle-neighbour", "flooding-neighbour"]) {
          assert.ok(failed.includes(`concurrency.${check}`), result.stdout);
        }
        assert.match(
          result.stdout,
          /only once the server had (closed|reset) the flooding client/,
        );
        assert.equal(result.code, 1);
      },
    );
    await t.step(
      "probe fails a server that never answers on its own time limit, and does not run what needs an answer",
      async () => {
        const result = await silent;
        assert.equal(result.code, 1);
        assert.equal(result.checks.length, 5);
        const [plainGet, ...rest] = result.checks;
        assert.equal(plainGet.verdict, "fail");
        assert.equal(plainGet.got, "no answer within 2.0 s");
        for (const check of rest) {
          assert.equal(check.verdict, "not run");
          assert.equal(check.got, "not run, because hello.get-root failed");
        }
        assert.ok(result.ms < 30_000, `took ${result.ms} ms`);
      },
    );
    await t.step(
      "probe --submission --gradescope writes results.json: the score on the default rubric, and per check its name, score, max_score, status and output",
      async () => {
        await submissions.find((s) => s.fixture === "query_echoed")!.run;
        const results = JSON.parse(await Deno.readTextFile(gradescope));
        assert.deepEqual(Object.keys(results).sort(), [
          "execution_time",
          "output",
          "output_format",
          "score",
          "test_name_format",
          "test_output_format",
          "tests",
        ]);
        // Two of hello's 10 checks fail (one per server), each worth 0.1 of its point.
        assert.equal(results.score, 4.8);
        assert.equal(
          results.tests.length,
          SUBMISSION_CHECKS.blocking + SUBMISSION_CHECKS.nb +
            SUBMISSION_CHECKS.structure,
        );
        for (const test of results.tests) {
          assert.deepEqual(Object.keys(test).sort(), [
            "max_score",
            "name",
            "output",
            "score",
            "status",
          ]);
          assert.ok(["passed", "failed"].includes(test.status));
          assert.equal(
            test.score,
            test.status === "passed" ? test.max_score : 0,
          );
          assert.match(test.output, /expected: /);
          if (test.status === "failed") {
            assert.match(
              test.output,
              /\ntry: curl -i "http:\/\/127\.0\.0\.1:\$PORT\/search/,
            );
            assert.match(test.output, /\nhint: /);
          }
        }
        const failed = results.tests.filter((t: { status: string }) =>
          t.status === "failed"
        ).map((t: { name: string }) => t.name);
        assert.deepEqual(failed, [
          "webserve.py: hello.query-ignored",
          "webserve_nb.py: hello.query-ignored",
        ]);
        const total = results.tests.reduce(
          (sum: number, t: { max_score: number }) => sum + t.max_score,
          0,
        );
        assert.equal(Math.round(total * 10_000) / 10_000, 5);
        assert.match(results.output, /^4\.8\/5 points; 57\/59 checks passed/);
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
  const rubric = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    rubric,
    JSON.stringify({ points: { hello: 2, greetings: 3 } }),
  );
  const out = await Deno.makeTempDir();
  const cases: [string[], RegExp][] = [
    [["--class", "probe"], /^probe: --class needs --out OUTDIR/],
    [
      ["--class", "no/such/folder", "--out", out],
      /^probe: --class no\/such\/folder: no such folder$/,
    ],
    [
      ["--class", "probe", "--out", out, "--jobs", "0"],
      /^probe: --jobs takes a whole number from 1 to 64, not "0"$/,
    ],
    [
      ["--class", "probe", "--out", out, "--rubric", rubric],
      /^probe: --rubric .*: unknown check or group "greetings" \(groups: hello, framing, bodies/,
    ],
    [
      ["http://127.0.0.1:8080", "--resume"],
      /^probe: --resume is for --class$/,
    ],
    [
      ["--submission", "probe", "--limits", "cpu=lots"],
      /^probe: --limits: cpu needs a positive whole number, not "lots"$/,
    ],
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
    const result = await runScript("probe/main.ts", args, PERMISSIONS);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 2, result.stderr);
    assert.match(lines[0], pattern);
    assert.match(lines[1], /^usage: deno task probe/);
    assert.equal(result.stdout, "");
  }
  await Deno.remove(rubric);
  await Deno.remove(out, { recursive: true });
});

Deno.test("probe --help prints the usage and exits 0", async () => {
  const result = await runScript("probe/main.ts", ["--help"], PERMISSIONS);
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
      "probe/main.ts",
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
      "probe/main.ts",
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

    const quiet = await runScript("probe/main.ts", [
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
    assert.match(quiet.stdout, /5\/5 checks passed$/m);
  } finally {
    await server.stop();
  }
});

Deno.test("probe of a URL where nothing listens says so in one line and exits 2", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const result = await runScript(
    "probe/main.ts",
    [`http://127.0.0.1:${port}`],
    PERMISSIONS,
  );
  assert.equal(result.code, 2, result.stdout);
  assert.equal(
    result.stderr,
    `probe: nothing is listening on 127.0.0.1:${port}\n`,
  );
});

/** The markers around the sample card in docs/probe.md. */
const SAMPLE = ["<!-- probe:sample:begin -->", "<!-- probe:sample:end -->"];

/** A card with what changes from run to run (ports, times, temporary folders) made the same. */
function steady(card: string, fixtures: string): string {
  return card.replaceAll(fixtures, "/tmp/fixtures")
    .replace(/(started as: .*) \d+$/gm, "$1 PORT")
    .replace(/answered after [\d.]+ m?s/g, "answered after N ms")
    .trimEnd();
}

Deno.test({
  name:
    "docs/probe.md's sample card is what its commands print now (but for ports and times)",
  ignore: noPython !== undefined,
  async fn() {
    const doc = await Deno.readTextFile(`${ROOT}docs/probe.md`);
    const from = doc.indexOf(SAMPLE[0]);
    const to = doc.indexOf(SAMPLE[1]);
    assert.ok(from >= 0 && to > from, "docs/probe.md has the sample markers");
    const block = doc.slice(from, to).split("```console\n")[1].split("```")[0];
    const [writeLine, probeLine, ...card] = block.split("\n");
    const fixtures = await Deno.makeTempDir({ prefix: "probe-sample-" });
    try {
      const local = (line: string) =>
        shellWords(
          line.replace(/^\$ /, "").replaceAll("/tmp/fixtures", fixtures),
        );
      const [deno, run, ...writeArgs] = local(writeLine);
      assert.deepEqual([deno, run], ["deno", "run"]);
      const wrote = await runDeno(["run", ...writeArgs]);
      assert.equal(wrote.code, 0, wrote.stderr);
      const [, task, name, ...args] = local(probeLine);
      assert.deepEqual([task, name], ["task", "probe"]);
      const result = await runScript("probe/main.ts", args, PERMISSIONS);
      assert.equal(
        steady(result.stdout, fixtures),
        steady(card.join("\n"), fixtures),
        `the card now:\n${result.stdout}`,
      );
    } finally {
      await Deno.remove(fixtures, { recursive: true });
    }
  },
});
