/**
 * `deno task probe`: the command line. Parses the flags into a plan (exit 2
 * with one line for a usage error), starts what needs starting, runs the
 * checks, prints the report card, and exits 0 when every check that applies
 * passed, 1 otherwise.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Check, type Group, GROUPS, type Kind } from "./check.ts";
import { serverChecks } from "./checks.ts";
import { launch, type Launched, LaunchError } from "./launch.ts";
import type { Target } from "./probe_conn.ts";
import {
  groupHeading,
  jsonReport,
  progressLine,
  resultLines,
  type ServerReport,
  type Style,
  summaryLines,
  wantsColor,
} from "./report.ts";
import { type CheckResult, runChecks } from "./runner.ts";
import { type ClassPlan, runClass } from "./class/class_run.ts";
import { writeGradescope } from "./class/gradescope.ts";
import {
  DEFAULT_WALL_MS,
  type Limits,
  parseLimits,
  prlimitPrefix,
} from "./class/limits.ts";
import { reapNamespace } from "./class/reap.ts";
import { DEFAULT_RUBRIC, loadRubric, type Rubric } from "./class/rubric.ts";
import { fromUserDir, UsageError, userDir } from "./usage.ts";
import { shellWords } from "./shell_words.ts";
import { structureChecks } from "./structure.ts";

/** The usage text of `--help`. */
export const USAGE =
  `usage: deno task probe URL | --start "CMD {port}" | --submission DIR | --class DIR --out OUTDIR [options]

Grades an implementation of the brief (hello, <path> servers), in any language.

  URL                   probe a server that is already running, e.g. http://127.0.0.1:8080
  --start "CMD {port}"  start CMD with a free port in place of {port}, probe it, stop it
  --submission DIR      grade DIR/webserve.py (blocking) and DIR/webserve_nb.py (non-blocking),
                        started as python3 FILE PORT, and their structure
  --class DIR           grade every folder or .zip in DIR (one per student), each isolated;
                        writes grades.csv, STUDENT.json and report.html to --out OUTDIR

class options:
  --out OUTDIR          where the gradebook goes (made if missing)
  --jobs N              grade N submissions at once (default 1)
  --rubric FILE         points per group or check, as JSON (default: the brief's 5.0 points)
  --resume              skip students already graded in OUTDIR whose files have not changed
  --wall-clock SECONDS  the most one submission may take in all (default 120)
  --no-namespaces       run each submission on the host's loopback even where network and
                        PID namespaces work (they are used by default when the machine allows)

options:
  --kind blocking|nb    what the URL or command serves (sets the concurrency checks;
                        without it the non-blocking ones are skipped)
  --only GROUP          run one group: ${GROUPS.join(", ")}
  --json FILE           also write every check (sent, expected, got, verdict, time) to FILE
  --gradescope FILE     with --submission: also write Gradescope's results.json to FILE
                        (scored on --rubric FILE or the default rubric)
  --limits LIST         with --submission: run python3 under prlimit, e.g. cpu=30,as=1073741824
  --missing-ok          with --submission: a missing webserve.py or webserve_nb.py fails its
                        checks instead of ending the run (implied by --gradescope)
  -q, --quiet           print only the failures and the summary
  -h, --help            this text

Exit status: 0 when every check that applies passes, 1 when one fails, 2 for a usage error.
With --class: 0 when every student was graded (whatever the scores), 1 when the grading
itself failed, 2 for a usage error.`;

/** What the command line asks for. */
export type Plan =
  & { only?: Group; json?: string; quiet: boolean }
  & (
    | { mode: "url"; url: string; target: Target; kind?: Kind }
    | { mode: "start"; command: string[]; line: string; kind?: Kind }
    | {
      mode: "submission";
      dir: string;
      limits?: Limits;
      missingOk: boolean;
      gradescope?: string;
      rubric?: string;
    }
    | ClassPlan
  );

export { UsageError };

