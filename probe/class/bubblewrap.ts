/**
 * The sandbox of one program of a submission (a server, or the structure
 * check's python3): the words put before its command.
 *
 * In bubblewrap (`bwrap`): a read-only system holding only what python3
 * needs, `/proc` of a PID namespace of its own, a minimal `/dev`, and one
 * writable place, a tmpfs of {@link BOX_BYTES} at {@link BOX} holding a
 * fresh copy of the submission (the working folder) and `/tmp`. It shares
 * only the network namespace, so that the probe reaches its servers. It
 * never runs with the grader's rights on the host's files: when the grader
 * is root, bwrap (as root, with no user namespace) builds the sandbox and
 * `setpriv` drops to an unprivileged uid before anything of the student's
 * runs, so the kernel's process-count limit counts that uid alone, one per
 * job slot; otherwise bwrap runs it in a user namespace of its own, where
 * the same limit counts that namespace alone. `--die-with-parent` ends the
 * sandbox with bwrap, and bwrap with the probe.
 *
 *     bwrap --unshare-{pid,ipc,uts,cgroup} [--unshare-user ...] --ro-bind /usr ... --tmpfs /box ...
 *       └─ [setpriv --reuid=UID] sh -c 'copy /submitted to /box/submission; exec "$@"'
 *            └─ prlimit ... python3 webserve.py PORT
 *
 * Where bwrap cannot run, the fallback is the uid and the limits alone.
 *
 * @module
 */

import { commandSucceeds } from "../kit.ts";
import { UsageError } from "../usage.ts";
import { type Limits, prlimitPrefix } from "./limits.ts";

/** The sandbox's one writable place: a tmpfs holding the submission's copy and `/tmp`. */
export const BOX = "/box";

/** The submission's fresh copy, the programs' working folder. */
export const BOX_SUBMISSION = `${BOX}/submission`;

/** All the bytes one program may write (its copy and `/tmp` together): a server of the brief writes none. */
export const BOX_BYTES = 64 * 1024 * 1024;

/**
 * The first uid the student's code runs as when the grader is root, one per
 * job slot: above every login and system user, and outside systemd's ranges
 * for containers (up to 1,879,048,191) and foreign uids (from 2,147,352,576).
 */
export const BOX_UID_BASE = 1_900_000_000;

/** How a submission's programs run. */
export interface Sandbox {
  /** In bubblewrap (false: the uid and the limits alone). */
  bwrap: boolean;
  /** As root: the unprivileged uid (and gid) they run as; otherwise they run as the grader. */
  uid?: number;
}

/** Where the python3 on PATH lives: bound read-only into the sandbox when outside `/usr`. */
export interface PythonPlaces {
  /** `Python 3.11.7`. */
  version: string;
  /** The folder of its executable, first on the sandbox's PATH. */
  bin: string;
  /** Its prefixes (a venv's, and the installation's). */
  prefixes: string[];
}

/** A program's sandbox: the words before its command, and where it sees its files. */
export interface ProgramBox {
  /** Put before the command (`python3 webserve.py PORT`). */
  prefix: string[];
  /** The submission's folder, as the program sees it. */
  dir: string;
  /** A file of the probe's, as the program sees it. */
  file(path: string): string;
  /** In bubblewrap, which reports a program killed by signal n as exit code 128 + n. */
  sandboxed: boolean;
}

/** The programs of the submission in `dir` run as they are, with no sandbox and no limits. */
export function unboxed(dir: string): ProgramBox {
  return { prefix: [], dir, file: (path) => path, sandboxed: false };
}

/** Where the probe's own files (the structure check) are bound. */
const PROBE_FILES = "/probe";

/** What python3 reads from /etc: the loader's cache, name lookups for `localhost`, the time zone. */
const ETC = [
  "ld.so.cache",
  "hosts",
  "nsswitch.conf",
  "host.conf",
  "gai.conf",
  "localtime",
];

