/**
 * `deno task probe --autograder` for each platform, tried in that platform's
 * own layout, offline, as the platform runs it:
 *
 * - Gradescope: the zip unpacked and bind-mounted at /autograder in a mount
 *   namespace of its own; setup.sh once (with the network tools standing in,
 *   so any call to them shows), then run_autograder for a model answer, a
 *   flawed one, an empty submission, one that hangs at import and one that
 *   forges its results; each results.json checked field by field against
 *   Gradescope's "Autograder Specifications".
 * - PrairieLearn: the same in a /grade layout, the image's install script
 *   once, then the entrypoint; each results.json checked against its
 *   "External Grading" page.
 * - GitHub Classroom: the workflow parses, its points add up, and each
 *   step's commands, run as the command grader runs them in a checkout of a
 *   model answer and of a flawed one, exit as they should.
 *
 * And docs/grading-a-class.md gives exactly the commands these tests run.
 */

import assert from "node:assert/strict";
import { parse } from "yaml";
import { ROOT, runCommand } from "../testing/commands.ts";
import {
  inMountNamespace,
  mountNamespaceMissing,
  networkShims,
  PLATFORM_SUBMISSIONS,
  type PlatformSubmission,
  unpackZip,
  writePlatformSubmission,
} from "../testing/platform_layout.ts";
import { DEADLINE_S } from "../probe/platforms/grading_script.ts";
import { VISIBILITIES } from "../probe/class/gradescope.ts";
import { DEFAULT_RUBRIC } from "../probe/class/rubric.ts";
import { probeFiles } from "../probe/platforms/probe_files.ts";
import { USAGE } from "../probe/plan.ts";

/**
 * Whether the student's code runs as an unprivileged user that cannot write
 * the grader's files (issue 25's box; it brings `--require-sandbox`). Until
 * then the forger's write into the grader's folder is not asserted.
 */
const BOX_UNPRIVILEGED = USAGE.includes("--require-sandbox");
if (!BOX_UNPRIVILEGED) {
  console.log(
    "platforms_test: whether a forger can write the grader's files is not asserted yet: the student's code runs as root until the box runs it unprivileged (issue 25)",
  );
}

/** The commands docs/grading-a-class.md gives, run here as they are written (OUT a temporary folder). */
const COMMANDS = {
  gradescope:
    "deno task probe --autograder gradescope --out autograder.zip --visibility after_due_date",
  prairielearn: "deno task probe --autograder prairielearn --out pl-grader",
  classroom: "deno task probe --autograder github-classroom --out hw4-template",
};

const noLayout = await mountNamespaceMissing();
if (noLayout) {
  console.log(
    `platforms_test: Gradescope's and PrairieLearn's layouts are skipped: ${noLayout}`,
  );
}

/** Runs one of {@link COMMANDS} from `cwd`, as a user there would (`INIT_CWD` is where `deno task` resolves --out from, and `deno task test` has set it already). */
async function runDocumented(command: string, cwd: string): Promise<void> {
  const words = command.split(" ");
  assert.deepEqual(words.slice(0, 3), ["deno", "task", "probe"]);
  const result = await runCommand([
    Deno.execPath(),
    "task",
    "--cwd",
    ROOT,
    "-q",
    "probe",
    ...words.slice(3),
  ], { cwd, env: { INIT_CWD: cwd } });
  assert.equal(result.code, 0, result.stderr);
}

/** What each submission deserves on the default rubric (5 points). */
const DESERVED: Record<PlatformSubmission | "slow", number> = {
  model: 5,
  flawed: 4.8, // one hello check of ten fails on each server: 2 × 0.1
  empty: 0,
  hangs_at_import: 0,
  forger: 5, // the model answer underneath
  slow: 5, // every answer within its limit
};

/** Asserts `keys` are all among `allowed`. */
function onlyKeys(object: object, allowed: readonly string[], what: string) {
  for (const key of Object.keys(object)) {
    assert.ok(
      allowed.includes(key),
      `${what}: ${key} is not a documented field`,
    );
  }
}