/** Parses `args` into a plan; throws {@link UsageError}; returns `"help"` for `-h`. */
export function parsePlan(args: string[]): Plan | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        start: { type: "string" },
        submission: { type: "string" },
        kind: { type: "string" },
        only: { type: "string" },
        json: { type: "string" },
        class: { type: "string" },
        out: { type: "string" },
        jobs: { type: "string" },
        rubric: { type: "string" },
        resume: { type: "boolean" },
        "no-namespaces": { type: "boolean" },
        "wall-clock": { type: "string" },
        gradescope: { type: "string" },
        limits: { type: "string" },
        "missing-ok": { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(-[^']*)'/.exec(message)?.[1];
    throw new UsageError(
      /Unknown option/.test(message) && option
        ? `unknown option ${option}`
        : /argument missing/.test(message) && option
        ? `${option.split(" ")[0].replace(/^-\w, /, "")} needs a value`
        : message,
    );
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const given = [
    positionals.length > 0,
    values.start !== undefined,
    values.submission !== undefined,
    values.class !== undefined,
  ]
    .filter(Boolean).length;
  if (positionals.length > 1) {
    throw new UsageError(`one URL at a time (got ${positionals.join(" ")})`);
  }
  if (given !== 1) {
    throw new UsageError(
      'give one of: a URL, --start "CMD {port}", --submission DIR, --class DIR',
    );
  }
  const onlyWith = (flag: string, present: unknown, modes: string) => {
    if (present !== undefined) throw new UsageError(`${flag} is for ${modes}`);
  };
  if (values.class === undefined) {
    onlyWith("--out", values.out, "--class");
    onlyWith("--jobs", values.jobs, "--class");
    onlyWith("--resume", values.resume, "--class");
    onlyWith("--no-namespaces", values["no-namespaces"], "--class");
    onlyWith("--wall-clock", values["wall-clock"], "--class");
  }
  if (values.submission === undefined) {
    onlyWith("--gradescope", values.gradescope, "--submission");
    onlyWith("--limits", values.limits, "--submission");
    onlyWith("--missing-ok", values["missing-ok"], "--submission");
    if (values.class === undefined) {
      onlyWith(
        "--rubric",
        values.rubric,
        "--class or --submission with --gradescope",
      );
    }
  }
  if (values.class !== undefined) {
    for (const flag of ["kind", "only", "json"] as const) {
      onlyWith(
        `--${flag}`,
        values[flag],
        "one server or one submission, not --class",
      );
    }
    if (values.out === undefined) {
      throw new UsageError(
        "--class needs --out OUTDIR, where the gradebook goes",
      );
    }
    const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
    if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 64) {
      throw new UsageError(
        `--jobs takes a whole number from 1 to 64, not ${
          JSON.stringify(values.jobs)
        }`,
      );
    }
    const wall = values["wall-clock"] === undefined
      ? DEFAULT_WALL_MS / 1000
      : Number(values["wall-clock"]);
    if (!Number.isSafeInteger(wall) || wall < 1) {
      throw new UsageError(
        `--wall-clock takes a whole number of seconds, not ${
          JSON.stringify(values["wall-clock"])
        }`,
      );
    }
    return {
      mode: "class",
      wallMs: wall * 1000,
      dir: values.class,
      out: values.out,
      jobs,
      ...(values.rubric !== undefined ? { rubric: values.rubric } : {}),
      resume: values.resume === true,
      namespaces: values["no-namespaces"] !== true,
      quiet: values.quiet === true,
    };
  }

  let kind: Kind | undefined;
  if (values.kind !== undefined) {
    if (values.kind !== "blocking" && values.kind !== "nb") {
      throw new UsageError(
        `--kind is blocking or nb, not ${JSON.stringify(values.kind)}`,
      );
    }
    kind = values.kind;
  }
  let only: Group | undefined;
  if (values.only !== undefined) {
    if (!(GROUPS as readonly string[]).includes(values.only)) {
      throw new UsageError(
        `--only takes one of ${GROUPS.join(", ")}, not ${
          JSON.stringify(values.only)
        }`,
      );
    }
    only = values.only as Group;
  }
  const common = {
    ...(only ? { only } : {}),
    ...(values.json !== undefined ? { json: values.json } : {}),
    quiet: values.quiet === true,
  };
  if (values.submission !== undefined) {
    if (kind !== undefined) {
      throw new UsageError(
        "--kind is for a URL or --start: a submission's webserve.py is blocking, webserve_nb.py nb",
      );
    }
    let limits: Limits | undefined;
    if (values.limits !== undefined) {
      try {
        limits = parseLimits(values.limits);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    if (values.rubric !== undefined && values.gradescope === undefined) {
      throw new UsageError(
        "--rubric with --submission needs --gradescope FILE",
      );
    }
    if (values.gradescope !== undefined && only !== undefined) {
      throw new UsageError(
        "--gradescope grades the whole submission: leave out --only",
      );
    }
    return {
      ...common,
      mode: "submission",
      dir: values.submission,
      missingOk: values["missing-ok"] === true ||
        values.gradescope !== undefined,
      ...(limits ? { limits } : {}),
      ...(values.gradescope !== undefined
        ? { gradescope: values.gradescope }
        : {}),
      ...(values.rubric !== undefined ? { rubric: values.rubric } : {}),
    };
  }
  if (only === "structure") {
    throw new UsageError("--only structure needs --submission DIR");
  }
  if (values.start !== undefined) {
    let command: string[];
    try {
      command = shellWords(values.start);
    } catch (error) {
      throw new UsageError(`--start: ${(error as Error).message}`);
    }
    if (command.length === 0) throw new UsageError("--start needs a command");
    if (!command.some((word) => word.includes("{port}"))) {
      throw new UsageError(
        '--start needs {port} in the command, where the port goes, e.g. --start "python3 webserve.py {port}"',
      );
    }
    return {
      ...common,
      mode: "start",
      command,
      line: values.start,
      ...(kind ? { kind } : {}),
    };
  }
  return {
    ...common,
    mode: "url",
    url: positionals[0],
    target: parseTarget(positionals[0]),
    ...(kind ? { kind } : {}),
  };
}

/** The host and port of an `http://host:port` URL; throws {@link UsageError} for anything else. */
export function parseTarget(text: string): Target {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `not a URL: ${JSON.stringify(text)} (e.g. http://127.0.0.1:8080)`,
    );
  }
  if (url.protocol !== "http:") {
    throw new UsageError(
      `only http:// URLs can be probed, not ${url.protocol}//`,
    );
  }
  if (
    url.pathname !== "/" || url.search || url.hash || url.username ||
    url.password
  ) {
    throw new UsageError(
      `give the server's address alone, e.g. http://${url.host} (the probe picks the paths)`,
    );
  }
  return {
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? 80 : Number(url.port),
  };
}

/** One server to probe, or the structure checks (no server). */
interface Section {
  /** The heading on the card. */
  heading: string;
  /** The server's name in a submission (`webserve.py`), for results. */
  server?: string;
  /** Its kind, if known. */
  kind?: Kind;
  /** Where it is, for a URL. */
  target?: Target;
  /** How to start it, for --start and --submission. */
  start?: {
    command: string[];
    cwd?: string;
    env?: Record<string, string>;
    prefix?: string[];
  };
  /** Why it cannot be started at all (a submission without the file). */
  missing?: string;
  /** Its checks. */
  checks: Check[];
}

const PYTHON = "python3";
const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" };

/** The sections of a plan, after the checks a usage error needs (folder, python3). */
async function sectionsOf(
  plan: Exclude<Plan, ClassPlan>,
): Promise<{ sections: Section[]; preface: string }> {
  if (plan.mode !== "submission") {
    const kind = plan.kind
      ? ` (kind: ${plan.kind})`
      : " (kind not given: the non-blocking checks are skipped)";
    const server = {
      kind: plan.kind,
      checks: serverChecks(plan.kind, plan.only),
    };
    return plan.mode === "url"
      ? {
        preface: `deno task probe: ${plan.url}${kind}`,
        sections: [{ heading: plan.url, target: plan.target, ...server }],
      }
      : {
        preface: `deno task probe: ${plan.line}${kind}`,
        sections: [{
          heading: "the server",
          start: { command: plan.command, cwd: userDir() },
          ...server,
        }],
      };
  }
  const dir = fromUserDir(plan.dir);
  try {
    if (!(await Deno.stat(dir)).isDirectory) {
      throw new UsageError(`--submission ${plan.dir}: not a folder`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--submission ${plan.dir}: no such folder`);
  }
  const missing = new Map<string, string>();
  for (const file of ["webserve.py", "webserve_nb.py"]) {
    try {
      await Deno.stat(`${dir}/${file}`);
    } catch {
      if (!plan.missingOk) {
        throw new UsageError(
          `--submission ${plan.dir}: no ${file} there (a submission holds webserve.py and webserve_nb.py)`,
        );
      }
      missing.set(file, `the submission has no ${file}`);
    }
  }
  const version = await pythonVersion();
  if (version === undefined) {
    throw new UsageError(`--submission needs ${PYTHON} on PATH`);
  }
  const prefix = plan.limits ? prlimitPrefix(plan.limits) : undefined;
  const server = (file: string, kind: Kind): Section => ({
    heading: `${file} (${kind === "nb" ? "non-blocking" : "blocking"})`,
    server: file,
    kind,
    start: {
      command: [PYTHON, file, "{port}"],
      cwd: dir,
      env: PYTHON_ENV,
      ...(prefix ? { prefix } : {}),
    },
    ...(missing.has(file) ? { missing: missing.get(file) } : {}),
    checks: serverChecks(kind, plan.only),
  });
  const sections = plan.only === "structure"
    ? []
    : [server("webserve.py", "blocking"), server("webserve_nb.py", "nb")];
  if (plan.only === undefined || plan.only === "structure") {
    sections.push({
      heading: "structure",
      checks: structureChecks(dir, PYTHON, prefix),
    });
  }
  return {
    preface: `deno task probe: the submission in ${plan.dir} (${version})`,
    sections,
  };
}

async function pythonVersion(): Promise<string | undefined> {
  try {
    const output = await new Deno.Command(PYTHON, {
      args: ["--version"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) return undefined;
    return new TextDecoder().decode(output.stdout).trim() ||
      new TextDecoder().decode(output.stderr).trim();
  } catch {
    return undefined;
  }
}

/** Where the card goes: stdout, with the running count on stderr when it is a terminal. */
interface Output {
  line(text: string): void;
  /** Stops all output (after an interrupt, what follows is noise). */
  mute(): void;
  progress(text: string): void;
  clearProgress(): void;
}

function terminalOutput(): Output {
  const encoder = new TextEncoder();
  const progressShown = Deno.stderr.isTerminal();
  let shown = false;
  let muted = false;
  return {
    line(text) {
      if (muted) return;
      this.clearProgress();
      Deno.stdout.writeSync(encoder.encode(text + "\n"));
    },
    mute() {
      this.clearProgress();
      muted = true;
    },
    progress(text) {
      if (!progressShown || muted) return;
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${text}`));
      shown = true;
    },
    clearProgress() {
      if (shown) Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
      shown = false;
    },
  };
}

