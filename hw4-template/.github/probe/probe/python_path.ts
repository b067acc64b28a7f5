/**
 * `python3` without the stand-ins in front of it. Version managers (pyenv,
 * asdf) put a shell script named `python3` first on PATH that finds the real
 * interpreter on every start: here about half a CPU second each time, and
 * the probe starts `python3` four times or more per submission (a class of
 * 100: minutes of CPU). So the probe asks `python3` once where it really is
 * (`sys.executable`) and puts that folder first on its own PATH, which every
 * program it starts inherits. The command lines stay `python3 ...`; the
 * interpreter is the one `python3` ran anyway. `PROBE_PYTHON_AS_IS=1` leaves
 * PATH as it is.
 *
 * @module
 */

/** The folder of the interpreter `python3` runs, when it holds a `python3` of its own; undefined when it cannot be found. */
export async function realPythonFolder(): Promise<string | undefined> {
  try {
    const output = await new Deno.Command("python3", {
      args: ["-c", "import sys; print(sys.executable)"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!output.success) return undefined;
    const executable = new TextDecoder().decode(output.stdout).trim();
    const folder = executable.slice(0, executable.lastIndexOf("/"));
    if (!folder.startsWith("/")) return undefined;
    return (await Deno.stat(`${folder}/python3`).catch(() => undefined))?.isFile
      ? folder
      : undefined;
  } catch {
    return undefined;
  }
}

/** Puts the real interpreter's folder first on this process's PATH (unless it is already, or `PROBE_PYTHON_AS_IS` is set); returns it if it moved. */
export async function preferRealPython(): Promise<string | undefined> {
  if (Deno.env.get("PROBE_PYTHON_AS_IS")) return undefined;
  const folder = await realPythonFolder();
  const path = Deno.env.get("PATH") ?? "";
  if (folder === undefined || path.split(":")[0] === folder) return undefined;
  Deno.env.set("PATH", `${folder}:${path}`);
  return folder;
}
