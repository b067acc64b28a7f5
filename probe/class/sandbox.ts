/**
 * One submission, graded in a box: `deno task probe --submission` (the inner
 * probe) on a fresh copy of its files, alone in its own network and PID
 * namespaces where the machine allows, each program in a bubblewrap sandbox
 * (`bubblewrap.ts`), under a wall clock and, where cgroup v1's memory
 * controller is writable, a memory cap. As root, the student's code runs as
 * its job slot's uid. When the inner probe ends, so does all of it.
 *
 *     [sh: memory cgroup] unshare --net --pid --fork --kill-child --mount-proc [--map-root-user]
 *       └─ sh -c 'ip link set lo up; deno ... probe/main.ts --submission COPY --sandbox --run-as UID ...'
 *            └─ inner probe, alone on its loopback with its sh (the init, which reaps)
 *                 └─ bwrap ... [setpriv --reuid=UID] ... prlimit ... python3 webserve.py PORT, ...
 *
 * @module
 */

import { type CapturedOutput, OutputCapture } from "../capture.ts";
import { commandSucceeds, raceTimeout } from "../kit.ts";
import {
  BOX_BYTES,
  BOX_UID_BASE,
  BWRAP_RUNS_ENV,
  chooseSandbox,
  rootOverUids,
} from "./bubblewrap.ts";
import { formatLimits, type Limits } from "./limits.ts";
import { pythonEnv } from "../python_path.ts";

/** What the machine allows, found once per run. */
export interface Isolation {
  /** `namespace`: the inner probe's own network and PID namespaces; `host`: the host's loopback. */
  mode: "namespace" | "host";
  /** Each program runs in bubblewrap. */
  bwrap: boolean;
  /** The grader is root: the student's code runs as a uid per job slot. */
  root: boolean;
  /** Each box gets a memory cgroup capped at {@link BOX_MEMORY}. */
  memory: boolean;
  /** In words, for the header, the report and every result. */
  note: string;
  /** What is weaker here than the whole box: the one line said on stderr. */
  fallback?: string;
}

/** The memory one box may hold at once: the probe inside (~100 MB), two servers, the tmpfs, and room. */
export const BOX_MEMORY = 1024 * 1024 * 1024;

/** Where cgroup v1 mounts its memory controller. */
export const MEMORY_CGROUPS = "/sys/fs/cgroup/memory";

/** The inner probe's namespaces: as root, no user namespace (its uids stay the host's). */
function unshareArgs(root: boolean): string[] {
  const args = "unshare --net --pid --fork --kill-child --mount-proc";
  return `${args}${root ? "" : " --map-root-user"}`.split(" ");
}

/** `argv`, run by sh in a new memory cgroup at `path` capped at `bytes` (Deno asks for --allow-all before /sys). */
export function inMemoryCgroup(
  path: string,
  bytes: number,
  argv: string[],
): string[] {
  const join =
    'mkdir "$0" && echo "$1" > "$0/memory.limit_in_bytes" && echo $$ > "$0/cgroup.procs" && shift && exec "$@"';
  return ["sh", "-c", join, path, String(bytes), ...argv];
}

/**
 * What isolation this machine allows (`namespaces` false: the host's
 * loopback, by choice); throws a usage error where bubblewrap cannot run
 * and is `required`, or where the fallback could not run python3.
 */
export async function detectIsolation(
  namespaces: boolean,
  required: boolean,
): Promise<Isolation> {
  const root = await rootOverUids();
  const unshare = unshareArgs(root);
  const lo = "ip link set lo up && ip -o addr show lo | grep -q 127.0.0.1";
  const works = namespaces &&
    await commandSucceeds(unshare[0], [...unshare.slice(1), "sh", "-c", lo]);
  const { sandbox, fallback } = await chooseSandbox({
    sandbox: true,
    required,
    within: works ? unshare : [], // where the inner probe will run it
  });
  const check = `${MEMORY_CGROUPS}/webserve-probe-check-${crypto.randomUUID()}`;
  const [sh, ...args] = inMemoryCgroup(check, BOX_MEMORY, ["true"]);
  const memory = await commandSucceeds(sh, args) &&
    await commandSucceeds("rmdir", [check]);
  const network = works
    ? `own network and PID namespace per submission (${
      unshare.join(" ")
    }), loopback only`
    : `${
      namespaces
        ? "no namespaces here (unshare failed)"
        : "namespaces not used (--no-namespaces)"
    }, so each submission runs on the host's loopback with free ports`;
  const who = root
    ? "as an unprivileged uid per job slot"
    : "in a user namespace of its own";
  const weaker = [...works ? [] : [network], ...fallback ? [fallback] : []];
  return {
    mode: works ? "namespace" : "host",
    bwrap: sandbox.bwrap,
    root,
    memory,
    ...weaker.length ? { fallback: weaker.join("; ") } : {},
    note: [
      network,
      fallback ??
        `each program in bubblewrap ${who}: a read-only system, its copy and /tmp on ${
          BOX_BYTES / 2 ** 20
        } MiB of tmpfs, its own PID namespace`,
      memory
        ? `a memory cgroup caps each box at ${BOX_MEMORY / 2 ** 20} MiB`
        : "no memory cap (cgroup v1's memory controller is not writable here)",
    ].join("; "),
  };
}

