/**
 * `deno task probe --class` as a grader runs it, on a class made of every
 * fixture (the model answer, every flaw, the hostile submissions and the
 * zips), plus a folder with a name made to break HTML. The class is graded
 * twice at once, with --jobs 1 and --jobs 2: the verdicts must be the same.
 * Then: the model (and the zip that nests it) gets the maximum; each flaw
 * exactly its failures; each hostile one what it deserves, with what was
 * contained; each escape (aimed at this run's real paths) got nothing out
 * of its box, as seen from the host; no process of any submission is left;
 * grades.csv parses with Python's csv module; report.html works in headless
 * Firefox; --resume regrades only what changed; --rubric replaces the
 * points. (tests/probe_sandbox_test.ts grades the escapes as an unprivileged
 * grader and in the fallback.)
 */

import assert from "node:assert/strict";
import { ROOT } from "../testing/commands.ts";
import { commandSucceeds } from "../wire/commands.ts";
import { GROUPS } from "../probe/check.ts";
import { defaultJobs } from "../probe/class/jobs.ts";
import {
  CHANGES,
  FLAWS,
  writeClass,
  writeFixture,
} from "../probe/fixtures/fixtures.ts";
import { expectedFailures, FIXTURES } from "../testing/probe_verdicts.ts";
import {
  aimEscapes,
  escapedFiles,
  escapeLines,
  ESCAPES,
  HELD,
  processesHolding,
  runProbe,
  type Targets,
} from "../testing/boxes.ts";
import type { StudentResult } from "../probe/class/outcome.ts";
import { studentFile } from "../probe/class/gradebook.ts";

const FIREFOX = "/usr/bin/firefox-esr";

/** Why `program args...` cannot be run here, if it cannot. */
async function missing(
  program: string,
  args: string[],
): Promise<string | undefined> {
  return await commandSucceeds(program, args)
    ? undefined
    : `${program} ${args.join(" ")} did not run`;
}

const noPython = await missing("python3", ["--version"]);
if (noPython) console.log(`probe_class_test: skipped, ${noPython}`);
const noFirefox = await missing(FIREFOX, ["--version"]);
if (noFirefox) {
  console.log(
    `probe_class_test: the report's browser step is skipped, ${noFirefox} (apt-get install firefox-esr)`,
  );
}

/** A student whose name is markup: an empty folder, refused at once; its name must come out as text. */
const MARKUP_STUDENT = `<b id="injected">bold & "quoted", ok`;

/** Students named after each hostile fixture that serves well: what the report must say was contained. */
const CONTAINED: Record<string, RegExp> = {
  floods_stdout:
    /webserve\.py wrote 1\d\.\d MiB to stdout; the first and the last KiB are kept/,
  eats_memory:
    /webserve\.py ran out of address space \(MemoryError under the limit\)/,
  forks_ignoring_sigterm:
    /webserve\.py had 1 other process \(children ignoring SIGTERM, daemons, forks\), killed with it: python3 webserve\.py \d+$/,
  setsid_daemon:
    /webserve\.py had 1 other process \(children ignoring SIGTERM, daemons, forks\), killed with it: python3 webserve\.py \d+$/,
  fills_disk:
    /webserve\.py filled its sandbox's disk \(No space left on device\)/,
  fork_bomb: /webserve\.py hit the process-count limit \(a fork failed\)/,
};

/** Hostile ones whose servers do not work: a lower score, and the reason. */
const BROKEN: Record<string, { score: number; reason: RegExp }> = {
  // Nothing runs, not even the import.
  hangs_at_import: {
    score: 0,
    reason:
      /^webserve\.py: did not listen on the port it was given within 10 s; webserve_nb\.py: did not listen/,
  },
  // The structure is the model's: its 0.5 points stand.
  never_listens: {
    score: 0.5,
    reason: /^webserve\.py: did not listen on the port it was given/,
  },
  // Both servers start at once, and only one can have 8080: the other exits.
  fixed_port: {
    score: 0.5,
    reason:
      /^webserve\.py: (did not listen on the port it was given within 10 s|exited \(exit code 1\) before it listened)/,
  },
  // webserve.py is graded; webserve_nb.py's checks are not run, nor the structure's that need it.
  only_webserve: {
    score: 2.21,
    reason:
      /^webserve_nb\.py: the submission has no webserve_nb\.py; failed 1 of 59 checks: structure\.webserve_nb-importable; 30 not run$/,
  },
  zip_slip: {
    score: 0,
    reason:
      /^zip refused: the entry '\.\.\/outside\.txt' leaves the submission's folder$/,
  },
  [MARKUP_STUDENT]: {
    score: 0,
    reason: /^no webserve\.py or webserve_nb\.py, there or one folder deeper/,
  },
};

