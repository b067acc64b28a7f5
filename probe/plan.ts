/**
 * `deno task probe`'s flags: the usage text, and the plan a command line asks
 * for, checked whole before anything starts (a usage error is one line and
 * exit 2, {@link UsageError}).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Group, GROUPS, type Kind } from "./check.ts";
import type { Target } from "./probe_conn.ts";
import { BOX_UID_BASE } from "./class/bubblewrap.ts";
import { DEFAULT_WALL_MS, type Limits, parseLimits } from "./class/limits.ts";
import { defaultJobs, JOBS_PER_CORE } from "./class/jobs.ts";
import { VISIBILITIES, type Visibility } from "./class/gradescope.ts";
import { shellWords } from "./shell_words.ts";
import { UsageError } from "./usage.ts";

export { UsageError };

/** The usage text of `--help`. */
export const USAGE =
  `usage: deno task probe URL | --start "CMD {port}" | --submission DIR | --class DIR --out OUTDIR
       deno task probe --autograder gradescope|prairielearn|github-classroom --out OUT [options]

Grades an implementation of the brief (hello, <path> servers), in any language.

  URL                   probe a server that is already running, e.g. http://127.0.0.1:8080
  --start "CMD {port}"  start CMD with a free port in place of {port}, probe it, stop it
  --submission DIR      grade DIR/webserve.py (blocking) and DIR/webserve_nb.py (non-blocking),
                        started as python3 FILE PORT, and their structure
  --class DIR           grade every folder or .zip in DIR (one per student), each isolated;
                        writes grades.csv, STUDENT.json and report.html to --out OUTDIR
  --autograder PLATFORM write what PLATFORM needs to grade with the probe to --out OUT:
                        gradescope (OUT.zip), prairielearn (a folder), github-classroom (a folder)

class options:
  --out OUTDIR          where the gradebook goes (made if missing)
  --jobs N              grade N submissions at once (default: ${JOBS_PER_CORE} per core, as memory
                        allows; here ${defaultJobs()})
  --rubric FILE         points per group or check, as JSON (default: the brief's 5.0 points)
  --resume              keep the results in OUTDIR whose files, probe and rubric are unchanged
  --students A,B        grade only these students again, into the same OUTDIR (the others'
                        results are kept), and write grades.csv and report.html anew
  --wall-clock SECONDS  the most one submission may take in all (default 120)
  --no-namespaces       run each submission on the host's loopback even where network and
                        PID namespaces work (they are used by default when the machine allows)
  --require-sandbox     with --class, or --submission with --sandbox: exit 2 where bubblewrap
                        cannot run, instead of grading in the fallback (the uid and prlimit alone)

options:
  --kind blocking|nb    what the URL or command serves (sets the concurrency checks;
                        without it the non-blocking ones are skipped)
  --only GROUP          run one group: ${GROUPS.join(", ")}
  --json FILE           also write every check (sent, expected, got, verdict, time) to FILE
  --gradescope FILE     with --submission: also write Gradescope's results.json to FILE
                        (scored on --rubric FILE or the default rubric), again after every check
  --prairielearn FILE   with --submission: also write PrairieLearn's results.json to FILE
  --visibility V        with --gradescope or --autograder gradescope: when the student sees the
                        tests and stdout: ${VISIBILITIES.join(", ")}
  --checks ENTRY        with --submission: run only the checks of one rubric entry (hello,
                        framing.firefox); exit 0 only when they all pass
  --image NAME          with --autograder prairielearn: the grader image's name
  --limits LIST         with --submission: run python3 under prlimit, e.g. cpu=30,as=1073741824
  --missing-ok          with --submission: a missing webserve.py or webserve_nb.py fails its
                        checks instead of ending the run (implied by --gradescope, --prairielearn)
  --sandbox             with --submission: run its programs in bubblewrap, never with your rights
                        (a read-only system, their own copy, /tmp and PID namespace; as root, as
                        an unprivileged uid); implied by --gradescope and --prairielearn;
                        --class always does
  --run-as UID          with --submission, as root: the uid its programs run as (with --sandbox,
                        ${BOX_UID_BASE} unless given)
  -q, --quiet           print only the failures and the summary
  -h, --help            this text

Exit status: 0 when every check that applies passes, 1 when one fails (or is not run),
2 for a usage error or a URL or command where nothing is listening.
With --class: 0 when every student was graded (whatever the scores), 1 when the grading
itself failed, 2 for a usage error.`;

