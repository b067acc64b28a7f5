/**
 * The box of `probe --class` beyond a root grader with bubblewrap (which
 * tests/probe_class_test.ts grades): the escape fixtures, aimed at this
 * run's real paths, graded at once by a grader who is `nobody` (the whole
 * probe run through setpriv, with a HOME and a DENO_DIR of its own), and
 * with bwrap taken off PATH (the fallback: said in one line, the uid and
 * the limits alone). What each box held is seen from the host afterwards;
 * every student is graded on what its servers did; nothing is left running.
 * And --require-sandbox refuses to grade without bwrap; and a submission
 * graded for Gradescope (`--submission --gradescope`, as root) writes
 * neither into its results' folder nor into the probe's.
 */

import assert from "node:assert/strict";
import { ROOT } from "../testing/commands.ts";
import { commandSucceeds } from "../wire/commands.ts";
import { writeFixture } from "../probe/fixtures/fixtures.ts";
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

const root = await commandSucceeds("sh", ["-c", 'test "$(id -u)" = 0']);
const noPython = !await commandSucceeds("python3", ["--version"]);
const noBwrap = !await commandSucceeds("bwrap", ["--version"]);
const why = noPython
  ? "no python3"
  : noBwrap
  ? "no bwrap (apt-get install bubblewrap)"
  : !root
  ? "not root: it grades as nobody and as root without bwrap"
  : undefined;
if (why) console.log(`probe_sandbox_test: skipped, ${why}`);

/** The `nobody` of Debian, and the words that make a command run as it. */
const NOBODY = 65534;
const AS_NOBODY = [
  "setpriv",
  "--reuid=nobody",
  "--regid=nogroup",
  "--clear-groups",
];

/**
 * A folder of links to everything on PATH but bwrap: PATH as on a machine
 * without bubblewrap, where the python3 is one any uid can run (root's own
 * folders, such as pyenv's in /root, left out).
 */
async function pathWithoutBwrap(dir: string): Promise<string> {
  await Deno.mkdir(dir);
  const seen = new Set(["bwrap"]);
  const path = (Deno.env.get("PATH") ?? "").split(":");
  for (const folder of path.filter((f) => !f.startsWith("/root"))) {
    try {
      for await (const entry of Deno.readDir(folder)) {
        if (seen.has(entry.name)) continue;
        seen.add(entry.name);
        await Deno.symlink(`${folder}/${entry.name}`, `${dir}/${entry.name}`);
      }
    } catch { /* not there, or not ours to list */ }
  }
  return dir;
}

/** A class of the escapes in `dir/class`, aimed at `dir`'s OUTDIR, `home` and the project. */
async function escapeClass(dir: string, home: string): Promise<Targets> {
  for (const name of ESCAPES) await writeFixture(name, `${dir}/class/${name}`);
  const targets: Targets = {
    nonce: crypto.randomUUID(),
    class: [`${dir}/class`],
    dirs: [`${dir}/out`, home, ROOT],
    files: [`${ROOT}/deno.json`, `${dir}/class/fork_bomb/handler.py`],
  };
  await aimEscapes(`${dir}/class`, targets);
  await Deno.mkdir(`${dir}/tmp`);
  return targets;
}

async function results(out: string): Promise<Map<string, StudentResult>> {
  return new Map(
    await Promise.all(ESCAPES.map(async (name) =>
      [
        name,
        JSON.parse(await Deno.readTextFile(`${out}/${name}.json`)),
      ] as const
    )),
  );
}

/** Makes `path` and everything below it `uid`'s. */
async function chownTree(path: string, uid: number): Promise<void> {
  await Deno.chown(path, uid, uid);
  for await (const entry of Deno.readDir(path)) {
    const child = `${path}/${entry.name}`;
    if (entry.isDirectory) await chownTree(child, uid);
    else await Deno.chown(child, uid, uid);
  }
}