async function readResults(
  out: string,
  students: string[],
): Promise<Map<string, StudentResult>> {
  const results = new Map<string, StudentResult>();
  for (const student of students) {
    results.set(
      student,
      JSON.parse(await Deno.readTextFile(`${out}/${studentFile(student)}`)),
    );
  }
  return results;
}

/** What must be the same whatever --jobs: status, score, failed checks. */
function verdicts(
  results: Map<string, StudentResult>,
): Record<string, unknown> {
  return Object.fromEntries(
    [...results].map(([student, r]) => [student, {
      status: r.status,
      score: r.score,
      failed: [...r.failed].sort(),
    }]),
  );
}

/** Parses CSV with Python's csv module: rows of fields. */
async function parseCsv(path: string): Promise<string[][]> {
  const output = await new Deno.Command("python3", {
    args: [
      "-c",
      "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))",
      path,
    ],
    stdout: "piped",
  }).output();
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

Deno.test({
  name:
    "probe --class grades a class of every fixture alike with --jobs 1 and --jobs 2, each as it deserves, leaving nothing running",
  ignore: noPython !== undefined,
  sanitizeOps: false, // puppeteer keeps its own pipes and timers
  sanitizeResources: false,
  async fn(t) {
    const root = await Deno.makeTempDir({ prefix: "probe-class-test-" });
    const tmp = `${root}/tmp`;
    await Deno.mkdir(tmp);
    const classDir = `${root}/class`;
    const students = [...await writeClass(classDir), MARKUP_STUDENT].sort();
    await Deno.mkdir(`${classDir}/${MARKUP_STUDENT}`);
    await Deno.writeTextFile(`${classDir}/notes.txt`, "not a submission\n");
    const targets: Targets = {
      nonce: crypto.randomUUID(),
      class: [classDir],
      dirs: [`${root}/out1`, `${root}/out2`, Deno.env.get("HOME")!, ROOT],
      files: [`${ROOT}/deno.json`, `${classDir}/correct/handler.py`],
    };
    await aimEscapes(classDir, targets);
    const started = performance.now();
    const [one, two] = await Promise.all(
      [1, 2].map((jobs) =>
        runProbe([
          "--class",
          classDir,
          "--out",
          `${root}/out${jobs}`,
          "--jobs",
          String(jobs),
        ], { tmp })
      ),
    );
    const ms = performance.now() - started;
    console.log(
      `probe_class_test: both gradings took ${Math.round(ms / 1000)} s`,
    );
    const byOne = await readResults(`${root}/out1`, students);
    const byTwo = await readResults(`${root}/out2`, students);

    await t.step(
      "every student is graded, with exit status 0 and one line each",
      () => {
        for (const run of [one, two]) {
          assert.equal(run.code, 0, run.stderr);
          assert.match(
            run.stdout,
            /skipped \(neither a folder nor a \.zip\): notes\.txt/,
          );
          for (const student of students) {
            assert.ok(run.stdout.includes(`  ${student}  `), student);
          }
          assert.match(
            run.stdout,
            new RegExp(`^graded ${students.length} students in `, "m"),
          );
          assert.ok(!run.stdout.includes("\x1b["), "no colour in a pipe");
        }
      },
    );

    await t.step("--jobs 2 gives the same verdicts as --jobs 1", () => {
      assert.deepEqual(verdicts(byTwo), verdicts(byOne));
    });

    await t.step("no process of any submission is left running", async () => {
      assert.deepEqual(await processesHolding(root), []);
    });

    await t.step(
      "writes_outside wrote nothing outside its sandbox: no file in /tmp, /var/tmp, $HOME, the class folder, a student's folder, OUTDIR or the project",
      async () => {
        assert.deepEqual(await escapedFiles(targets), []);
      },
    );

    for (const escape of ESCAPES) {
      await t.step(
        `${escape}: ${
          HELD[escape].held
        }, and it is graded on what its servers did`,
        () => {
          for (const results of [byOne, byTwo]) {
            const result = results.get(escape)!;
            assert.equal(result.score, 5, result.reason);
            const lines = escapeLines(result);
            assert.equal(lines.length, 2, `one line per server: ${lines}`);
            for (const line of lines) assert.match(line, HELD[escape].line);
          }
        },
      );
    }

    await t.step(
      "the model answer, and the zip that nests it one folder deep, get the maximum",
      () => {
        for (const student of ["correct", "zip_nested"]) {
          const result = byTwo.get(student)!;
          assert.equal(result.score, 5, result.reason);
          assert.equal(result.max_score, 5);
          assert.equal(result.reason, "every check passed");
        }
        assert.equal(byTwo.get("zip_nested")!.source.nested, "hw4");
      },
    );

    for (const flaw of FLAWS) {
      await t.step(
        `flaw ${flaw.name} scores lower, failing exactly its checks: ${
          FIXTURES[flaw.name].why
        }`,
        () => {
          const result = byTwo.get(flaw.name)!;
          assert.equal(result.status, "graded");
          assert.ok(result.score < 5, `${result.score}`);
          assert.deepEqual(
            [...result.failed].sort(),
            expectedFailures(flaw.name),
          );
          assert.match(result.reason, /^failed \d+ of 59 checks: /);
        },
      );
    }

    for (const [student, expected] of Object.entries(BROKEN)) {
      await t.step(
        `${student}: scores ${expected.score}, with its reason`,
        () => {
          const result = byTwo.get(student)!;
          assert.equal(result.score, expected.score, result.reason);
          assert.match(result.reason, expected.reason);
        },
      );
    }

    for (const [student, contained] of Object.entries(CONTAINED)) {
      await t.step(
        `${student}: graded on what its servers did (the maximum), with what was contained`,
        () => {
          const result = byTwo.get(student)!;
          assert.equal(result.score, 5, result.reason);
          assert.ok(
            result.contained.some((line) => contained.test(line)),
            result.contained.join("\n"),
          );
          assert.match(result.reason, /^every check passed; contained: /);
          assert.ok(
            result.limits && result.limits.as > 0 && result.limits.wall_ms > 0,
          );
        },
      );
    }

    await t.step("a flood is kept to its first and last KiB", () => {
      const server = byTwo.get("floods_stdout")!.probe!.servers[0];
      const stdout = server.output!.stdout;
      assert.ok(stdout.bytes > 10_000_000, `${stdout.bytes}`);
      assert.ok(stdout.first.length <= 1024 && stdout.last.length <= 1024);
      assert.match(stdout.last, /flood/);
    });

    await t.step(
      "grades.csv parses with a CSV parser: a header, then one row per student",
      async () => {
        const rows = await parseCsv(`${root}/out2/grades.csv`);
        assert.deepEqual(rows[0], [
          "student",
          "score",
          "max_score",
          ...GROUPS,
          "failed_checks",
          "reason",
        ]);
        assert.equal(rows.length, students.length + 1);
        for (const row of rows.slice(1)) {
          const result = byTwo.get(row[0]);
          assert.ok(result, `a row for ${row[0]}`);
          assert.equal(Number(row[1]), result.score);
          assert.equal(row[2], "5");
          assert.equal(
            row.slice(3, 3 + GROUPS.length).reduce(
              (sum, p) => sum + Number(p),
              0,
            ).toFixed(2),
            result.score.toFixed(2),
          );
          const [failed, reason] = row.slice(3 + GROUPS.length);
          assert.deepEqual(failed ? failed.split(" ") : [], result.failed);
          assert.equal(reason, result.reason);
        }
      },
    );

    await t.step({
      name:
        "report.html in headless Firefox: no console errors, one row per student, sorting and the details work",
      ignore: noFirefox !== undefined,
      fn: () => checkReport(`${root}/out2/report.html`, students, byTwo),
    });

    await t.step(
      "--resume keeps the students whose files, probe and rubric are unchanged, and regrades the one that changed",
      async () => {
        await Deno.writeTextFile(
          `${classDir}/${MARKUP_STUDENT}/readme.txt`,
          "changed\n",
        );
        const again = await runProbe([
          "--class",
          classDir,
          "--out",
          `${root}/out2`,
          "--resume",
        ], { tmp });
        assert.equal(again.code, 0, again.stderr);
        const lines = again.stdout.split("\n").filter((l) =>
          /^\d+\/\d+ {2}/.test(l)
        );
        assert.equal(lines.length, students.length);
        const regraded = lines.filter((l) =>
          !l.includes("(kept: same files, probe and rubric)")
        );
        assert.equal(regraded.length, 1, regraded.join("\n"));
        assert.ok(regraded[0].includes(MARKUP_STUDENT));
        assert.match(regraded[0], /found: readme\.txt/);
      },
    );

    await t.step(
      "--students regrades the students named into the same OUTDIR and writes the gradebook anew with every student",
      async () => {
        const before = await parseCsv(`${root}/out2/grades.csv`);
        await Deno.remove(`${root}/out2/grades.csv`);
        const again = await runProbe([
          "--class",
          classDir,
          "--out",
          `${root}/out2`,
          "--students",
          "zip_slip,correct",
        ], { tmp });
        assert.equal(again.code, 0, again.stderr);
        const lines = again.stdout.split("\n").filter((l) =>
          /^\d+\/\d+ {2}/.test(l)
        );
        assert.deepEqual(
          lines.map((l) => l.split(/ {2}/)[1]).sort(),
          ["correct", "zip_slip"],
        );
        assert.match(again.stdout, /2 of \d+ students again/);
        const after = await parseCsv(`${root}/out2/grades.csv`);
        assert.equal(after.length, before.length);
        assert.deepEqual(
          after.map((row) => row.slice(0, 3)),
          before.map((row) => row.slice(0, 3)),
        );
        const unknown = await runProbe([
          "--class",
          classDir,
          "--out",
          `${root}/out2`,
          "--students",
          "nobody",
        ], { tmp });
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /--students: not in the class: nobody/);
      },
    );

    await t.step(
      "--rubric FILE replaces the points: the max and each entry follow it",
      async () => {
        const rubric = `${root}/rubric.json`;
        await Deno.writeTextFile(
          rubric,
          JSON.stringify({
            points: { hello: 6, "framing.firefox": 2, structure: 2 },
          }),
        );
        const small = `${root}/small`;
        await Deno.mkdir(small);
        await Deno.copyFile(
          `${classDir}/zip_slip.zip`,
          `${small}/zip_slip.zip`,
        );
        const run = await runProbe([
          "--class",
          small,
          "--out",
          `${root}/out-rubric`,
          "--rubric",
          rubric,
        ], { tmp });
        assert.equal(run.code, 0, run.stderr);
        const result: StudentResult = JSON.parse(
          await Deno.readTextFile(`${root}/out-rubric/zip_slip.json`),
        );
        assert.equal(result.max_score, 10);
        assert.deepEqual(result.entries.map((e) => [e.name, e.max]), [
          ["hello", 6],
          ["framing.firefox", 2],
          ["structure", 2],
        ]);
        const rows = await parseCsv(`${root}/out-rubric/grades.csv`);
        assert.deepEqual(rows[0].slice(0, 6), [
          "student",
          "score",
          "max_score",
          "hello",
          "framing.firefox",
          "structure",
        ]);
        // --resume trusts a result only under the same rubric (and probe, and files).
        const resumed = (extra: string[]) =>
          runProbe([
            "--class",
            small,
            "--out",
            `${root}/out-rubric`,
            "--resume",
            ...extra,
          ], { tmp });
        const same = await resumed(["--rubric", rubric]);
        assert.match(
          same.stdout,
          /zip_slip .*\(kept: same files, probe and rubric\)/,
        );
        const other = await resumed([]);
        assert.doesNotMatch(other.stdout, /\(kept: /);
        const saved = JSON.parse(
          await Deno.readTextFile(`${root}/out-rubric/zip_slip.json`),
        );
        assert.match(saved.probe_version, /^[0-9a-f]{12}$/);
        assert.match(saved.rubric_hash, /^[0-9a-f]{12}$/);
        assert.equal(saved.max_score, 5);
      },
    );

    assert.equal(
      students.length,
      CHANGES.length + 4,
      "the model, every change, two zips and the markup",
    );
    await Deno.remove(root, { recursive: true });
  },
});

/** Opens the report in headless Firefox and checks it as a grader would use it. */
async function checkReport(
  path: string,
  students: string[],
  results: Map<string, StudentResult>,
): Promise<void> {
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    protocolTimeout: 30_000,
  });
  const limit = setTimeout(() => browser.process()?.kill("SIGKILL"), 90_000);
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warn") {
        problems.push(`${message.type()}: ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error}`));
    page.on("request", (request) => {
      // data: URLs are the browser's own (its fonts), not fetched from anywhere.
      if (!/^(file|data):/.test(request.url())) {
        problems.push(`fetched ${request.url()}`);
      }
    });
    await page.goto(`file://${path}`);
    const column = (index: number) =>
      page.evaluate(
        `[...document.querySelectorAll("#grades tbody tr")].map((row) => row.cells[${index}].textContent)`,
      ) as Promise<string[]>;

    const names = await column(0);
    assert.deepEqual(
      [...names].sort(),
      [...students].sort(),
      "one row per student, names as text",
    );
    assert.equal(
      await page.evaluate(`document.getElementById("injected")`),
      null,
      "a student's name is escaped, never markup",
    );
    assert.equal(
      await page.evaluate(
        `document.querySelectorAll("#histogram rect").length`,
      ),
      10,
    );
    const bars = await page.evaluate(
      `[...document.querySelectorAll("#histogram .bar title")].map((t) => Number(t.textContent.split(": ")[1])).reduce((a, b) => a + b, 0)`,
    );
    assert.equal(bars, students.length, "the histogram counts every student");
    assert.match(
      String(
        await page.evaluate(
          `document.getElementById("most-failed").textContent`,
        ),
      ),
      /concurrency|hello|structure/,
    );

    // Sorting by score: ascending, then descending on a second click.
    await page.click("#grades thead th:nth-child(2)");
    const ascending = (await column(1)).map(Number);
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    await page.click("#grades thead th:nth-child(2)");
    const descending = (await column(1)).map(Number);
    assert.deepEqual(descending, [...ascending].sort((a, b) => b - a));
    // By name.
    await page.click("#grades thead th:nth-child(1)");
    const byName = await column(0);
    assert.deepEqual(byName, [...byName].sort());

    // A student's details open from their name and show the failures' evidence.
    const row = byName.indexOf("query_echoed");
    await page.click(`#grades tbody tr:nth-child(${row + 1}) a`);
    const details = await page.evaluate(`(() => {
      const d = [...document.querySelectorAll("details.student")].find((e) => e.dataset.student === "query_echoed");
      return { open: d.open, text: d.textContent };
    })()`) as { open: boolean; text: string };
    assert.equal(details.open, true);
    assert.match(details.text, /hello\.query-ignored/);
    assert.match(details.text, /sent"GET \/search\?q=hello&page=2 HTTP\/1\.1"/);
    assert.match(details.text, /got200 "hello, \/search\?q=hello&page=2"/);
    assert.ok(results.get("query_echoed"));
    assert.deepEqual(problems, []);
  } finally {
    clearTimeout(limit);
    await browser.close().catch(() => browser.process()?.kill("SIGKILL"));
  }
}