/** What `--class` asks for. */
export interface ClassPlan {
  /** Always `class`. */
  mode: "class";
  /** The folder of submissions, as given. */
  dir: string;
  /** Where the gradebook goes, as given. */
  out: string;
  /** How many submissions at once. */
  jobs: number;
  /** The rubric file, as given, if any. */
  rubric?: string;
  /** Keep earlier results whose files, probe version and rubric are unchanged. */
  resume: boolean;
  /** `--students`: grade only these again, keeping the others' results. */
  students?: string[];
  /** Use namespaces where the machine allows (false: `--no-namespaces`). */
  namespaces: boolean;
  /** The wall-clock limit of one submission, in ms (`--wall-clock`). */
  wallMs: number;
  /** Exit 2 where bubblewrap cannot run (`--require-sandbox`). */
  requireSandbox: boolean;
  /** `-q`: a line only for the students below the maximum. */
  quiet: boolean;
}

/** The platforms `--autograder` writes for. */
export const PLATFORMS = [
  "gradescope",
  "prairielearn",
  "github-classroom",
] as const;

/** One of {@link PLATFORMS}. */
export type Platform = typeof PLATFORMS[number];

/** What `--autograder` asks for. */
export interface AutograderPlan {
  /** Always `autograder`. */
  mode: "autograder";
  /** Which platform. */
  platform: Platform;
  /** Where it goes, as given: a .zip for Gradescope, a folder for the others. */
  out: string;
  /** The rubric file, as given, if any. */
  rubric?: string;
  /** Gradescope's visibility for the tests and stdout. */
  visibility?: Visibility;
  /** PrairieLearn's image name. */
  image?: string;
}

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
      prairielearn?: string;
      visibility?: Visibility;
      checks?: string;
      rubric?: string;
      /** Its programs in bubblewrap (`--sandbox`, or `--gradescope`). */
      sandbox: boolean;
      /** Exit 2 where bubblewrap cannot run. */
      requireSandbox: boolean;
      /** The uid its programs run as (`--run-as`). */
      runAs?: number;
    }
    | ClassPlan
    | AutograderPlan
  );

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
        students: { type: "string" },
        "no-namespaces": { type: "boolean" },
        "wall-clock": { type: "string" },
        gradescope: { type: "string" },
        prairielearn: { type: "string" },
        visibility: { type: "string" },
        checks: { type: "string" },
        autograder: { type: "string" },
        image: { type: "string" },
        limits: { type: "string" },
        "missing-ok": { type: "boolean" },
        sandbox: { type: "boolean" },
        "require-sandbox": { type: "boolean" },
        "run-as": { type: "string" },
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
    values.autograder !== undefined,
  ]
    .filter(Boolean).length;
  if (positionals.length > 1) {
    throw new UsageError(`one URL at a time (got ${positionals.join(" ")})`);
  }
  if (given !== 1) {
    throw new UsageError(
      'give one of: a URL, --start "CMD {port}", --submission DIR, --class DIR, --autograder PLATFORM',
    );
  }
  const onlyWith = (flag: string, present: unknown, modes: string) => {
    if (present !== undefined) throw new UsageError(`${flag} is for ${modes}`);
  };
  if (values.autograder === undefined) {
    onlyWith("--image", values.image, "--autograder prairielearn");
  }
  if (values.gradescope === undefined && values.autograder === undefined) {
    onlyWith(
      "--visibility",
      values.visibility,
      "--gradescope or --autograder gradescope",
    );
  }
  if (values.autograder !== undefined) {
    return autograderPlan(values);
  }
  if (values.class === undefined) {
    onlyWith("--out", values.out, "--class or --autograder");
    onlyWith("--jobs", values.jobs, "--class");
    onlyWith("--resume", values.resume, "--class");
    onlyWith("--students", values.students, "--class");
    onlyWith("--no-namespaces", values["no-namespaces"], "--class");
    onlyWith("--wall-clock", values["wall-clock"], "--class");
  }
  if (values.submission === undefined) {
    onlyWith("--gradescope", values.gradescope, "--submission");
    onlyWith("--prairielearn", values.prairielearn, "--submission");
    onlyWith("--checks", values.checks, "--submission");
    onlyWith("--limits", values.limits, "--submission");
    onlyWith("--missing-ok", values["missing-ok"], "--submission");
    onlyWith("--sandbox", values.sandbox, "--submission");
    onlyWith("--run-as", values["run-as"], "--submission");
    if (values.class === undefined) {
      onlyWith(
        "--require-sandbox",
        values["require-sandbox"],
        "--class, or --submission with --sandbox",
      );
      onlyWith(
        "--rubric",
        values.rubric,
        "--class, --autograder or --submission with --gradescope",
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
    const jobs = values.jobs === undefined
      ? defaultJobs()
      : Number(values.jobs);
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
      ...(values.students !== undefined
        ? { students: studentsOf(values.students, values.resume === true) }
        : {}),
      namespaces: values["no-namespaces"] !== true,
      requireSandbox: values["require-sandbox"] === true,
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
    const platform = values.gradescope !== undefined
      ? "--gradescope"
      : values.prairielearn !== undefined
      ? "--prairielearn"
      : undefined;
    if (
      values.rubric !== undefined && platform === undefined &&
      values.checks === undefined
    ) {
      throw new UsageError(
        "--rubric with --submission needs --gradescope FILE, --prairielearn FILE or --checks ENTRY",
      );
    }
    if (platform !== undefined && (only !== undefined || values.checks)) {
      throw new UsageError(
        `${platform} grades the whole submission: leave out --only and --checks`,
      );
    }
    if (values.checks !== undefined && only !== undefined) {
      throw new UsageError("--checks and --only: give one of them");
    }
    const sandbox = values.sandbox === true ||
      values.gradescope !== undefined ||
      values.prairielearn !== undefined;
    if (values["require-sandbox"] && !sandbox) {
      throw new UsageError(
        "--require-sandbox needs --sandbox (or --gradescope, --prairielearn)",
      );
    }
    const runAs = values["run-as"] === undefined
      ? undefined
      : Number(values["run-as"]);
    if (runAs !== undefined && (!Number.isSafeInteger(runAs) || runAs < 1)) {
      throw new UsageError(
        `--run-as takes a uid other than root's, not ${
          JSON.stringify(values["run-as"])
        }`,
      );
    }
    return {
      ...common,
      mode: "submission",
      dir: values.submission,
      missingOk: values["missing-ok"] === true || platform !== undefined,
      ...(limits ? { limits } : {}),
      ...(values.gradescope !== undefined
        ? { gradescope: values.gradescope }
        : {}),
      ...(values.prairielearn !== undefined
        ? { prairielearn: values.prairielearn }
        : {}),
      ...(values.visibility !== undefined
        ? { visibility: visibilityOf(values.visibility) }
        : {}),
      ...(values.checks !== undefined ? { checks: values.checks } : {}),
      ...(values.rubric !== undefined ? { rubric: values.rubric } : {}),
      sandbox,
      requireSandbox: values["require-sandbox"] === true,
      ...(runAs !== undefined ? { runAs } : {}),
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

/** `--students A,B`'s names, checked. */
function studentsOf(value: string, resume: boolean): string[] {
  if (resume) {
    throw new UsageError(
      "--students regrades those students whatever --resume would keep: give one of them",
    );
  }
  const names = value.split(",").map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) {
    throw new UsageError("--students needs one name or more, e.g. alice,bob");
  }
  return [...new Set(names)];
}

/** `--visibility`'s value, checked. */
function visibilityOf(value: string): Visibility {
  if (!(VISIBILITIES as readonly string[]).includes(value)) {
    throw new UsageError(
      `--visibility takes one of ${VISIBILITIES.join(", ")}, not ${
        JSON.stringify(value)
      }`,
    );
  }
  return value as Visibility;
}

/** The plan of `--autograder PLATFORM --out OUT`. */
function autograderPlan(
  values: Record<string, string | boolean | undefined>,
): AutograderPlan & { quiet: boolean } {
  const platform = values.autograder as string;
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    throw new UsageError(
      `--autograder takes one of ${PLATFORMS.join(", ")}, not ${
        JSON.stringify(platform)
      }`,
    );
  }
  for (
    const flag of [
      "kind",
      "only",
      "json",
      "jobs",
      "resume",
      "students",
      "limits",
    ] as const
  ) {
    if (values[flag] !== undefined) {
      throw new UsageError(`--${flag} is not for --autograder`);
    }
  }
  if (typeof values.out !== "string") {
    throw new UsageError(
      `--autograder ${platform} needs --out ${
        platform === "gradescope" ? "NAME.zip" : "DIR"
      }, where it goes`,
    );
  }
  if (values.visibility !== undefined && platform !== "gradescope") {
    throw new UsageError("--visibility is for --autograder gradescope");
  }
  if (values.image !== undefined && platform !== "prairielearn") {
    throw new UsageError("--image is for --autograder prairielearn");
  }
  return {
    mode: "autograder",
    platform: platform as Platform,
    out: values.out,
    ...(typeof values.rubric === "string" ? { rubric: values.rubric } : {}),
    ...(typeof values.visibility === "string"
      ? { visibility: visibilityOf(values.visibility) }
      : {}),
    ...(typeof values.image === "string" ? { image: values.image } : {}),
    quiet: values.quiet === true,
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

/** The one-line usage printed after a usage error. */
export const SHORT_USAGE =
  `usage: deno task probe URL | --start "CMD {port}" | --submission DIR | --class DIR --out OUTDIR | --autograder PLATFORM --out OUT [--help for the options]`;
