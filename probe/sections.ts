/**
 * What a plan probes, as sections of the card: one per server (where it is or
 * how to start it, and its checks) and one for a submission's structure. A
 * submission's folder and `python3` are checked here, so that what is
 * missing is a usage error before anything starts.
 *
 * @module
 */

import type { Check, Kind } from "./check.ts";
import { serverChecks } from "./checks.ts";
import { chooseSandbox, programBox } from "./class/bubblewrap.ts";
import { findPython } from "./python_path.ts";
import { entryOf, type Rubric } from "./class/rubric.ts";
import type { AutograderPlan, ClassPlan, Plan } from "./plan.ts";
import type { Target } from "./probe_conn.ts";
import { STRUCTURE_SCRIPT, structureChecks } from "./structure.ts";
import { fromUserDir, UsageError, userDir } from "./usage.ts";

/** One server to probe, or the structure checks (no server). */
export interface Section {
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
    /** The prefix is a bubblewrap sandbox's. */
    sandboxed?: boolean;
  };
  /** Why it cannot be started at all (a submission without the file). */
  missing?: string;
  /** Its checks. */
  checks: Check[];
}

const PYTHON = "python3";
const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" };

/**
 * The sections of a plan, after the checks a usage error needs (folder,
 * python3, the sandbox if required); throws {@link UsageError}. `fallback`
 * is the one line saying that the sandbox asked for cannot run here.
 */
export async function sectionsOf(
  plan: Exclude<Plan, ClassPlan | AutograderPlan>,
): Promise<{ sections: Section[]; preface: string; fallback?: string }> {
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
  const python = await findPython();
  if (python === undefined) {
    throw new UsageError(`--submission needs ${PYTHON} on PATH`);
  }
  const { sandbox, fallback } = await chooseSandbox({
    sandbox: plan.sandbox,
    ...(plan.runAs !== undefined ? { runAs: plan.runAs } : {}),
    required: plan.requireSandbox,
  });
  const box = await programBox(sandbox, {
    dir,
    ...(plan.limits ? { limits: plan.limits } : {}),
    python,
    files: [STRUCTURE_SCRIPT],
  });
  const server = (file: string, kind: Kind): Section => ({
    heading: `${file} (${kind === "nb" ? "non-blocking" : "blocking"})`,
    server: file,
    kind,
    start: {
      command: [PYTHON, file, "{port}"],
      cwd: dir,
      env: PYTHON_ENV,
      prefix: box.prefix,
      sandboxed: box.sandboxed,
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
      checks: structureChecks(box, PYTHON),
    });
  }
  const where = box.sandboxed
    ? `, in bubblewrap${
      sandbox.uid === undefined ? "" : ` as uid ${sandbox.uid}`
    }`
    : fallback
    ? `; ${fallback}`
    : "";
  return {
    preface:
      `deno task probe: the submission in ${plan.dir} (${python.version}${where})`,
    sections,
    ...(fallback ? { fallback } : {}),
  };
}

/** The sections with only the checks of rubric entry `entry` (`--checks`); a section left with none goes. Throws {@link UsageError} for an entry the rubric does not have. */
export function onlyEntry(
  sections: readonly Section[],
  rubric: Rubric,
  entry: string,
): Section[] {
  if (!(entry in rubric.points)) {
    throw new UsageError(
      `--checks takes an entry of the rubric (${
        Object.keys(rubric.points).join(", ")
      }), not ${JSON.stringify(entry)}`,
    );
  }
  return sections.map((section) => ({
    ...section,
    checks: section.checks.filter((check) =>
      entryOf(rubric, {
        group: check.group,
        id: `${check.group}.${check.name}`,
      }) === entry
    ),
  })).filter((section) => section.checks.length > 0);
}
