/**
 * One submission, graded in a box: `deno task probe --submission` (the inner
 * probe) on a fresh copy of its files, alone in a network and a PID namespace
 * of its own where the machine allows it, each program of the submission in
 * a bubblewrap sandbox of its own (`bubblewrap.ts`), the whole box under a
 * wall clock and, where cgroup v1's memory controller is writable, a cap on
 * its memory (`memory_cgroup.ts`).
 *
 *     outer probe (--class), per submission:
 *       └─ [sh: memory cgroup] unshare --net --pid --fork --kill-child --mount-proc [--map-root-user]
 *            └─ sh -c 'ip link set lo up; deno ... probe/main.ts --submission COPY --boxed --sandbox ...'
 *                 └─ inner probe: alone with its sh (the init) in its PID namespace and on its loopback
 *                      ├─ bwrap ... [setpriv --reuid=UID] ... prlimit ... python3 webserve.py PORT
 *                      └─ bwrap ... python3 /probe/structure_check.py ...   (and webserve_nb.py)
 *
 * The servers reach nothing but their own loopback and collide with nobody's
 * port. As root, the student's code runs as an unprivileged uid of its job
 * slot, taken from a block chosen at random per run (so that two runs at
 * once do not share a uid), and the copy is theirs. When the inner probe
 * ends, the kernel ends its namespace and every sandbox in it; the memory
 * cgroup is the last net. Where bubblewrap cannot run, the fallback (said
 * once) is the uid and prlimit alone, in the namespaces if they work, and
 * on the host's loopback with free ports if they do not, where the slot's
 * uid is what finds the processes left behind.
 *
 * @module
 */

import { type CapturedOutput, OutputCapture } from "../capture.ts";
import { commandSucceeds, raceTimeout } from "../kit.ts";
import { listProcesses } from "../procs.ts";
import {
  BOX_BYTES,
  BOX_UID_BASE,
  fallbackLine,
  rootOverUids,
  whyNoBwrap,
} from "./bubblewrap.ts";
import { formatLimits, type Limits } from "./limits.ts";
import {
  BOX_MEMORY,
  boxCgroup,
  insideMemoryCgroup,
  memoryCgroupsWork,
  type MemoryUse,
  removeMemoryCgroup,
} from "./memory_cgroup.ts";

/** What the machine allows. */
export interface Isolation {
  /** `namespace`: the inner probe's own network and PID namespaces; `host`: the host's loopback, free ports. */
  mode: "namespace" | "host";
  /** Each program of a submission runs in bubblewrap. */
  bwrap: boolean;
  /** The grader is root: the student's code runs as a uid of its job slot, and prlimit's process count holds. */
  root: boolean;
  /** prlimit is there to set the limits. */
  prlimit: boolean;
  /** Each box gets a memory cgroup capped at {@link BOX_MEMORY}. */
  memory: boolean;
  /** In words, for the header, the report and every result. */
  note: string;
  /** Why bubblewrap cannot run here, when it cannot. */
  noBwrap?: string;
  /** What is weaker than the whole box here (no bubblewrap, the host's loopback): the one line said on stderr. */
  fallback?: string;
}

const UNSHARE = [
  "unshare",
  "--net",
  "--pid",
  "--fork",
  "--kill-child",
  "--mount-proc",
];

/** The words that give the inner probe its namespaces: as root, no user namespace (its uids stay the host's). */
function unshareArgs(root: boolean): string[] {
  return root ? UNSHARE : [...UNSHARE, "--map-root-user"];
}

/** Finds out what isolation this machine allows (`namespaces` false: the host's loopback, by choice). */
export async function detectIsolation(
  namespaces = true,
): Promise<Isolation> {
  const root = await rootOverUids();
  const prlimit = await commandSucceeds("prlimit", ["--cpu=10", "--", "true"]);
  const unshare = unshareArgs(root);
  const works = namespaces && await commandSucceeds(unshare[0], [
    ...unshare.slice(1),
    "sh",
    "-c",
    "ip link set lo up && ip -o addr show lo | grep -q 127.0.0.1",
  ]);
  // bwrap where the inner probe will run it: inside the namespaces.
  const whyNot = await whyNoBwrap(
    { bwrap: true, ...(root ? { uid: BOX_UID_BASE } : {}) },
    works ? unshare : [],
  );
  const memory = await memoryCgroupsWork();
  const who = root
    ? "as an unprivileged uid per job slot"
    : "in a user namespace of its own";
  const network = works
    ? `own network and PID namespace per submission (${
      unshare.join(" ")
    }), loopback only`
    : namespaces
    ? "no namespaces here (unshare failed), so each submission runs on the host's loopback with free ports"
    : "namespaces not used (--no-namespaces), so each submission runs on the host's loopback with free ports";
  const noSandbox = whyNot === undefined
    ? undefined
    : fallbackLine(whyNot, root ? "an unprivileged uid per job slot" : "you");
  const weaker = [
    ...(works ? [] : [network]),
    ...(noSandbox ? [noSandbox] : []),
  ];
  return {
    mode: works ? "namespace" : "host",
    bwrap: whyNot === undefined,
    root,
    prlimit,
    memory,
    ...(whyNot ? { noBwrap: whyNot } : {}),
    ...(weaker.length ? { fallback: weaker.join("; ") } : {}),
    note: [
      network,
      noSandbox ??
        `each program in bubblewrap ${who}: a read-only system, its copy and /tmp on ${
          BOX_BYTES / 1024 / 1024
        } MiB of tmpfs, its own PID namespace`,
      memory
        ? `a memory cgroup caps each box at ${BOX_MEMORY / 1024 / 1024} MiB`
        : "no memory cap (cgroup v1's memory controller is not writable here)",
      ...(prlimit ? [] : ["no prlimit, so no limits per program"]),
    ].join("; "),
  };
}