/** The folders of the system, as on this machine: a merged /usr's links stay links. */
async function systemArgs(): Promise<string[]> {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const dir of ["/bin", "/sbin", "/lib", "/lib64", "/lib32"]) {
    try {
      args.push("--symlink", await Deno.readLink(dir), dir);
    } catch {
      args.push("--ro-bind-try", dir, dir);
    }
  }
  for (const file of ETC) {
    args.push("--ro-bind-try", `/etc/${file}`, `/etc/${file}`);
  }
  return args;
}

/** `path` bound read-only at the same place, its parent folders made reachable (bwrap makes them 0700). */
function bindReachable(path: string): string[] {
  const args: string[] = [];
  const parts = path.split("/").filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    args.push("--perms", "0755", "--dir", `/${parts.slice(0, i).join("/")}`);
  }
  return [...args, "--ro-bind", path, path];
}

/** The bwrap words shared by every sandbox: namespaces, who runs, the system, /proc and /dev. */
async function bwrapArgs(sandbox: Sandbox): Promise<string[]> {
  return [
    "bwrap",
    "--die-with-parent",
    "--new-session",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    // Not root: a user namespace of its own, no capabilities, none nested.
    ...(sandbox.uid === undefined
      ? [
        "--unshare-user",
        "--disable-userns",
        "--cap-drop",
        "ALL",
        "--uid",
        String(BOX_UID_BASE),
        "--gid",
        String(BOX_UID_BASE),
      ]
      : []),
    ...await systemArgs(),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
  ];
}

/** The words that drop from root to the sandbox's uid. */
function setprivArgs(uid: number): string[] {
  return ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups"];
}

/** Why bubblewrap cannot run a program here as `sandbox` asks (run `within` those words, e.g. `unshare ...`), or undefined when it can. */
export async function whyNoBwrap(
  sandbox: Sandbox,
  within: string[] = [],
): Promise<string | undefined> {
  if (!await commandSucceeds("bwrap", ["--version"])) {
    return "bwrap is not on PATH (Debian's bubblewrap)";
  }
  const root = sandbox.uid === undefined ? [] : setprivArgs(sandbox.uid);
  const argv = [...within, ...await bwrapArgs(sandbox), "--", ...root, "true"];
  return await commandSucceeds(argv[0], argv.slice(1))
    ? undefined
    : "bwrap cannot make its namespaces here (no unprivileged user namespaces, or a container's seccomp profile)";
}