Deno.test({
  name:
    "probe --class holds every escape for a grader who is nobody, and in the fallback without bwrap holds what it says it holds, saying so once",
  ignore: why !== undefined,
  async fn(t) {
    const top = await Deno.makeTempDir({ prefix: "probe-sandbox-test-" });
    await Deno.chmod(top, 0o755);
    let fallbackNonce: string | undefined;
    try {
      const asNobody = `${top}/nobody`;
      await Deno.mkdir(`${asNobody}/home`, { recursive: true });
      await Deno.mkdir(`${asNobody}/deno`);
      const nobodyTargets = await escapeClass(asNobody, `${asNobody}/home`);
      await chownTree(asNobody, NOBODY);
      const fallback = `${top}/fallback`;
      const fallbackTargets = await escapeClass(
        fallback,
        Deno.env.get("HOME")!,
      );
      fallbackNonce = fallbackTargets.nonce;
      const path = await pathWithoutBwrap(`${top}/path`);
      const gradescope = `${top}/gradescope`;
      await writeFixture("writes_outside", `${gradescope}/submission`);
      await Deno.mkdir(`${gradescope}/results`);
      const gradescopeTargets: Targets = {
        nonce: crypto.randomUUID(),
        class: [],
        dirs: [`${gradescope}/results`, ROOT], // as /autograder/results and /autograder/source
        files: [],
      };
      await Deno.writeTextFile(
        `${gradescope}/submission/hostile-targets.json`,
        JSON.stringify(gradescopeTargets),
      );

      const [byNobody, withoutBwrap, required, forGradescope] = await Promise
        .all([
          runProbe(
            [
              "--class",
              `${asNobody}/class`,
              "--out",
              `${asNobody}/out`,
              "--jobs",
              "2",
            ],
            {
              tmp: `${asNobody}/tmp`,
              before: AS_NOBODY,
              env: { HOME: `${asNobody}/home`, DENO_DIR: `${asNobody}/deno` },
            },
          ),
          runProbe(
            [
              "--class",
              `${fallback}/class`,
              "--out",
              `${fallback}/out`,
              "--jobs",
              "2",
            ],
            { tmp: `${fallback}/tmp`, env: { PATH: path } },
          ),
          runProbe(
            [
              "--class",
              `${fallback}/class`,
              "--out",
              `${top}/refused`,
              "--require-sandbox",
            ],
            { tmp: `${fallback}/tmp`, env: { PATH: path } },
          ),
          runProbe([
            "--submission",
            `${gradescope}/submission`,
            "--gradescope",
            `${gradescope}/results/results.json`,
            "-q",
          ], { tmp: gradescope }),
        ]);

      await t.step(
        "as nobody: bubblewrap in a user namespace, every student graded",
        () => {
          assert.equal(byNobody.code, 0, byNobody.stderr);
          assert.equal(byNobody.stderr, "");
          assert.match(
            byNobody.stdout,
            /^isolation: own network and PID namespace per submission \(unshare .* --map-root-user\), loopback only; each program in bubblewrap in a user namespace of its own: /m,
          );
        },
      );

      const nobody = await results(`${asNobody}/out`);
      for (const escape of ESCAPES) {
        await t.step(
          `as nobody, ${escape}: ${
            HELD[escape].held
          }, graded on what its servers did`,
          () => {
            const result = nobody.get(escape)!;
            assert.equal(result.score, 5, result.reason);
            const lines = escapeLines(result);
            assert.equal(lines.length, 2, `one line per server: ${lines}`);
            for (const line of lines) assert.match(line, HELD[escape].line);
          },
        );
      }
      await t.step("as nobody: nothing written outside a sandbox", async () => {
        assert.deepEqual(await escapedFiles(nobodyTargets), []);
      });

      await t.step(
        "without bwrap: the fallback in one line on stderr, in the header and in every result",
        async () => {
          assert.equal(withoutBwrap.code, 0, withoutBwrap.stderr);
          const line =
            "no sandbox: bwrap is not on PATH (Debian's bubblewrap); the student's programs run as an unprivileged uid under the limits alone, seeing the host's files (--require-sandbox refuses instead)";
          assert.deepEqual(withoutBwrap.stderr.trimEnd().split("\n"), [
            `probe: ${line}`,
          ]);
          assert.ok(
            withoutBwrap.stdout.split("\n").some((l) =>
              l.startsWith("isolation: ") && l.includes(`; ${line};`)
            ),
            withoutBwrap.stdout,
          );
          for (const result of (await results(`${fallback}/out`)).values()) {
            assert.ok(result.isolation.includes(line), result.isolation);
          }
        },
      );

      await t.step(
        "without bwrap: as its own uid, each escape still writes nothing into $HOME, the class, OUTDIR or the project, reads no /etc/shadow and cannot reach the probe; a fork bomb stops; each is graded on what its servers did",
        async () => {
          const byFallback = await results(`${fallback}/out`);
          for (const [name, result] of byFallback) {
            assert.equal(result.score, 5, `${name}: ${result.reason}`);
            assert.equal(escapeLines(result).length, 2, name);
          }
          const outside = (await escapedFiles(fallbackTargets)).filter((file) =>
            !/^\/(var\/)?tmp\/ESCAPED-/.test(file)
          );
          assert.deepEqual(outside, []);
          for (const line of escapeLines(byFallback.get("reads_outside")!)) {
            assert.doesNotMatch(line, /\/etc\/shadow/);
          }
          for (const line of escapeLines(byFallback.get("attacks_probe")!)) {
            assert.match(line, /of them the probe's; reached: \[\]$/);
          }
          for (const line of escapeLines(byFallback.get("fork_bomb")!)) {
            assert.match(line, HELD.fork_bomb.line);
          }
        },
      );

      await t.step(
        "--require-sandbox without bwrap: a usage error, exit 2, nothing graded",
        () => {
          assert.equal(required.code, 2, required.stderr);
          assert.equal(
            required.stderr.split("\n")[0],
            "probe: --require-sandbox: bwrap is not on PATH (Debian's bubblewrap)",
          );
          assert.equal(required.stdout, "");
        },
      );

      await t.step(
        "--submission --gradescope as root: the student's code runs in bubblewrap as an unprivileged uid, writes nothing into the results' folder or the probe's, and is graded on what its servers did",
        async () => {
          assert.equal(forGradescope.code, 0, forGradescope.stderr);
          assert.equal(forGradescope.stderr, "");
          const results = JSON.parse(
            await Deno.readTextFile(`${gradescope}/results/results.json`),
          );
          assert.equal(results.score, 5, results.output);
          assert.deepEqual(await escapedFiles(gradescopeTargets), []);
          assert.deepEqual(
            [...Deno.readDirSync(`${gradescope}/results`)].map((e) => e.name),
            ["results.json"],
          );
        },
      );

      await t.step("nothing of any submission is left running", async () => {
        assert.deepEqual(await processesHolding(top), []);
      });
    } finally {
      // What the fallback let out into /tmp and /var/tmp is this test's to remove.
      for (const dir of ["/tmp", "/var/tmp"]) {
        await Deno.remove(`${dir}/ESCAPED-${fallbackNonce}-writes`).catch(
          () => {},
        );
      }
      await Deno.remove(top, { recursive: true });
    }
  },
});