/** The first uid of a run's block: one per job slot, a block chosen at random per run. */
export function slotUids(): number {
  return BOX_UID_BASE + 64 * (1 + Math.floor(Math.random() * 2 ** 20));
}

/** A process found after the box ended, and killed. */
export interface Escaped {
  /** Its PID on the host. */
  pid: number;
  /** Its command line. */
  command: string;
}

/** What a boxed run of the inner probe gave. */
export interface BoxedRun {
  /** The inner probe's `--json` document, if it wrote one. */
  json?: unknown;
  /** The inner probe's exit status. */
  code: number | null;
  /** True when the wall-clock limit ended it. */
  wallClockHit: boolean;
  /** The inner probe's own output, capped. */
  stdout: CapturedOutput;
  /** The inner probe's own output, capped. */
  stderr: CapturedOutput;
  /** Processes that outlived the run and were killed (the last net). */
  escaped: Escaped[];
  /** What the box's memory cgroup saw, where there was one. */
  memory?: MemoryUse;
  /** Milliseconds the run took. */
  ms: number;
}

/** Where the probe's entry point is, for the inner probe. */
const PROBE = decodeURIComponent(
  new URL("../main.ts", import.meta.url).pathname,
);

/** The permissions `deno task probe` runs with (as deno.json's task gives them), inside the box too. */
export const PROBE_PERMISSIONS: readonly string[] = [
  "--allow-net",
  "--allow-run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
];

/** Makes `path` and everything below it `uid`'s (symbolic links are never copied in). */
async function chownTree(path: string, uid: number): Promise<void> {
  await Deno.chown(path, uid, uid);
  for await (const entry of Deno.readDir(path)) {
    const child = `${path}/${entry.name}`;
    if (entry.isDirectory) await chownTree(child, uid);
    else await Deno.chown(child, uid, uid);
  }
}

/** Runs the inner probe on the submission in `dir`, boxed; never throws for what the submission does. */
export async function runBoxed(
  dir: string,
  options: {
    isolation: Isolation;
    limits?: Limits;
    wallMs: number;
    /** Where the inner probe writes its JSON. */
    jsonPath: string;
    /** As root: the uid the student's code runs as (its job slot's). */
    uid?: number;
    /** The process groups running now (added while this one runs), for an interrupt to kill. */
    running?: Set<number>;
  },
): Promise<BoxedRun> {
  const { isolation, uid } = options;
  if (uid !== undefined) await chownTree(dir, uid);
  const namespaces = isolation.mode === "namespace";
  const inner = [
    Deno.execPath(),
    "run",
    "--quiet",
    ...PROBE_PERMISSIONS,
    PROBE,
    "--submission",
    dir,
    "--missing-ok",
    "-q",
    "--json",
    options.jsonPath,
    ...(namespaces ? ["--boxed"] : []),
    ...(isolation.bwrap ? ["--sandbox", "--require-sandbox"] : []),
    ...(uid !== undefined ? ["--run-as", String(uid)] : []),
    ...(options.limits ? ["--limits", formatLimits(options.limits)] : []),
  ];
  const boxed = namespaces
    ? [
      ...unshareArgs(isolation.root),
      // sh stays, as the namespace's init: it reaps what the probe does not (killed orphans).
      ...["sh", "-c", 'ip link set lo up && "$@"', "sh"],
      ...inner,
    ]
    : inner;
  const cgroup = isolation.memory ? boxCgroup() : undefined;
  const argv = cgroup ? insideMemoryCgroup(cgroup, BOX_MEMORY, boxed) : boxed;
  const started = performance.now();
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    detached: true, // its own process group: the host fallback kills the group
  }).spawn();
  options.running?.add(child.pid);
  const stdout = new OutputCapture();
  const stderr = new OutputCapture();
  const drained = Promise.all([
    stdout.drain(child.stdout),
    stderr.drain(child.stderr),
  ]);
  let wallClockHit = false;
  const timer = setTimeout(() => {
    wallClockHit = true;
    try {
      // unshare --kill-child takes the namespace's init (and so all of it) along.
      Deno.kill(-child.pid, "SIGKILL");
    } catch { /* gone meanwhile */ }
  }, options.wallMs);
  const status = await child.status;
  clearTimeout(timer);
  // In the host fallback, what the submission left in the inner probe's group,
  try {
    Deno.kill(-child.pid, "SIGKILL");
  } catch { /* none left */ }
  // and, as root, whatever still runs as its uid.
  const escaped: Escaped[] = [];
  if (!namespaces && !isolation.bwrap && uid !== undefined) {
    const left = (await listProcesses()).filter((p) => p.uid === uid);
    for (const { pid, command } of left) {
      try {
        Deno.kill(pid, "SIGKILL");
        escaped.push({ pid, command });
      } catch { /* gone meanwhile */ }
    }
  }
  const memory = cgroup ? await removeMemoryCgroup(cgroup) : undefined;
  for (const pid of memory?.killed ?? []) {
    escaped.push({
      pid,
      command: "(unnamed, left in the box's memory cgroup)",
    });
  }
  options.running?.delete(child.pid);
  await raceTimeout(drained, 2000); // an escaped process may have held the pipes
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(options.jsonPath));
  } catch { /* none written */ }
  return {
    ...(json === undefined ? {} : { json }),
    code: status.code,
    wallClockHit,
    stdout: stdout.captured(),
    stderr: stderr.captured(),
    escaped,
    ...(memory ? { memory } : {}),
    ms: performance.now() - started,
  };
}
