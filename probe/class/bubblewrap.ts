/**
 * The sandbox of one program of a submission (a server, or the structure
 * check's python3), as the words before its command. In bubblewrap: a
 * read-only system of what python3 needs, its own PID namespace, and one
 * writable place, a tmpfs of {@link BOX_BYTES} with a fresh copy of the
 * submission and `/tmp`; only the network is shared, for the probe to reach
 * the servers. As root, `setpriv` drops to an unprivileged uid (a job slot's,
 * whose process count the kernel keeps) before anything of the student's
 * runs; otherwise bwrap gives it a user namespace (whose count it is). The
 * fallback, where bwrap cannot run, is the uid and the limits alone.
 *
 *     bwrap --unshare-{pid,ipc,uts,cgroup} [--unshare-user ...] --ro-bind /usr ... --tmpfs /box ...
 *       └─ [setpriv --reuid=UID] sh -c 'copy /submitted to /box/submission; exec "$@"'
 *            └─ prlimit ... python3 webserve.py PORT
 *
 * @module
 */

import { commandSucceeds } from "../kit.ts";
import { UsageError } from "../usage.ts";
import { type Limits, prlimitPrefix } from "./limits.ts";
import type { Python } from "../python_path.ts";

/** All the bytes one program may write, its copy included: a server of the brief writes none. */
export const BOX_BYTES = 64 * 1024 * 1024;

/** The uid of the student's code when the grader is root (`--class`: a block from here): above every real user and systemd's ranges. */
export const BOX_UID_BASE = 1_900_000_000;