/** The uid of a run's job slot 0 (slot N's is this + N): a block of 64 taken at random, so that two runs share none. */
export function slotUids(): number {
  return BOX_UID_BASE + 64 * (1 + Math.floor(Math.random() * 2 ** 20));
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
  output: { stdout: CapturedOutput; stderr: CapturedOutput };
  /** How many processes its memory cgroup still held once it ended, killed then (the last net). */
  escaped: number;
  /** How many processes of it the kernel killed at its memory cap. */
  oomKills: number;
  /** Milliseconds the run took. */
  ms: number;
}

/** The permissions `deno task probe` runs with (as deno.json's task gives them), inside the box too. */
export const PROBE_PERMISSIONS: readonly string[] =
  "--allow-net --allow-run --allow-read --allow-write --allow-env".split(" ");

/** Reads the OOM kills of the memory cgroup at `path`, kills what it still holds, and removes it (by sh). */
export async function removeCgroup(
  path: string,
): Promise<{ oomKills: number; escaped: number }> {
  // What is still there once the box has had half a second to end is what escaped.
  const script =
    'cat "$0/memory.oom_control" || exit; for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$0" 2>/dev/null && exit; sleep 0.05; done; wc -l < "$0/cgroup.procs"; for _ in 1 2 3 4 5 6 7 8 9 10; do xargs -r kill -9 < "$0/cgroup.procs"; rmdir "$0" 2>/dev/null && break; sleep 0.05; done';
  const { stdout } = await new Deno.Command("sh", {
    args: ["-c", script, path],
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  const count = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return { oomKills: count(/oom_kill (\d+)/), escaped: count(/^(\d+)$/m) };
}

/** Runs the inner probe on the submission in `dir` (as root, `uid`'s), boxed; never throws for what it does. */
export async function runBoxed(
  dir: string,
  options: {
    isolation: Isolation;
    limits: Limits;
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
  const namespaces = isolation.mode === "namespace";
  const main = decodeURIComponent(
    new URL("../main.ts", import.meta.url).pathname,
  );
  const inner = [
    ...[Deno.execPath(), "run", "--quiet", ...PROBE_PERMISSIONS, main],
    ...["--submission", dir, "--missing-ok", "-q", "--json", options.jsonPath],
    ...["--limits", formatLimits(options.limits)],
    ...isolation.bwrap ? ["--sandbox", "--require-sandbox"] : [],
    ...uid === undefined ? [] : ["--run-as", String(uid)],
  ];
  // sh stays, as the namespace's init, to reap the orphans the probe kills.
  const lo = ["sh", "-c", 'ip link set lo up && "$@"', "sh"];
  const boxed = namespaces
    ? [...unshareArgs(isolation.root), ...lo, ...inner]
    : inner;
  const cgroup = isolation.memory
    ? `${MEMORY_CGROUPS}/webserve-probe-${crypto.randomUUID()}`
    : undefined;
  const argv = cgroup ? inMemoryCgroup(cgroup, BOX_MEMORY, boxed) : boxed;
  const started = performance.now();
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      ...await pythonEnv(),
      ...isolation.bwrap ? { [BWRAP_RUNS_ENV]: "1" } : {},
    },
    detached: true, // its own process group, killed whole
  }).spawn();
  options.running?.add(child.pid);
  const [stdout, stderr] = [new OutputCapture(), new OutputCapture()];
  const drained = Promise.all([
    stdout.drain(child.stdout),
    stderr.drain(child.stderr),
  ]);
  let wallClockHit = false;
  const kill = () => {
    try { // unshare --kill-child takes the namespace, and so all of it, along
      Deno.kill(-child.pid, "SIGKILL");
    } catch { /* gone meanwhile */ }
  };
  const timer = setTimeout(() => {
    wallClockHit = true;
    kill();
  }, options.wallMs);
  const status = await child.status;
  clearTimeout(timer);
  kill(); // on the host's loopback, what is left in the inner probe's group
  const { oomKills, escaped } = cgroup
    ? await removeCgroup(cgroup)
    : { oomKills: 0, escaped: 0 };
  options.running?.delete(child.pid);
  await raceTimeout(drained, 2000); // an escaped process may have held the pipes
  const json = await Deno.readTextFile(options.jsonPath).then(JSON.parse)
    .catch(() => undefined);
  return {
    ...json === undefined ? {} : { json },
    code: status.code,
    wallClockHit,
    output: { stdout: stdout.captured(), stderr: stderr.captured() },
    escaped,
    oomKills,
    ms: performance.now() - started,
  };
}
