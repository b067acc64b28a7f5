/**
 * One submission, graded in a box: `deno task probe --submission` run on a
 * fresh copy of its files, in a network and PID namespace of its own where
 * the machine allows it (`unshare --net --map-root-user --pid --fork
 * --kill-child --mount-proc`, loopback brought up inside), the probe inside
 * too, so the servers reach nothing else and collide with nobody's port.
 * Its python3 runs under prlimit's limits; the whole run under a wall clock.
 *
 *     outer probe (--class)
 *       └─ unshare ... sh -c 'ip link set lo up; exec deno ... probe/main.ts --submission COPY'
 *            └─ inner probe: PID 1 of the namespace, on its own loopback
 *                 ├─ prlimit ... python3 webserve.py PORT      (then webserve_nb.py)
 *                 └─ prlimit ... python3 structure_check.py ...
 *
 * When the inner probe (the namespace's init) ends, the kernel kills every
 * process left in the namespace; before it ends, it names them (see
 * `reap.ts`). Every process of the submission also carries a token in its
 * environment, and afterwards the outer probe looks for it in every process
 * on the machine: any found has escaped, and is killed and reported. Without
 * namespaces (said once), the inner probe runs on the host's loopback with
 * free ports, in a process group of its own, and the token search is what
 * finds what is left.
 *
 * @module
 */

import { type CapturedOutput, OutputCapture } from "../capture.ts";
import { commandSucceeds, raceTimeout } from "../kit.ts";
import { listProcesses } from "../procs.ts";
import { formatLimits, type Limits } from "./limits.ts";
import {
  BOX_TASKS,
  boxCgroup,
  insidePidsCgroup,
  pidsCgroupsWork,
  removePidsCgroup,
} from "./pids_cgroup.ts";

/** What the machine allows. */
export interface Isolation {
  /** `namespace`: its own network and PID namespaces; `host`: the host's loopback, free ports. */
  mode: "namespace" | "host";
  /** In words, for the report: what is used, or why not. */
  note: string;
  /** Whether prlimit is there to set the limits. */
  prlimit: boolean;
  /** Whether the probe runs as root (then the kernel ignores the process-count limit). */
  root: boolean;
  /** Whether each box gets a pids cgroup capping its tasks at {@linkcode BOX_TASKS} (the count root cannot escape). */
  pidsCgroup: boolean;
}

const UNSHARE = [
  "unshare",
  "--net",
  "--map-root-user",
  "--pid",
  "--fork",
  "--kill-child",
  "--mount-proc",
];

/** True when this process runs as root (`id -u`: Deno reads the uid only with --allow-sys). */
function isRoot(): Promise<boolean> {
  return commandSucceeds("sh", ["-c", 'test "$(id -u)" = 0']);
}

/** Finds out what isolation this machine allows (`namespaces` false: the host's loopback, by choice). */
export async function detectIsolation(
  namespaces = true,
): Promise<Isolation> {
  const prlimit = await commandSucceeds("prlimit", ["--cpu=10", "--", "true"]);
  const works = namespaces && await commandSucceeds(UNSHARE[0], [
    ...UNSHARE.slice(1),
    "sh",
    "-c",
    "ip link set lo up && ip -o addr show lo | grep -q 127.0.0.1",
  ]);
  const root = await isRoot();
  const pidsCgroup = await pidsCgroupsWork();
  const nprocNote = pidsCgroup
    ? `; a pids cgroup caps each box at ${BOX_TASKS} tasks${
      root
        ? " (as root, the kernel does not apply prlimit's process count)"
        : ""
    }`
    : root
    ? "; as root, the kernel does not apply the process-count limit"
    : "";
  return works
    ? {
      mode: "namespace",
      prlimit,
      root,
      pidsCgroup,
      note: `own network and PID namespace per submission (${
        UNSHARE.join(" ")
      }), loopback only${
        prlimit ? "" : "; no prlimit, so no limits"
      }${nprocNote}`,
    }
    : {
      mode: "host",
      prlimit,
      root,
      pidsCgroup,
      note: `${
        namespaces
          ? "no namespaces here (unshare --net --map-root-user --pid failed)"
          : "namespaces not used (--no-namespaces)"
      }, so each submission runs on the host's loopback with free ports, in its own process group${
        prlimit ? "" : "; no prlimit, so no limits"
      }${nprocNote}`,
    };
}

/** A process found carrying a submission's token after its run, and killed. */
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
  /** Processes that outlived the run and were killed by the token search. */
  escaped: Escaped[];
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

/** The token's name in the environment. */
export const TOKEN_VARIABLE = "PROBE_SUBMISSION_TOKEN";

/** Runs the inner probe on the submission in `dir`, boxed; never throws for what the submission does. */
export async function runBoxed(
  dir: string,
  options: {
    isolation: Isolation;
    limits?: Limits;
    wallMs: number;
    /** Where the inner probe writes its JSON. */
    jsonPath: string;
    /** The process groups running now (added while this one runs), for an interrupt to kill. */
    running?: Set<number>;
  },
): Promise<BoxedRun> {
  const token = crypto.randomUUID();
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
    ...(options.limits ? ["--limits", formatLimits(options.limits)] : []),
  ];
  const boxed = options.isolation.mode === "namespace"
    ? [...UNSHARE, "sh", "-c", 'ip link set lo up && exec "$@"', "sh", ...inner]
    : inner;
  const cgroup = options.isolation.pidsCgroup ? boxCgroup(token) : undefined;
  const argv = cgroup ? insidePidsCgroup(cgroup, BOX_TASKS, boxed) : boxed;
  const started = performance.now();
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { [TOKEN_VARIABLE]: token, NO_COLOR: "1" },
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
  // In the host fallback, what the submission left in the inner probe's group.
  try {
    Deno.kill(-child.pid, "SIGKILL");
  } catch { /* none left */ }
  const escaped = await killByToken(token);
  // The last net: a process that cleared its environment is still counted in the cgroup.
  if (cgroup) {
    for (const pid of await removePidsCgroup(cgroup)) {
      escaped.push({
        pid,
        command: "(unnamed, left in the box's pids cgroup)",
      });
    }
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
    ms: performance.now() - started,
  };
}

/** Every process on the machine whose environment holds `token`; each is killed. */
export async function killByToken(token: string): Promise<Escaped[]> {
  const found: Escaped[] = [];
  for (let round = 0; round < 3; round++) {
    const marked = (await listProcesses(`${TOKEN_VARIABLE}=${token}`))
      .filter((p) => p.marked);
    for (const { pid, command } of marked) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone meanwhile */ }
      if (!found.some((p) => p.pid === pid)) found.push({ pid, command });
    }
    if (marked.length === 0) break; // another round catches what forked meanwhile
  }
  return found;
}