/** How a submission's programs run. */
export interface Sandbox {
  /** In bubblewrap (false: the uid and the limits alone). */
  bwrap: boolean;
  /** As root: the unprivileged uid (and gid) they run as; otherwise the grader's. */
  uid?: number;
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

/** The programs of the submission in `dir` run as they are. */
export function unboxed(dir: string): ProgramBox {
  return { prefix: [], dir, file: (path) => path, sandboxed: false };
}

const words = (text: string) => text.split(" ");

/** What python3 reads of /etc: the loader's cache, `localhost`, the time zone. */
const ETC = "ld.so.cache hosts nsswitch.conf host.conf gai.conf localtime";

/** The bwrap words of every sandbox: namespaces, who runs, the system as on this machine. */
async function bwrapArgs(sandbox: Sandbox): Promise<string[]> {
  const args = words(
    "bwrap --die-with-parent --new-session --unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup-try --ro-bind /usr /usr --proc /proc --dev /dev",
  );
  if (sandbox.uid === undefined) { // a user namespace of its own, no capabilities, none nested
    args.push(...words("--unshare-user --disable-userns --cap-drop ALL"));
    args.push(...words(`--uid ${BOX_UID_BASE} --gid ${BOX_UID_BASE}`));
  }
  for (const dir of words("/bin /sbin /lib /lib64 /lib32")) {
    const link = await Deno.readLink(dir).catch(() => undefined); // a merged /usr's links stay links
    args.push(...link ? ["--symlink", link, dir] : ["--ro-bind-try", dir, dir]);
  }
  return args.concat(
    words(ETC).flatMap((f) => ["--ro-bind-try", `/etc/${f}`, `/etc/${f}`]),
  );
}

function setprivArgs(uid?: number): string[] {
  return uid === undefined
    ? []
    : words(`setpriv --reuid=${uid} --regid=${uid} --clear-groups`);
}

/** Whether this process is root with every uid at its command: not root mapped into a user namespace of its own. */
export function rootOverUids(): Promise<boolean> {
  return commandSucceeds("sh", [
    "-c",
    'test "$(id -u)" = 0 && grep -Eq "^ *0 +0 +4294967295$" /proc/self/uid_map',
  ]);
}

/**
 * Set by a class for each submission's probe when bwrap ran in the
 * submission's namespaces: that probe need not try it again (two more
 * programs started per submission).
 */
export const BWRAP_RUNS_ENV = "PROBE_BWRAP_RUNS";

/**
 * How a submission's programs run: in bubblewrap if `sandbox` asks and it
 * runs here (tried `within` those words, unless the class that started this
 * probe says it does: {@link BWRAP_RUNS_ENV}), else as the uid alone, with
 * the fallback's line; as root, as `runAs` or {@link BOX_UID_BASE}. Throws
 * {@link UsageError} where bwrap cannot run and is `required`, and where
 * the fallback's uid cannot run python3.
 */
export async function chooseSandbox(wanted: {
  sandbox: boolean;
  runAs?: number;
  required: boolean;
  within?: string[];
}): Promise<{ sandbox: Sandbox; fallback?: string }> {
  const uid = wanted.runAs ??
    (wanted.sandbox && await rootOverUids() ? BOX_UID_BASE : undefined);
  const as = uid === undefined ? {} : { uid };
  if (!wanted.sandbox) return { sandbox: { bwrap: false, ...as } };
  if (Deno.env.get(BWRAP_RUNS_ENV) === "1") {
    return { sandbox: { bwrap: true, ...as } };
  }
  const tried = [
    ...wanted.within ?? [],
    ...await bwrapArgs({ bwrap: true, ...as }),
    "--",
    ...setprivArgs(uid),
    "true",
  ];
  const whyNot = !await commandSucceeds("bwrap", ["--version"])
    ? "bwrap is not on PATH (Debian's bubblewrap)"
    : !await commandSucceeds(tried[0], tried.slice(1))
    ? "bwrap cannot make its namespaces here (no unprivileged user namespaces, or a container's seccomp profile)"
    : undefined;
  if (whyNot === undefined) return { sandbox: { bwrap: true, ...as } };
  if (wanted.required) throw new UsageError(`--require-sandbox: ${whyNot}`);
  const [setpriv, ...args] = setprivArgs(uid);
  if (
    setpriv && !await commandSucceeds(setpriv, [...args, "python3", "-c", ""])
  ) {
    throw new UsageError(
      `without bubblewrap the student's programs run as uid ${uid}, which cannot run the python3 on PATH: put one it can run first on PATH (e.g. /usr/bin/python3), or install bubblewrap`,
    );
  }
  const who = uid === undefined ? "you" : "an unprivileged uid";
  return {
    sandbox: { bwrap: false, ...as },
    fallback:
      `no sandbox: ${whyNot}; the student's programs run as ${who} under the limits alone, seeing the host's files (--require-sandbox refuses instead)`,
  };
}

/**
 * The sandbox of a program of the submission in `dir` (a folder its uid can
 * read), run under `limits` with `python`, reading the probe's `files`.
 */
export async function programBox(
  sandbox: Sandbox,
  options: { dir: string; limits?: Limits; python: Python; files: string[] },
): Promise<ProgramBox> {
  const limits = options.limits ? prlimitPrefix(options.limits) : [];
  if (!sandbox.bwrap) {
    const prefix = [...setprivArgs(sandbox.uid), ...limits];
    return { ...unboxed(options.dir), prefix };
  }
  const inside = (path: string) => `/probe/${path.replace(/^.*\//, "")}`;
  const env = {
    PATH: `${options.python.bin}:/usr/local/bin:/usr/bin:/bin`,
    HOME: "/box",
    LANG: "C.UTF-8",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
  };
  return {
    prefix: [
      ...await bwrapArgs(sandbox),
      ...options.python.prefixes.flatMap(bindReachable),
      ...words("--perms 0755 --dir /probe"),
      ...options.files.flatMap((f) => ["--ro-bind", f, inside(f)]),
      ...["--ro-bind", options.dir, "/submitted"],
      ...words(
        `--perms 0777 --size ${BOX_BYTES} --tmpfs /box --symlink box/tmp /tmp --chdir /box`,
      ),
      // Nothing else may be written: bwrap's own root and /dev are tmpfs of no size limit.
      ...words("--remount-ro /dev --remount-ro / --clearenv"),
      ...Object.entries(env).flatMap((pair) => ["--setenv", ...pair]),
      ...["--", ...setprivArgs(sandbox.uid), "sh", "-c"],
      // The student's code is what the kernel's OOM killer takes first, never the probe.
      'echo 1000 > /proc/self/oom_score_adj; mkdir submission tmp && cp -R /submitted/. submission/ && cd submission && exec "$@"',
      ...["sh", ...limits],
    ],
    dir: "/box/submission",
    file: inside,
    sandboxed: true,
  };
}

/** `path` (outside /usr) bound read-only at the same place, its parent folders made reachable (bwrap makes them 0700). */
function bindReachable(path: string): string[] {
  if (/^\/usr(\/|$)/.test(path)) return [];
  const parents = path.split("/").slice(1, -1).map((_, i, parts) =>
    `/${parts.slice(0, i + 1).join("/")}`
  );
  return [
    ...parents.flatMap((dir) => ["--perms", "0755", "--dir", dir]),
    "--ro-bind",
    path,
    path,
  ];
}
