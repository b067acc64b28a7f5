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
import { ROOT, runDeno } from "../testing/commands.ts";
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
import { probeFiles } from "../probe/platforms/probe_files.ts";
import { USAGE } from "../probe/cli.ts";

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

/** Runs one of {@link COMMANDS} from `cwd` (the task's relative --out lands there). */
async function runCommand(command: string, cwd: string): Promise<void> {
  const words = command.split(" ");
  assert.deepEqual(words.slice(0, 3), ["deno", "task", "probe"]);
  const result = await runDeno(
    ["task", "--cwd", ROOT, "-q", "probe", ...words.slice(3)],
    cwd,
  );
  assert.equal(result.code, 0, result.stderr);
}

/** What each submission deserves on the default rubric (5 points). */
const DESERVED: Record<PlatformSubmission | "silent", number> = {
  model: 5,
  flawed: 4.8334, // one hello check of twelve fails on each server: 2 × 0.0833
  empty: 0,
  hangs_at_import: 0,
  forger: 5, // the model answer underneath
  silent: 0, // nothing answers, and there is no handle_connection
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

/** The processes whose working folder is `path` (what a submission left running). */
async function processesIn(path: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cwd = await Deno.readLink(`/proc/${entry.name}/cwd`).catch(() => "");
    if (cwd.startsWith(path)) found.push(entry.name);
  }
  return found;
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
    await runCommand(COMMANDS.gradescope, root);
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
      name: PlatformSubmission | "silent",
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
      Promise.all(PLATFORM_SUBMISSIONS.map((name) => gradescope(name, name))),
      // Servers that accept and never answer (each check waits out its time), stopped 20 s in.
      gradescope("deadline", "silent", { PROBE_DEADLINE_S: "20" }),
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
        assert.match(stopped.run.stdout, /stopped at the deadline of 20 s/);
        assertGradescopeFormat(stopped.doc, "after_due_date");
        assert.match(
          stopped.doc.output,
          /^The grading stopped after (\d+) of 59 checks, before the end/,
        );
        const notReached = stopped.doc.tests.filter((t: { output: string }) =>
          /not reached: the grading stopped before this check/.test(t.output)
        );
        assert.ok(notReached.length > 0 && notReached.length < 59);
        assert.ok(stopped.doc.score < 1);
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
    await t.step("nothing of any submission is left running", async () => {
      assert.deepEqual(await processesIn("/autograder"), []);
    });
    await t.step({
      name:
        "the forger could not write into the grader's files (/autograder/source)",
      ignore: !BOX_UNPRIVILEGED,
      fn: async () => {
        await assert.rejects(Deno.stat(`${source}/FORGED`));
      },
    });
    await Deno.remove(root, { recursive: true });
  },
});
