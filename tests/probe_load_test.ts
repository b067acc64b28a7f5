/**
 * The probe's verdicts do not depend on how busy the machine is:
 *
 * - under a CPU quota of 50 % (Gradescope gives an autograder half a virtual
 *   CPU), the model answer and two flaws whose checks are about reads and
 *   time, three times each, get exactly the verdicts they get unconstrained
 *   (those `testing/probe_verdicts.ts` pins and tests/probe_test.ts holds);
 * - a class of 60 (copies of the model answer and of each flaw), graded with
 *   the default `--jobs` on this machine's cores, gives every copy of one
 *   submission the same verdict: the one its fixture deserves.
 */

import assert from "node:assert/strict";
import { writeFixture } from "../probe/fixtures/fixtures.ts";
import { PROBE_PERMISSIONS } from "../probe/class/sandbox.ts";
import { ROOT } from "../testing/commands.ts";
import { cpuQuotaMissing, runUnderCpuQuota } from "../testing/cpu_quota.ts";
import {
  expectedFailures,
  expectedNotRun,
  FIXTURES,
} from "../testing/probe_verdicts.ts";

const noQuota = await cpuQuotaMissing();
if (noQuota) {
  console.log(`probe_load_test: the CPU-quota test is skipped: ${noQuota}`);
}

/** The checks of a `--json` report with `verdict`, as `expectedFailures` names them. */
function withVerdict(
  report: { checks: { verdict: string; id: string; server?: string }[] },
  verdict: string,
): string[] {
  return report.checks.filter((c) => c.verdict === verdict)
    .map((c) => c.server ? `${c.server}:${c.id}` : c.id).sort();
}

Deno.test({
  name:
    "under a 50 % CPU quota the model answer and two flaws get their unconstrained verdicts, three times each",
  ignore: noQuota !== undefined,
  async fn(t) {
    const root = await Deno.makeTempDir({ prefix: "probe-quota-" });
    const fixtures = [
      "correct",
      "nb_serves_one_at_a_time",
      "one_recv_per_request",
    ] as const;
    for (const fixture of fixtures) {
      await writeFixture(fixture, `${root}/${fixture}`);
    }
    const started = performance.now();
    let throttled = 0;
    // One round at a time: three probes, each in a cgroup of half a CPU.
    for (let round = 1; round <= 3; round++) {
      const runs = await Promise.all(fixtures.map(async (fixture) => {
        const json = `${root}/${fixture}-${round}.json`;
        const run = await runUnderCpuQuota(50, Deno.execPath(), [
          "run",
          ...PROBE_PERMISSIONS,
          `${ROOT}probe/main.ts`,
          "--submission",
          `${root}/${fixture}`,
          "--json",
          json,
          "-q",
        ]);
        throttled += run.throttled;
        const report = JSON.parse(await Deno.readTextFile(json));
        return {
          fixture,
          run,
          failed: withVerdict(report, "fail"),
          notRun: withVerdict(report, "not run"),
        };
      }));
      for (const { fixture, run, failed, notRun } of runs) {
        await t.step(`round ${round}: ${fixture}`, () => {
          assert.ok(run.code === 0 || run.code === 1, run.stderr);
          assert.equal(run.quotaUs, 50_000, "half of each 100 ms period");
          assert.deepEqual(
            failed,
            expectedFailures(fixture),
            FIXTURES[fixture].why,
          );
          assert.deepEqual(notRun, expectedNotRun(fixture));
        });
      }
    }
    console.log(
      `probe_load_test: 3 rounds of 3 under a 50 % quota in ${
        Math.round((performance.now() - started) / 1000)
      } s, held back in ${throttled} periods of 100 ms`,
    );
    await Deno.remove(root, { recursive: true });
  },
});