/** Four decimals, as the probe gives points. */
const fourPlaces = (n: number) => Math.round(n * 10_000) / 10_000;

/** Gradescope's documented results.json (docs/specs.md of gradescope/autograder_samples), field by field. */
// deno-lint-ignore no-explicit-any
function assertGradescopeFormat(doc: any, visibility: string): void {
  onlyKeys(doc, [
    "score",
    "execution_time",
    "output",
    "output_format",
    "test_output_format",
    "test_name_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
  ], "results.json");
  assert.equal(typeof doc.score, "number");
  assert.ok(Number.isInteger(doc.execution_time) && doc.execution_time >= 0);
  assert.ok(doc.execution_time <= DEADLINE_S + 30, `${doc.execution_time} s`);
  assert.equal(typeof doc.output, "string");
  assert.equal(doc.output_format, "text"); // nothing a submission wrote is rendered as HTML
  assert.equal(doc.stdout_visibility, visibility);
  assert.ok(Array.isArray(doc.tests));
  for (const test of doc.tests) {
    onlyKeys(test, [
      "score",
      "max_score",
      "status",
      "name",
      "name_format",
      "number",
      "output",
      "output_format",
      "tags",
      "visibility",
      "extra_data",
    ], `test ${test.name}`);
    assert.equal(typeof test.name, "string");
    assert.equal(typeof test.output, "string");
    assert.ok(["passed", "failed"].includes(test.status));
    assert.ok(
      test.max_score > 0 && fourPlaces(test.max_score) === test.max_score,
    );
    assert.equal(test.score, test.status === "passed" ? test.max_score : 0);
    assert.ok((VISIBILITIES as readonly string[]).includes(test.visibility));
    assert.equal(test.visibility, visibility);
  }
  // The tests add up to the score (which overrides their total), and to the rubric's 5 points.
  const sum = (key: string) =>
    fourPlaces(
      doc.tests.reduce((n: number, t: Record<string, number>) => n + t[key], 0),
    );
  if (doc.tests.length) {
    assert.equal(sum("score"), doc.score);
    assert.equal(sum("max_score"), 5);
  }
}

/** PrairieLearn's documented results.json (docs/Dev-Guide/How-To-Guide/externalGrading.md of PrairieLearn/PrairieLearn), field by field. */
// deno-lint-ignore no-explicit-any
function assertPrairieLearnFormat(doc: any): void {
  onlyKeys(doc, [
    "gradable",
    "score",
    "message",
    "output",
    "format_errors",
    "images",
    "tests",
  ], "results.json");
  assert.equal(typeof doc.gradable, "boolean");
  assert.ok(
    new TextEncoder().encode(JSON.stringify(doc)).length < 1024 * 1024,
    "results.json stays under 1 MB",
  );
  if (!doc.gradable) {
    assert.ok(Array.isArray(doc.format_errors) && doc.format_errors.length);
    for (const error of doc.format_errors) assert.equal(typeof error, "string");
    return;
  }
  assert.ok(doc.score >= 0 && doc.score <= 1, `score ${doc.score}`);
  assert.equal(typeof doc.message, "string");
  for (const test of doc.tests) {
    onlyKeys(test, [
      "name",
      "description",
      "points",
      "max_points",
      "message",
      "output",
      "images",
    ], `test ${test.name}`);
    for (const key of ["name", "description", "message", "output"]) {
      assert.equal(typeof test[key], "string", key);
    }
    assert.ok(test.points === 0 || test.points === test.max_points);
  }
  const sum = (key: string) =>
    fourPlaces(
      doc.tests.reduce((n: number, t: Record<string, number>) => n + t[key], 0),
    );
  assert.equal(sum("max_points"), 5);
  assert.ok(Math.abs(sum("points") / 5 - doc.score) < 1e-6);
}

/** The processes whose working folder is under `path` (what a submission left running). Deno reads /proc only with --allow-all: a shell reads it. */
async function processesIn(path: string): Promise<string[]> {
  const run = await runCommand([
    "sh",
    "-c",
    'for p in /proc/[0-9]*; do echo "${p#/proc/} $(readlink "$p/cwd" 2>/dev/null)"; done',
  ]);
  return run.stdout.split("\n").filter((line) => {
    const cwd = line.slice(line.indexOf(" ") + 1);
    return cwd === path || cwd.startsWith(`${path}/`);
  });
}

