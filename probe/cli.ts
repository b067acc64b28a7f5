/**
 * `deno task probe`, run: the plan (`plan.ts`) becomes sections, one per
 * server and one for the structure; every server starts at once, each is
 * probed in turn, and the report card is printed through the terminal
 * (`terminal.ts`), whole at the end: it opens with what to fix first. Exit 0
 * when every check that applies passed, 1 otherwise, 2 for a usage error or a
 * URL or command where nothing listens (one line). `--class` hands over to
 * `class/class_run.ts`.
 *
 * @module
 */

import type { Group } from "./check.ts";
import { launch, type Launched, LaunchError } from "./launch.ts";
import { nothingListening, serverDidNotStart } from "./messages.ts";
import { hostField, refuses } from "./probe_conn.ts";
import {
  fixFirst,
  fixFirstLines,
  groupHeading,
  jsonReport,
  progressLine,
  resultLines,
  type ServerReport,
  type Style,
  summaryLines,
} from "./report.ts";
import { type CheckResult, notRunResult, runChecks } from "./runner.ts";
import { runClass } from "./class/class_run.ts";
import { gradescopeResults } from "./class/gradescope.ts";
import { loadRubric, type Rubric } from "./class/rubric.ts";
import { writeAutograder } from "./platforms/autograder_command.ts";
import { PlatformReport } from "./platforms/platform_report.ts";
import type { PlatformRun } from "./platforms/platform_run.ts";
import {
  notGradable,
  prairieLearnResults,
} from "./platforms/prairielearn_results.ts";
import { probeVersion } from "./platforms/probe_files.ts";
import { parsePlan, type Plan, SHORT_USAGE, USAGE } from "./plan.ts";
import { preferRealPython } from "./python_path.ts";
import { ServerClock } from "./server_clock.ts";
import { onlyEntry, type Section, sectionsOf } from "./sections.ts";
import { Terminal } from "./terminal.ts";
import { fromUserDir, UsageError } from "./usage.ts";