/** The one-line usage printed after a usage error. */
const SHORT_USAGE =
  `usage: deno task probe URL | --start "CMD {port}" | --submission DIR | --class DIR --out OUTDIR [--help for the options]`;

/** Runs `deno task probe` with `args`; resolves to the exit status. */
export async function main(args: string[]): Promise<number> {
  let plan: Plan | "help";
  let sections: Section[];
  let preface: string;
  let rubric: Rubric | undefined;
  try {
    plan = parsePlan(args);
    if (plan === "help") {
      console.log(USAGE);
      return 0;
    }
    if (plan.mode === "class") return await runClass(plan);
    if (plan.mode === "submission" && plan.gradescope !== undefined) {
      rubric = await loadRubric(plan.rubric);
    }
    ({ sections, preface } = await sectionsOf(plan));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`probe: ${error.message}`);
    console.error(SHORT_USAGE);
    return 2;
  }
  const style: Style = {
    color: wantsColor(Deno.stdout.isTerminal(), Deno.env.get("NO_COLOR")),
  };
  const out = terminalOutput();
  const total = sections.reduce((sum, s) => sum + s.checks.length, 0);
  const results: CheckResult[] = [];
  const servers: ServerReport[] = [];
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
          target = { hostname: "127.0.0.1", port: launched.port };
          report.command = launched.command.join(" ");
        }
      }
      if (plan.mode === "start" && launchError !== undefined) {
        console.error(`probe: ${launchError}`);
        return 1;
      }
      if (!plan.quiet) {
        out.line("");
        out.line(paintHeading(section, report, style));
        if (launchError) out.line(`  could not start: ${launchError}`);
      }
      let group: Group | undefined;
      const show = (result: CheckResult) => {
        results.push(result);
        if (plan.quiet) {
          if (result.verdict !== "fail") return;
          const where = section.server ? `${section.server} ` : "";
          for (const line of resultLines(result, style, "")) {
            out.line(`${where}${result.group}: ${line.trimStart()}`);
          }
          return;
        }
        if (result.group !== group && section.heading !== "structure") {
          out.line(groupHeading(result.group, style));
        }
        group = result.group;
        const indent = section.heading === "structure" ? "  " : "    ";
        for (const line of resultLines(result, style, indent)) out.line(line);
      };
      if (launchError !== undefined) {
        for (const check of section.checks) {
          show(notStarted(check, section.server, launchError));
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
          out.line(
            `  ${section.server ?? "server"}: ${stopped.how}${
              !stopped.clean && crashed.length
                ? `; its last stderr lines: ${crashed.join(" | ")}`
                : ""
            }`,
          );
        }
      }
    }
    // Init of its own PID namespace (inside --class): whatever is left is the submission's.
    const leftovers = Deno.pid === 1 ? await reapNamespace() : [];
    if (leftovers.length && !plan.quiet) {
      out.line(
        `  left running, killed: ${
          leftovers.map((p) => p.command).join(" | ")
        }`,
      );
    }
    out.line("");
    for (const line of summaryLines(results, style)) out.line(line);
    const gradescope = plan.mode === "submission" ? plan.gradescope : undefined;
    if (
      gradescope !== undefined &&
      !await wrote(
        gradescope,
        (path) =>
          writeGradescope(path, rubric ?? DEFAULT_RUBRIC, results, servers),
      )
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
        ...(Deno.pid === 1 ? { leftovers } : {}),
      });
      if (!await wrote(plan.json, (path) => Deno.writeTextFile(path, report))) {
        return 2;
      }
    }
    return results.some((r) => r.verdict === "fail") ? 1 : 0;
  } finally {
    out.clearProgress();
    Deno.removeSignalListener("SIGINT", onInterrupt);
    await Promise.all([...running].map((server) => server.stop()));
  }
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

function paintHeading(
  section: Section,
  report: ServerReport,
  style: Style,
): string {
  const started = report.command ? `, started as: ${report.command}` : "";
  const text = `${section.heading}${started}`;
  return style.color ? `\x1b[1m${text}\x1b[0m` : text;
}

function notStarted(
  check: Check,
  server: string | undefined,
  why: string,
): CheckResult {
  return {
    id: `${check.group}.${check.name}`,
    group: check.group,
    name: check.name,
    title: check.title,
    ...(server === undefined ? {} : { server }),
    verdict: "fail",
    sent: "",
    expected: check.expected,
    got: `the server did not start: ${why}`,
    ms: 0,
  };
}