/** The steps after a platform's runs: nothing of a submission runs on in `layout`, and (once the box runs code unprivileged) the forger wrote nothing into `grader`. */
async function nothingLeftBehind(
  t: Deno.TestContext,
  layout: string,
  grader: string,
): Promise<void> {
  await t.step("nothing of any submission is left running", async () => {
    assert.deepEqual(await processesIn(layout), []);
  });
  await t.step({
    name: `the forger could not write into the grader's files (${layout})`,
    ignore: !BOX_UNPRIVILEGED,
    fn: async () => {
      await assert.rejects(Deno.stat(`${grader}/FORGED`));
    },
  });
}

/** `work` on each of `items`, `size` at a time (so that a test's own probes do not crowd the machine's two cores), results in order. */
async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    results.push(...await Promise.all(items.slice(i, i + size).map(work)));
  }
  return results;
}

/** A PATH whose first folder holds a `deno` that fails at once (exit 3), as a probe that cannot start. */
async function brokenDeno(dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/deno`,
    "#!/bin/sh\necho 'deno: broken on purpose' >&2\nexit 3\n",
    { mode: 0o755 },
  );
  return `${dir}:${Deno.env.get("PATH")}`;
}

Deno.test({
  name:
    "Gradescope: the zip's setup.sh installs nothing already there, and run_autograder leaves a valid results.json for a model, a flaw, nothing, a hang and a forger",
  ignore: noLayout !== undefined,
  async fn(t) {
    const root = await Deno.makeTempDir({ prefix: "gradescope-layout-" });
    await runDocumented(COMMANDS.gradescope, root);
    const source = `${root}/source`;
    await unpackZip(`${root}/autograder.zip`, source);
    await t.step(
      "the zip holds setup.sh, run_autograder, a deno.json and the probe's own files, nothing else",
      async () => {
        const files: string[] = [];
        const walk = async (dir: string, prefix: string) => {
          for await (const entry of Deno.readDir(dir)) {
            if (entry.isDirectory) {
              await walk(`${dir}/${entry.name}`, `${prefix}${entry.name}/`);
            } else files.push(`${prefix}${entry.name}`);
          }
        };
        await walk(source, "");
        assert.deepEqual(
          files.sort(),
          [...await probeFiles(), "deno.json", "run_autograder", "setup.sh"]
            .sort(),
        );
        assert.equal(
          (await Deno.stat(`${source}/run_autograder`)).mode! & 0o777,
          0o755,
        );
        assert.equal(
          (await Deno.stat(`${source}/setup.sh`)).mode! & 0o777,
          0o755,
        );
      },
    );

    await t.step(
      "setup.sh, once, reaches for no network tool when Deno and the packages are there",
      async () => {
        const shims = await networkShims(`${root}/shims`);
        const setup = await inMountNamespace(
          [[root, "/autograder"]],
          "cd /autograder && bash source/setup.sh",
          { PATH: `${shims.path}:${Deno.env.get("PATH")}` },
        );
        assert.equal(setup.code, 0, setup.stdout + setup.stderr);
        assert.deepEqual(await shims.calls(), []);
        assert.match(setup.stdout, /ready \(deno 2\.9\.6 /);
      },
    );

    const gradescope = async (
      label: string,
      name: PlatformSubmission | "slow",
      env: Record<string, string> = {},
    ) => {
      const box = `${root}/run-${label}`;
      await writePlatformSubmission(name, `${box}/submission`);
      await Deno.mkdir(`${box}/results`, { recursive: true });
      // Gradescope copies run_autograder to /autograder and runs it from there.
      await Deno.copyFile(`${source}/run_autograder`, `${box}/run_autograder`);
      await Deno.chmod(`${box}/run_autograder`, 0o755);
      const started = performance.now();
      const run = await inMountNamespace(
        [[box, "/autograder"], [source, "/autograder/source"]],
        "cd /autograder && ./run_autograder",
        env,
      );
      const seconds = (performance.now() - started) / 1000;
      const text = await Deno.readTextFile(`${box}/results/results.json`)
        .catch(() => `{"no results.json": ${JSON.stringify(run)}}`);
      return { name, run, seconds, doc: JSON.parse(text) };
    };
    const [runs, stopped, failed] = await Promise.all([
      inBatches(PLATFORM_SUBMISSIONS, 3, (name) => gradescope(name, name)),
      // The model answer, 1.5 s slow to each answer (so minutes in all), stopped 40 s in.
      gradescope("deadline", "slow", { PROBE_DEADLINE_S: "40" }),
      // The probe itself fails at once: a deno that exits 3.
      brokenDeno(`${root}/broken-deno`).then((path) =>
        gradescope("broken-deno", "model", { PATH: path })
      ),
    ]);

    for (const { name, run, seconds, doc } of runs) {
      await t.step(
        `${name}: ${
          DESERVED[name]
        } points, in Gradescope's format, within 3 minutes`,
        () => {
          assert.equal(run.code, 0, run.stderr);
          assert.ok(seconds < 180, `${seconds} s`);
          assertGradescopeFormat(doc, "after_due_date");
          assert.equal(doc.score, DESERVED[name], doc.output);
          assert.doesNotMatch(doc.output, /FORGED/);
          if (name === "model" || name === "forger") {
            assert.ok(
              doc.tests.every((t: { status: string }) => t.status === "passed"),
            );
            assert.match(
              doc.output,
              /^5\/5 points; 59\/59 checks passed \(deno task probe, version [0-9a-f]{12}\)/,
            );
          }
          if (name === "flawed") {
            assert.deepEqual(
              doc.tests.filter((t: { status: string }) => t.status === "failed")
                .map((t: { name: string }) => t.name),
              [
                "webserve.py: hello.query-ignored",
                "webserve_nb.py: hello.query-ignored",
              ],
            );
          }
          if (name === "empty") {
            assert.match(doc.output, /the submission has no webserve\.py/);
          }
          if (name === "hangs_at_import") {
            assert.match(doc.output, /did not listen/);
          }
        },
      );
    }
    await t.step(
      "a grading stopped at its deadline leaves the checks it did, and says so",
      () => {
        assert.equal(stopped.run.code, 0, stopped.run.stderr);
        assert.match(stopped.run.stdout, /stopped at the deadline of 40 s/);
        assertGradescopeFormat(stopped.doc, "after_due_date");
        assert.match(
          stopped.doc.output,
          /^The grading stopped after (\d+) of 59 checks, before the end/,
        );
        const notReached = stopped.doc.tests.filter((t: { output: string }) =>
          /not reached: the grading stopped before this check/.test(t.output)
        );
        assert.ok(notReached.length > 0 && notReached.length < 59);
        assert.ok(stopped.doc.score < 5);
      },
    );
    await t.step(
      "a probe that cannot start leaves Gradescope's document saying so, score 0",
      () => {
        assert.equal(failed.run.code, 0, failed.run.stderr);
        assertGradescopeFormat(failed.doc, "after_due_date");
        assert.equal(failed.doc.score, 0);
        assert.deepEqual(failed.doc.tests, []);
        assert.match(
          failed.doc.output,
          /^The autograder could not grade this submission: the probe exited with status 3 before its first check\./,
        );
      },
    );
    await nothingLeftBehind(t, "/autograder", source);
    await Deno.remove(root, { recursive: true });
  },
});