Deno.test({
  name:
    "probe --class --no-namespaces says so once, runs on the host's loopback, and a setsid daemon still ends with its server's sandbox",
  ignore: noPython !== undefined,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "probe-class-test-" });
    try {
      const { writeFixture } = await import("../probe/fixtures/fixtures.ts");
      for (const name of ["setsid_daemon", "forks_ignoring_sigterm"]) {
        await writeFixture(name, `${root}/class/${name}`);
      }
      const run = await runProbe([
        "--class",
        `${root}/class`,
        "--out",
        `${root}/out`,
        "--jobs",
        "2",
        "--no-namespaces",
      ], { tmp: root });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.stderr.trimEnd().split("\n"), [
        "probe: namespaces not used (--no-namespaces), so each submission runs on the host's loopback with free ports",
      ]);
      const results = await readResults(`${root}/out`, [
        "setsid_daemon",
        "forks_ignoring_sigterm",
      ]);
      for (const [student, result] of results) {
        assert.equal(result.score, 5, result.reason);
        assert.match(result.contained[0], CONTAINED[student]);
        assert.equal(result.escaped, undefined);
      }
      assert.deepEqual(await processesHolding(root), []);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "probe --class --wall-clock ends a submission that runs past it, grades it 0 with that reason, and leaves nothing of it running",
  ignore: noPython !== undefined,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "probe-class-test-" });
    try {
      const { writeFixture } = await import("../probe/fixtures/fixtures.ts");
      await writeFixture("hangs_at_import", `${root}/class/hangs_at_import`);
      const started = performance.now();
      const run = await runProbe([
        "--class",
        `${root}/class`,
        "--out",
        `${root}/out`,
        "--wall-clock",
        "3",
        "-q",
      ], { tmp: root });
      const ms = performance.now() - started;
      assert.equal(run.code, 0, run.stderr);
      assert.ok(ms < 30_000, `took ${ms} ms`);
      const result = (await readResults(`${root}/out`, ["hangs_at_import"]))
        .get("hangs_at_import")!;
      assert.equal(result.score, 0);
      assert.equal(
        result.reason,
        "the whole submission ran past the wall-clock limit of 3 s",
      );
      assert.deepEqual(result.contained, [
        "the run passed the wall-clock limit of 3 s: killed",
      ]);
      assert.equal(result.limits?.wall_ms, 3000);
      assert.match(run.stdout, /1\/1 {2}hangs_at_import {2}0\/5 {2}the whole/);
      assert.deepEqual(await processesHolding(root), []);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test(
  "a class of 60 graded with the default --jobs gives every copy of one submission the verdict its fixture deserves",
  async () => {
    const root = await Deno.makeTempDir({ prefix: "probe-class60-" });
    const kinds = [
      "correct",
      ...FLAWS.map((f) => f.name),
    ] as (keyof typeof FIXTURES)[];
    const made = `${root}/made`;
    for (const kind of kinds) await writeFixture(kind, `${made}/${kind}`);
    const copies = new Map<string, keyof typeof FIXTURES>();
    await Deno.mkdir(`${root}/class`);
    for (let i = 0; i < 60; i++) {
      const kind = kinds[i % kinds.length];
      const student = `s${String(i).padStart(2, "0")}_${kind}`;
      copies.set(student, kind);
      const copy = await new Deno.Command("cp", {
        args: ["-r", `${made}/${kind}`, `${root}/class/${student}`],
      }).output();
      assert.ok(copy.success);
    }
    const started = performance.now();
    const run = await runProbe(
      ["--class", `${root}/class`, "--out", `${root}/out`],
      { tmp: root },
    );
    const seconds = Math.round((performance.now() - started) / 1000);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`60 students, ${defaultJobs()} at a time`),
    );
    console.log(
      `probe_class_test: 60 students with the default --jobs (${defaultJobs()}) in ${seconds} s`,
    );
    const wrong: string[] = [];
    for (const [student, kind] of copies) {
      const result: StudentResult = JSON.parse(
        await Deno.readTextFile(`${root}/out/${student}.json`),
      );
      const failed = [...result.failed].sort();
      if (JSON.stringify(failed) !== JSON.stringify(expectedFailures(kind))) {
        wrong.push(`${student}: failed ${failed.join(" ") || "nothing"}`);
      }
    }
    assert.deepEqual(wrong, []);
    await Deno.remove(root, { recursive: true });
  },
);
