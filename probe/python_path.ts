/**
 * `python3` as it really is. The probe asks the `python3` on PATH once what
 * it is (its version, the folder of its executable, its prefixes), so that a
 * sandbox can bind what it needs and every program starts the interpreter
 * itself. Version managers (pyenv, asdf) put a shell script named `python3`
 * first on PATH that finds the real interpreter on every start: here about
 * half a CPU second each time, and the probe starts `python3` four times or
 * more per submission (a class of 100: minutes of CPU). So the probe puts the
 * interpreter's folder first on its own PATH, which every program it starts
 * inherits; the command lines stay `python3 ...`, and the interpreter is the
 * one `python3` ran anyway. `PROBE_PYTHON_AS_IS=1` leaves PATH as it is.
 *
 * @module
 */

/** The python3 on PATH as it tells of itself: `Python 3.11.7`, its executable's folder (first on the sandbox's PATH), its prefixes (bound in). */
export type Python = { version: string; bin: string; prefixes: string[] };

/** What {@link findPython} found, per PATH: the probe asks once, not once per use (each ask is a start of python3). */
const found = new Map<string, Promise<Python | undefined>>();

/**
 * What a probe that starts another (`--class`, one per submission) tells it
 * of python3 on their PATH, so that the python3 is asked once per class: an
 * ask costs a tenth of a CPU second, as much as a submission's structure
 * checks.
 */
export const PYTHON_ENV = "PROBE_PYTHON";

/** The python3 on PATH, asked of itself (once per PATH, or told by the probe that started this one); undefined when it does not run. */
export function findPython(): Promise<Python | undefined> {
  const path = Deno.env.get("PATH") ?? "";
  let python = found.get(path);
  if (python === undefined) {
    found.set(path, python = Promise.resolve(told(path) ?? askPython()));
  }
  return python;
}

/** The variables that tell a probe started with this one's PATH what {@link findPython} found. */
export async function pythonEnv(): Promise<Record<string, string>> {
  const python = await findPython();
  if (python === undefined) return {};
  const path = Deno.env.get("PATH") ?? "";
  return { [PYTHON_ENV]: JSON.stringify({ path, python }) };
}

/** The python3 a starting probe told of, if for this PATH. */
function told(path: string): Python | undefined {
  try {
    const said = JSON.parse(Deno.env.get(PYTHON_ENV) ?? "null");
    return said?.path === path && typeof said.python?.bin === "string"
      ? said.python
      : undefined;
  } catch {
    return undefined;
  }
}

async function askPython(): Promise<Python | undefined> {
  const script =
    "import os, platform, sys; print(platform.python_version(), os.path.dirname(os.path.abspath(sys.executable)), sys.prefix, sys.base_prefix, sep='\\n')";
  const { success, stdout } = await new Deno.Command("python3", {
    args: ["-c", script],
    stdin: "null",
    stderr: "null",
  }).output().catch(() => ({ success: false, stdout: new Uint8Array() }));
  const [version, bin, ...prefixes] = new TextDecoder().decode(stdout).trim()
    .split("\n");
  return success
    ? { version: `Python ${version}`, bin, prefixes: [...new Set(prefixes)] }
    : undefined;
}

/** Puts the real interpreter's folder first on this process's PATH (unless it is already, or `PROBE_PYTHON_AS_IS` is set); returns it if it moved. */
export async function preferRealPython(): Promise<string | undefined> {
  if (Deno.env.get("PROBE_PYTHON_AS_IS")) return undefined;
  const folder = (await findPython())?.bin;
  if (folder === undefined || !folder.startsWith("/")) return undefined;
  const own = await Deno.stat(`${folder}/python3`).catch(() => undefined);
  const path = Deno.env.get("PATH") ?? "";
  if (!own?.isFile || path.split(":")[0] === folder) return undefined;
  Deno.env.set("PATH", `${folder}:${path}`);
  return folder;
}