Deno.test({
  name:
    "PrairieLearn: the image's install script installs nothing already there, and the entrypoint leaves a valid /grade/results/results.json for a model, a flaw, nothing, a hang and a forger",
  ignore: noLayout !== undefined,
  async fn(t) {
    const root = await Deno.makeTempDir({ prefix: "prairielearn-layout-" });
    await runDocumented(COMMANDS.prairielearn, root);
    const out = `${root}/pl-grader`;
    const grader = `${out}/serverFilesCourse/webserve_probe`;

    await t.step(
      "info.json grades externally: image, entrypoint, serverFilesCourse, timeout",
      async () => {
        const info = JSON.parse(
          await Deno.readTextFile(`${out}/questions/webserve/info.json`),
        );
        assert.equal(info.gradingMethod, "External");
        assert.equal(info.type, "v3");
        assert.match(info.uuid, /^[0-9a-f-]{36}$/);
        const options = info.externalGradingOptions;
        onlyKeys(options, [
          "enabled",
          "image",
          "entrypoint",
          "serverFilesCourse",
          "timeout",
          "enableNetworking",
          "environment",
        ], "externalGradingOptions");
        assert.equal(options.enabled, true);
        assert.equal(options.image, "webserve-probe");
        assert.deepEqual(options.serverFilesCourse, ["webserve_probe/"]);
        assert.equal(
          options.entrypoint,
          "/grade/serverFilesCourse/webserve_probe/run.sh",
        );
        // PrairieLearn kills a job past its timeout (at most 600 s): the script's deadline comes first.
        assert.ok(options.timeout > DEADLINE_S + 10 && options.timeout <= 600);
        const html = await Deno.readTextFile(
          `${out}/questions/webserve/question.html`,
        );
        assert.match(
          html,
          /<pl-file-upload file-names="webserve\.py, webserve_nb\.py"/,
        );
        assert.match(html, /<pl-external-grader-results>/);
      },
    );

    await t.step(
      "the image's install script, once, reaches for no network tool when Deno and the packages are there",
      async () => {
        const shims = await networkShims(`${root}/shims`);
        const install = await new Deno.Command("bash", {
          args: [`${out}/grader-image/install.sh`],
          env: { PATH: `${shims.path}:${Deno.env.get("PATH")}` },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
        assert.deepEqual(await shims.calls(), []);
        assert.match(
          await Deno.readTextFile(`${out}/grader-image/Dockerfile`),
          /^FROM ubuntu:/m,
        );
      },
    );

    const runs = await inBatches(PLATFORM_SUBMISSIONS, 3, async (name) => {
      const job = `${root}/job-${name}`;
      // PrairieLearn's /grade: the course's files, the student's, and no results folder yet.
      await writePlatformSubmission(name, `${job}/student`);
      await Deno.mkdir(`${job}/serverFilesCourse`, { recursive: true });
      await Deno.mkdir(`${job}/data`, { recursive: true });
      await Deno.writeTextFile(`${job}/data/data.json`, "{}\n");
      const started = performance.now();
      const run = await inMountNamespace(
        [[job, "/grade"], [grader, "/grade/serverFilesCourse/webserve_probe"]],
        // PrairieLearn makes the entrypoint executable and runs it.
        "chmod +x /grade/serverFilesCourse/webserve_probe/run.sh && /grade/serverFilesCourse/webserve_probe/run.sh",
      );
      const seconds = (performance.now() - started) / 1000;
      const text = await Deno.readTextFile(`${job}/results/results.json`)
        .catch(() => `{"no results.json": ${JSON.stringify(run)}}`);
      return { name, run, seconds, doc: JSON.parse(text) };
    });

    for (const { name, run, seconds, doc } of runs) {
      await t.step(
        `${name}: ${
          name === "empty" ? "not gradable" : `score ${DESERVED[name] / 5}`
        }, in PrairieLearn's format`,
        () => {
          assert.equal(run.code, 0, run.stderr);
          assert.ok(seconds < DEADLINE_S + 30, `${seconds} s`);
          assertPrairieLearnFormat(doc);
          assert.doesNotMatch(JSON.stringify(doc), /FORGED/);
          if (name === "empty") {
            assert.equal(doc.gradable, false);
            assert.equal("score" in doc, false);
            assert.deepEqual(doc.format_errors, [
              "the submission has no webserve.py (it needs webserve.py and webserve_nb.py)",
              "the submission has no webserve_nb.py (it needs webserve.py and webserve_nb.py)",
            ]);
            return;
          }
          assert.equal(doc.gradable, true);
          assert.equal(doc.score, Math.round(DESERVED[name] / 5 * 1e6) / 1e6);
          if (name === "flawed") {
            assert.deepEqual(
              doc.tests.filter((t: { points: number }) => t.points === 0).map((
                t: { name: string },
              ) => t.name),
              [
                "webserve.py: hello.query-ignored",
                "webserve_nb.py: hello.query-ignored",
              ],
            );
          }
        },
      );
    }
    await nothingLeftBehind(t, "/grade", grader);
    await Deno.remove(root, { recursive: true });
  },
});

/** The environment GitHub Classroom's command grader runs a step's commands with (its src/main.js). */
const COMMAND_GRADER_ENV = (path: string) => ({
  PATH: path,
  FORCE_COLOR: "true",
  DOTNET_CLI_HOME: "/tmp",
  DOTNET_NOLOGO: "true",
  HOME: Deno.env.get("HOME") ?? "/root",
});

Deno.test("GitHub Classroom: the workflow parses, its steps add up to the rubric's points, and each step's command passes or fails a checkout as it should", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "classroom-" });
  const template = `${root}/hw4-template`;
  await runDocumented(COMMANDS.classroom, root);
  // deno-lint-ignore no-explicit-any
  const workflow: any = parse(
    await Deno.readTextFile(`${template}/.github/workflows/classroom.yml`),
  );
  const job = workflow.jobs["run-autograding-tests"];
  const graders = job.steps.filter((s: { uses?: string }) =>
    s.uses === "classroom-resources/autograding-command-grader@v1"
  );

  await t.step(
    "one command-grader step per rubric entry, then the reporter, as the actions document them",
    () => {
      assert.deepEqual(workflow.on, ["push", "repository_dispatch"]);
      assert.equal(workflow.permissions.checks, "write");
      assert.equal(job.steps[0].uses, "actions/checkout@v4");
      assert.deepEqual(
        graders.map((s: { id: string }) => s.id),
        Object.keys(DEFAULT_RUBRIC.points),
      );
      for (const step of graders) {
        onlyKeys(step.with, [
          "test-name",
          "setup-command",
          "command",
          "timeout",
          "max-score",
        ], step.id);
        assert.equal(step.with["test-name"], step.id);
        assert.ok(
          Number.isInteger(step.with["max-score"]),
          "max-score is read with parseInt",
        );
        assert.ok(step.with.timeout > 0 && step.with.timeout <= 360, "minutes");
        assert.match(step.with.command, new RegExp(`--checks ${step.id}\\b`));
      }
      // The rubric's 5.0 points, each entry times 4 (its quarter points): the command grader counts whole points.
      assert.equal(
        graders.reduce(
          (n: number, s: { with: Record<string, number> }) =>
            n + s.with["max-score"],
          0,
        ),
        20,
      );
      const reporter = job.steps.at(-1);
      assert.equal(
        reporter.uses,
        "classroom-resources/autograding-grading-reporter@v1",
      );
      assert.equal(
        reporter.with.runners,
        graders.map((s: { id: string }) => s.id).join(","),
      );
      for (const step of graders) {
        assert.equal(
          reporter.env[`${step.id.toUpperCase()}_RESULTS`],
          `\${{steps.${step.id}.outputs.result}}`,
        );
      }
    },
  );

  // A checkout of the template with the student's files: the model answer, and the query-echoing flaw.
  const flawedCheckout = `${root}/flawed-checkout`;
  await Deno.mkdir(flawedCheckout);
  await new Deno.Command("cp", {
    args: ["-a", `${template}/.github`, flawedCheckout],
  }).output();
  await writePlatformSubmission("model", template);
  await writePlatformSubmission("flawed", flawedCheckout);
  const shims = await networkShims(`${root}/shims`);
  const env = COMMAND_GRADER_ENV(`${shims.path}:${Deno.env.get("PATH")}`);
  const runSteps = (checkout: string) =>
    inBatches(
      graders,
      3,
      async (step: { id: string; with: Record<string, string> }) => {
        const sh = (command: string) =>
          new Deno.Command("sh", {
            args: ["-c", command],
            cwd: checkout,
            env,
            clearEnv: true,
            stdout: "piped",
            stderr: "piped",
          }).output();
        const setup = await sh(step.with["setup-command"]);
        const command = await sh(step.with.command);
        return { id: step.id, setup: setup.code, code: command.code };
      },
    );
  const [model, flawed] = [
    await runSteps(template),
    await runSteps(flawedCheckout),
  ];

  await t.step("on the model answer every step exits 0: 20/20", () => {
    for (const step of model) {
      assert.equal(step.setup, 0, `${step.id}'s setup-command`);
      assert.equal(step.code, 0, step.id);
    }
  });
  await t.step(
    "on the flawed answer only hello's step fails (all of hello's 4 points): 16/20",
    () => {
      assert.deepEqual(
        flawed.filter((s) => s.code !== 0).map((s) => s.id),
        ["hello"],
      );
    },
  );
  await t.step(
    "the setup commands reach for no network tool when Deno is there",
    async () => {
      assert.deepEqual(await shims.calls(), []);
    },
  );
  await Deno.remove(root, { recursive: true });
});

