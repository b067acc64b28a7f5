/**
 * A grading platform's layout, made here: a folder bind-mounted where the
 * platform puts it (`/autograder`, `/grade`) in a private mount namespace of
 * its own, so that the platform's scripts run with the paths they expect and
 * the host's root is untouched (but for an empty folder to mount on). Also:
 * the submissions every platform is tried with, stand-ins for the network
 * tools that record any call, and unpacking a zip with its files' modes.
 *
 * @module
 */

import { writeFixture } from "../probe/fixtures/fixtures.ts";
import { commandSucceeds } from "../wire/commands.ts";
import { type CommandResult, runCommand } from "./commands.ts";

/** Why a mount namespace cannot be made here, if it cannot (as root it can). */
export async function mountNamespaceMissing(): Promise<string | undefined> {
  const id = await new Deno.Command("id", { args: ["-u"], stdout: "piped" })
    .output().catch(() => undefined);
  if (new TextDecoder().decode(id?.stdout).trim() !== "0") {
    return "not root: bind-mounting a platform's folder needs root";
  }
  return await commandSucceeds("unshare", ["--mount", "true"])
    ? undefined
    : "unshare --mount failed";
}

/** Runs `script` with bash in a new mount namespace where each `[from, at]` is bind-mounted first (each `at` made if missing). */
export function inMountNamespace(
  binds: readonly [string, string][],
  script: string,
  env: Record<string, string> = {},
): Promise<CommandResult> {
  // Each mount point is made in place: the later ones inside the earlier mounts.
  const mounts = binds.map(([from, at]) =>
    `mkdir -p '${at}' && mount --bind '${from}' '${at}'`
  ).join(" && ");
  return runCommand([
    "unshare",
    "--mount",
    "bash",
    "-c",
    `set -e; ${mounts}; set +e; ${script}`,
  ], { env });
}

/** The network tools a setup script could reach for; {@link networkShims} stands in for each. */
const NETWORK_TOOLS = ["apt-get", "apt", "npm", "curl", "wget"];

/** A folder of stand-ins for the network tools, to put first on PATH: each records its call and fails. */
export async function networkShims(
  dir: string,
): Promise<{ path: string; calls: () => Promise<string[]> }> {
  await Deno.mkdir(dir, { recursive: true });
  const log = `${dir}/calls.log`;
  for (const tool of NETWORK_TOOLS) {
    await Deno.writeTextFile(
      `${dir}/${tool}`,
      `#!/bin/sh\necho "${tool} $*" >>'${log}'\nexit 1\n`,
      { mode: 0o755 },
    );
  }
  return {
    path: dir,
    calls: async () =>
      (await Deno.readTextFile(log).catch(() => "")).split("\n").filter(
        Boolean,
      ),
  };
}

/** Unpacks `zip` into `dir` with Python's zipfile, giving each file the mode the zip holds. */
export async function unpackZip(zip: string, dir: string): Promise<void> {
  const output = await new Deno.Command("python3", {
    args: [
      "-c",
      `import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
for info in z.infolist():
    path = z.extract(info, sys.argv[2])
    os.chmod(path, (info.external_attr >> 16) & 0o777)`,
      zip,
      dir,
    ],
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(new TextDecoder().decode(output.stderr));
  }
}

/** The submissions each platform is tried with, and what each must get. */
export const PLATFORM_SUBMISSIONS = [
  "model",
  "flawed",
  "empty",
  "hangs_at_import",
  "forger",
] as const;

/** One of {@link PLATFORM_SUBMISSIONS}. */
export type PlatformSubmission = typeof PLATFORM_SUBMISSIONS[number];

/**
 * What the forger adds to the model's webserve.py: at import, and again from
 * a `setsid` child for 20 s, it writes a perfect score where Gradescope and
 * PrairieLearn read the results, and a file into their grader's folders.
 */
export const FORGER_LINES = `
import json as _json, os as _os, time as _time
_FORGED = {"score": 100, "gradable": True, "output": "FORGED", "tests": []}
def _forge():
    for path in ("/autograder/results/results.json", "/grade/results/results.json"):
        try:
            with open(path, "w") as out:
                _json.dump(_FORGED, out)
        except OSError:
            pass
    for path in ("/autograder/source/FORGED", "/grade/serverFilesCourse/FORGED"):
        try:
            with open(path, "w") as out:
                out.write("forged")
        except OSError:
            pass
_forge()
if __name__ == "__main__" and _os.fork() == 0:
    _os.setsid()
    for _ in range(100):
        _forge()
        _time.sleep(0.2)
    _os._exit(0)
`;

/** The line of the model's handler.py where every answer starts. */
const ANSWER_STARTS = "def answer(conn, request):";

/** Writes submission `name` into `dir`: the model answer, a flaw (query_echoed), nothing, a hang at import, the forger, or a slow model answer. */
export async function writePlatformSubmission(
  name: PlatformSubmission | "slow",
  dir: string,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  if (name === "empty") return;
  if (name === "slow") {
    // The model answer, a second and a half slow to each answer: every check
    // passes, each within its limit, and the whole takes minutes.
    await writeFixture("correct", dir);
    const path = `${dir}/handler.py`;
    const text = await Deno.readTextFile(path);
    if (!text.includes(ANSWER_STARTS)) throw new Error(`no ${ANSWER_STARTS}`);
    await Deno.writeTextFile(
      path,
      text.replace(ANSWER_STARTS, `${ANSWER_STARTS}\n    time.sleep(1.5)`),
    );
    return;
  }
  const fixture = name === "flawed"
    ? "query_echoed"
    : name === "hangs_at_import"
    ? "hangs_at_import"
    : "correct";
  await writeFixture(fixture, dir);
  if (name === "forger") {
    const path = `${dir}/webserve.py`;
    const text = await Deno.readTextFile(path);
    const at = text.indexOf("\nimport ");
    await Deno.writeTextFile(
      path,
      `${text.slice(0, at)}\n${FORGER_LINES}${text.slice(at)}`,
    );
  }
}