/** Where the python3 on PATH lives, asked of python3 itself; undefined when it does not run. */
export async function pythonPlaces(): Promise<PythonPlaces | undefined> {
  try {
    const output = await new Deno.Command("python3", {
      args: [
        "-c",
        "import json, os, platform, sys; print(json.dumps([platform.python_version(), os.path.dirname(os.path.abspath(sys.executable)), sys.prefix, sys.base_prefix]))",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const [version, bin, ...prefixes] = JSON.parse(
      new TextDecoder().decode(output.stdout),
    ) as string[];
    return {
      version: `Python ${version}`,
      bin,
      prefixes: [...new Set(prefixes)],
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether this process is root with every uid at its command (so that it
 * can run a program as another): not root mapped into a user namespace of
 * its own, as the inner probe of an unprivileged grader is.
 */
export function rootOverUids(): Promise<boolean> {
  return commandSucceeds("sh", [
    "-c",
    'test "$(id -u)" = 0 && grep -Eq "^ *0 +0 +4294967295$" /proc/self/uid_map',
  ]);
}

/**
 * How a submission's programs run when `sandbox` is asked for: in bubblewrap
 * where it can run, else (with `fallback`, the one line that says so) as the
 * uid alone; as root, as `runAs` or {@link BOX_UID_BASE}, never as root.
 * Throws {@link UsageError} where bubblewrap cannot run and `required`, and
 * where the uid without bubblewrap cannot run python3.
 */
export async function chooseSandbox(wanted: {
  sandbox: boolean;
  runAs?: number;
  required: boolean;
}): Promise<{ sandbox: Sandbox; fallback?: string }> {
  const root = wanted.sandbox && wanted.runAs === undefined &&
    await rootOverUids();
  const uid = wanted.runAs ?? (root ? BOX_UID_BASE : undefined);
  const as = uid === undefined ? {} : { uid };
  const whyNot = wanted.sandbox
    ? await whyNoBwrap({ bwrap: true, ...as })
    : "not asked for";
  if (whyNot === undefined) return { sandbox: { bwrap: true, ...as } };
  if (wanted.required) throw new UsageError(`--require-sandbox: ${whyNot}`);
  if (uid !== undefined) await mustRunPython(uid);
  return {
    sandbox: { bwrap: false, ...as },
    ...(wanted.sandbox
      ? { fallback: fallbackLine(whyNot, `uid ${uid ?? "yours"}`) }
      : {}),
  };
}

/** Throws {@link UsageError} unless `uid` can run the python3 on PATH (without bubblewrap, it runs the submissions). */
export async function mustRunPython(uid: number): Promise<void> {
  const [setpriv, ...args] = setprivArgs(uid);
  if (!await commandSucceeds(setpriv, [...args, "python3", "-c", ""])) {
    throw new UsageError(
      `without bubblewrap the student's programs run as uid ${uid}, which cannot run the python3 on PATH: put one it can run first on PATH (e.g. /usr/bin/python3), or install bubblewrap`,
    );
  }
}

/** The fallback's one line: why there is no sandbox, and who the programs run as instead. */
export function fallbackLine(whyNot: string, who: string): string {
  return `no sandbox: ${whyNot}; the student's programs run as ${who} under the limits alone, seeing the host's files (--require-sandbox refuses instead)`;
}

/**
 * The sandbox of a program of the submission in `dir` (a folder the
 * sandbox's uid can read), run under `limits`, reading the probe's `files`.
 */
export async function programBox(
  sandbox: Sandbox,
  options: {
    dir: string;
    limits?: Limits;
    /** Needed in bubblewrap. */
    python?: PythonPlaces;
    files?: string[];
  },
): Promise<ProgramBox> {
  const limits = options.limits ? prlimitPrefix(options.limits) : [];
  const root = sandbox.uid === undefined ? [] : setprivArgs(sandbox.uid);
  if (!sandbox.bwrap || options.python === undefined) {
    return { ...unboxed(options.dir), prefix: [...root, ...limits] };
  }
  const inside = (path: string) =>
    `${PROBE_FILES}/${path.slice(path.lastIndexOf("/") + 1)}`;
  const python = options.python.prefixes.filter((p) =>
    p !== "/usr" && !p.startsWith("/usr/")
  );
  return {
    prefix: [
      ...await bwrapArgs(sandbox),
      ...python.flatMap(bindReachable),
      ...["--perms", "0755", "--dir", PROBE_FILES],
      ...(options.files ?? []).flatMap((f) => ["--ro-bind", f, inside(f)]),
      "--ro-bind",
      options.dir,
      "/submitted",
      "--perms",
      "0777",
      "--size",
      String(BOX_BYTES),
      "--tmpfs",
      BOX,
      "--symlink",
      `${BOX.slice(1)}/tmp`,
      "/tmp",
      // Nothing else is writable: bwrap's own root and /dev are tmpfs of no size limit.
      "--remount-ro",
      "/dev",
      "--remount-ro",
      "/",
      "--chdir",
      BOX,
      "--clearenv",
      ...[
        ["PATH", `${options.python.bin}:/usr/local/bin:/usr/bin:/bin`],
        ["HOME", BOX],
        ["LANG", "C.UTF-8"],
        ["PYTHONDONTWRITEBYTECODE", "1"],
        ["PYTHONUNBUFFERED", "1"],
      ].flatMap(([name, value]) => ["--setenv", name, value]),
      "--",
      ...root,
      "sh",
      "-c",
      // The student's code is the first the kernel's OOM killer takes, never the probe.
      'echo 1000 > /proc/self/oom_score_adj; mkdir submission tmp && cp -R /submitted/. submission/ && cd submission && exec "$@"',
      "sh",
      ...limits,
    ],
    dir: BOX_SUBMISSION,
    file: inside,
    sandboxed: true,
  };
}