/** Runs `deno task probe` with `args`; resolves to the exit status. */
export async function main(args: string[]): Promise<number> {
  let plan: Plan | "help";
  let sections: Section[];
  let preface: string;
  let fallback: string | undefined;
  let rubric: Rubric | undefined;
  try {
    plan = parsePlan(args);
    if (plan === "help") {
      console.log(USAGE);
      return 0;
    }
    if (plan.mode === "class" || plan.mode === "submission") {
      await preferRealPython();
    }
    if (plan.mode === "class") return await runClass(plan, new Terminal());
    if (plan.mode === "autograder") {
      for (const line of await writeAutograder(plan)) console.log(line);
      return 0;
    }
    if (
      plan.mode === "submission" &&
      (plan.gradescope ?? plan.prairielearn ?? plan.checks) !== undefined
    ) {
      rubric = await loadRubric(plan.rubric);
    }
    ({ sections, preface, fallback } = await sectionsOf(plan));
    if (plan.mode === "submission" && plan.checks !== undefined && rubric) {
      sections = onlyEntry(sections, rubric, plan.checks);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`probe: ${error.message}`);
    console.error(SHORT_USAGE);
    return 2;
  }
  if (fallback) console.error(`probe: ${fallback}`);
  const out = new Terminal();
  const style: Style = { color: out.color };
  const total = sections.reduce((sum, s) => sum + s.checks.length, 0);
  const results: CheckResult[] = [];
  const servers: ServerReport[] = [];
  const platforms = plan.mode === "submission" && rubric
    ? await platformReport(plan, rubric, sections, servers, fallback)
    : undefined;
  if (plan.mode === "submission" && plan.prairielearn !== undefined) {
    // Not gradable: PrairieLearn counts no attempt, so nothing is run.
    const missing = sections.flatMap((s) =>
      s.missing !== undefined && s.server ? [s.server] : []
    );
    if (missing.length && plan.gradescope === undefined) {
      const document = notGradable(missing);
      const text = JSON.stringify(document, null, 2) + "\n";
      const path = plan.prairielearn;
      if (!await wrote(path, (file) => Deno.writeTextFile(file, text))) {
        return 2;
      }
      console.log(`not gradable: ${document.format_errors.join("; ")}`);
      return 1;
    }
  }
  const running = new Set<Launched>();
  // The servers run in their own process groups, so Ctrl-C does not reach them: stop them here.
  const onInterrupt = () => {
    out.mute();
    console.error("probe: interrupted; stopping the server");
    Promise.all([...running].map((server) => server.stop())).finally(() =>
      Deno.exit(130)
    );
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    if (!plan.quiet) out.line(preface);
    // The card is printed whole at the end: it opens with what to fix first.
    const card: string[] = [];
    // Every server starts at once (each on its own port), so that one that never
    // listens costs its wait once, not once per server; they are probed in turn.
    const launches = new Map<Section, Promise<Launched | LaunchError>>();
    for (const section of sections) {
      if (section.missing !== undefined || !section.start) continue;
      const start = section.start;
      launches.set(
        section,
        launch(start.command, {
          cwd: start.cwd,
          env: start.env,
          prefix: start.prefix,
          sandboxed: start.sandboxed,
        }).then((launched) => {
          running.add(launched);
          return launched;
        }, (error) => {
          if (error instanceof LaunchError) return error;
          throw error;
        }),
      );
    }
    for (const section of sections) {
      const report: ServerReport = {
        label: section.heading,
        ...(section.kind ? { kind: section.kind } : {}),
      };
      servers.push(report);
      let target = section.target;
      let launched: Launched | undefined;
      let launchError: string | undefined;
      if (section.missing !== undefined) {
        launchError = section.missing;
        report.error = launchError;
      } else if (section.start) {
        const started = await launches.get(section);
        if (started instanceof LaunchError) {
          launchError = started.message;
          report.error = launchError;
        } else if (started) {
          launched = started;
          target = {
            hostname: "127.0.0.1",
            port: launched.port,
            clock: new ServerClock(launched.pid),
          };
          report.command = launched.command.join(" ");
        }
      }
      if (plan.mode === "start" && launchError !== undefined) {
        console.error(`probe: ${launchError}`);
        return 1;
      }
      // A URL or command that refuses every connection is a mistake of the command line, not a grade.
      if (plan.mode !== "submission" && target && await refuses(target)) {
        out.clearProgress();
        console.error(`probe: ${nothingListening(hostField(target))}`);
        return 2;
      }
      if (!plan.quiet) {
        card.push("");
        card.push(out.paint("bold", heading(section, report)));
        if (launchError) card.push(`  could not start: ${launchError}`);
      }
      let group: Group | undefined;
      const show = (result: CheckResult) => {
        results.push(result);
        platforms?.record(result);
        if (plan.quiet) {
          if (result.verdict !== "fail") return;
          const where = section.server ? `${section.server} ` : "";
          const [line, ...details] = resultLines(result, style, "");
          card.push(`${where}${result.group}: ${line}`, ...details);
          return;
        }
        if (result.group !== group && section.heading !== "structure") {
          card.push(groupHeading(result.group, style));
        }
        group = result.group;
        const indent = section.heading === "structure" ? "  " : "    ";
        card.push(...resultLines(result, style, indent));
      };
      if (launchError !== undefined) {
        const why = serverDidNotStart(launchError);
        for (const check of section.checks) {
          show(notRunResult(check, section.server, why));
        }
      } else {
        await runChecks(
          section.checks,
          target ?? { hostname: "127.0.0.1", port: 0 },
          {
            onStart: (check) =>
              out.progress(progressLine(
                results.length + 1,
                total,
                `${section.server ?? ""} ${check.group}.${check.name}`.trim(),
              )),
            onResult: show,
          },
          section.server,
        );
      }
      if (launched) {
        const stopped = await launched.stop();
        running.delete(launched);
        report.stopped = stopped;
        report.output = launched.output();
        const crashed = launched.stderrTail();
        if (!plan.quiet || !stopped.clean) {
          card.push(
            `  ${section.server ?? "server"}: ${stopped.how}${
              !stopped.clean && crashed.length
                ? `; its last stderr lines: ${crashed.join(" | ")}`
                : ""
            }`,
          );
        }
      }
    }
    card.push("", ...summaryLines(results, style));
    const fix = fixFirst(results, servers);
    if (fix) {
      if (!plan.quiet) out.line("");
      for (const line of fixFirstLines(fix, style)) out.line(line);
      if (plan.quiet) out.line("");
    }
    for (const line of card) out.line(line);
    if (
      platforms &&
      !await wrote("the platform's results", () => platforms.finish())
    ) return 2;
    if (plan.json !== undefined) {
      const target = plan.mode === "url"
        ? plan.url
        : plan.mode === "start"
        ? plan.line
        : plan.dir;
      const report = jsonReport({
        mode: plan.mode,
        target,
        servers,
        results,
        ...(plan.mode === "submission" && plan.limits
          ? { limits: plan.limits }
          : {}),
      });
      if (!await wrote(plan.json, (path) => Deno.writeTextFile(path, report))) {
        return 2;
      }
    }
    return results.some((r) => r.verdict === "fail" || r.verdict === "not run")
      ? 1
      : 0;
  } finally {
    out.clearProgress();
    Deno.removeSignalListener("SIGINT", onInterrupt);
    await Promise.all([...running].map((server) => server.stop()));
    await ServerClock.closeReader();
  }
}

/** The platforms' results files of a submission run (`--gradescope`, `--prairielearn`), if any, written at once with every check not reached yet. */
async function platformReport(
  plan: Extract<Plan, { mode: "submission" }>,
  rubric: Rubric,
  sections: readonly Section[],
  servers: readonly ServerReport[],
  fallback: string | undefined,
): Promise<PlatformReport | undefined> {
  const files: { path: string; render: (run: PlatformRun) => unknown }[] = [];
  if (plan.gradescope !== undefined) {
    files.push({
      path: fromUserDir(plan.gradescope),
      render: (run) => gradescopeResults(run, plan.visibility),
    });
  }
  if (plan.prairielearn !== undefined) {
    files.push({
      path: fromUserDir(plan.prairielearn),
      render: prairieLearnResults,
    });
  }
  if (files.length === 0) return undefined;
  const report = new PlatformReport(files, {
    rubric,
    planned: sections.flatMap((section) =>
      section.checks.map((check) => ({
        id: `${check.group}.${check.name}`,
        group: check.group,
        title: check.title,
        ...(section.server ? { server: section.server } : {}),
      }))
    ),
    servers,
    version: probeVersion().catch(() => undefined),
    ...(fallback ? { notes: [fallback] } : {}),
  });
  await report.start();
  return report;
}

/** Writes the file `given` (from the user's folder) with `write`; false, after one line on stderr, if it cannot. */
async function wrote(
  given: string,
  write: (path: string) => Promise<void>,
): Promise<boolean> {
  try {
    await write(fromUserDir(given));
    return true;
  } catch (error) {
    console.error(
      `probe: cannot write ${given}: ${
        error instanceof Error ? error.message : error
      }`,
    );
    return false;
  }
}

function heading(section: Section, report: ServerReport): string {
  const started = report.command ? `, started as: ${report.command}` : "";
  return `${section.heading}${started}`;
}