/** The shell lines of every ```sh block of docs/grading-a-class.md's "On a course platform". */
async function platformDocCommands(): Promise<string[]> {
  const doc = await Deno.readTextFile(`${ROOT}/docs/grading-a-class.md`);
  const section = doc.slice(
    doc.indexOf("## On a course platform"),
    doc.indexOf("\n## ", doc.indexOf("## On a course platform") + 3),
  );
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1].split("\n").filter(Boolean)
  );
}

Deno.test("docs/grading-a-class.md's platform commands are the ones these tests run, and its by-hand commands work as it says", async () => {
  const commands = await platformDocCommands();
  const root = await Deno.makeTempDir({ prefix: "platform-docs-" });
  await runDocumented(COMMANDS.classroom, root);
  const workflow = parse(
    await Deno.readTextFile(
      `${root}/hw4-template/.github/workflows/classroom.yml`,
    ),
  ) as {
    jobs: Record<
      string,
      { steps: { id?: string; with?: Record<string, string> }[] }
    >;
  };
  const hello = workflow.jobs["run-autograding-tests"].steps.find((s) =>
    s.id === "hello"
  );
  const byHand = {
    gradescope:
      "deno task probe --submission hw4/ --gradescope results.json --visibility after_due_date",
    prairielearn:
      "deno task probe --submission hw4/ --prairielearn results.json",
  };
  const known = [
    ...Object.values(COMMANDS),
    hello?.with?.command,
    ...Object.values(byHand),
  ];
  for (const command of commands) {
    assert.ok(
      known.includes(command),
      `docs give a command no test runs: ${command}`,
    );
  }
  for (const command of Object.values(COMMANDS)) {
    assert.ok(commands.includes(command), command);
  }
  // The by-hand commands, on the model answer in hw4/: 5 points on each platform.
  await writePlatformSubmission("model", `${root}/gs/hw4`);
  await writePlatformSubmission("model", `${root}/pl/hw4`);
  const runHand = async (command: string, cwd: string) => {
    const words = command.split(" ").slice(3);
    const result = await runCommand([
      Deno.execPath(),
      "task",
      "--cwd",
      ROOT,
      "-q",
      "probe",
      ...words,
      "-q",
    ], { cwd, env: { INIT_CWD: cwd } });
    return {
      result,
      doc: JSON.parse(await Deno.readTextFile(`${cwd}/results.json`)),
    };
  };
  const [gs, pl] = await Promise.all([
    runHand(byHand.gradescope, `${root}/gs`),
    runHand(byHand.prairielearn, `${root}/pl`),
  ]);
  assert.equal(gs.result.code, 0, gs.result.stdout);
  assert.equal(gs.doc.score, 5);
  assertGradescopeFormat(gs.doc, "after_due_date");
  assert.equal(pl.result.code, 0, pl.result.stdout);
  assertPrairieLearnFormat(pl.doc);
  assert.equal(pl.doc.score, 1);
  await Deno.remove(root, { recursive: true });
});
