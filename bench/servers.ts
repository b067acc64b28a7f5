/**
 * The servers the bench compares: the project's two servers and the peers a
 * user would otherwise pick, on one core (pinned) or spread over every core
 * (the 2-core rows), and, with `--baseline DIR`, the project's servers of
 * another checkout ({@linkcode baselineServers}).
 *
 * @module
 */

import { NON_BLOCKING_V8_FLAGS, v8FlagsArgument } from "../server/v8_flags.ts";
import { commandSucceeds } from "../wire/commands.ts";

/** One server the bench can start. */
export interface ServerSpec {
  /** A short stable key, used in flags and the JSON results. */
  id: string;
  /** The name shown in tables and charts. */
  label: string;
  /** True for `webserve.ts` and `webserve_nb.ts`. */
  project: boolean;
  /**
   * Where it runs: `pinned` to one CPU (wrk on another), or `spread` over
   * every CPU with wrk unpinned too, for the 2-core rows. Default `pinned`.
   */
  placement?: "pinned" | "spread";
  /** Measured only in the concurrency curve (`webserve --workers 4`). */
  curveOnly?: boolean;
  /** For a row of the `--baseline` checkout: the id of the current server it is compared with. */
  baselineOf?: string;
  /**
   * Measured only when `--servers` names it: the tutorial's step 4, which
   * `deno task tutorial:grades --compare` sets beside the engine.
   */
  optIn?: boolean;
  /** Whether it can hold thousands of connections at once (the idle-memory scenario). */
  concurrent: boolean;
  /**
   * The id of the server this one is a configuration of (its access log on,
   * a V8 flag): measured only where the difference shows, at keep-alive 50,
   * pipelining and idle memory.
   */
  variantOf?: string;
  /**
   * The command line that serves on 127.0.0.1:`port`; `dir` is a scratch
   * directory of its own. `idle` asks for a keep-alive idle timeout long
   * enough for the idle-memory scenario (the peers already keep idle
   * connections for minutes).
   */
  command(port: number, dir: string, idle?: boolean): Promise<string[]>;
  /** Why it cannot run here, or `undefined` when it can. */
  unavailable(): Promise<string | undefined>;
}

const benchDir = new URL(".", import.meta.url).pathname;
/** The repository root, where `webserve.ts` and `webserve_nb.ts` live. */
export const ROOT_DIR: string = new URL("..", import.meta.url).pathname;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function onPath(program: string): Promise<boolean> {
  return commandSucceeds("sh", ["-c", `command -v ${program}`]);
}

/** How a project server is launched, beyond its script and port. */
interface Launch {
  /** The server this one is a configuration of. */
  of?: string;
  /** Flags for `deno run` before the script. */
  denoFlags?: string[];
  /** Spread over every CPU rather than pinned. */
  placement?: "pinned" | "spread";
  /** Only in the concurrency curve. */
  curveOnly?: boolean;
}

/** The flags of the server's command line in `args` (`--workers` of `--workers 2`). */
function flagsOf(args: readonly string[]): string[] {
  return args.filter((arg) => /^--[a-z]/.test(arg));
}

function projectServer(
  projectDir: string,
  id: string,
  label: string,
  file: string,
  extraArgs: string[],
  concurrent: boolean,
  launch: Launch = {},
): ServerSpec {
  const dir = projectDir.replace(/\/?$/, "/");
  const path = `${dir}${file}`;
  const workers = extraArgs.includes("--workers");
  return {
    id,
    label,
    project: true,
    concurrent,
    variantOf: launch.of,
    placement: launch.placement,
    curveOnly: launch.curveOnly,
    command: (port, _dir, idle) =>
      Promise.resolve([
        Deno.execPath(),
        "run",
        "--allow-net",
        // A worker's modules are read with permission checks (server/worker_count.ts).
        ...(workers ? [`--allow-read=${dir}`] : []),
        ...(launch.denoFlags ?? []),
        path,
        String(port),
        "--host",
        "127.0.0.1",
        ...extraArgs,
        ...(idle ? ["--idle-timeout", "60"] : []),
      ]),
    unavailable: async () => {
      if (!(await exists(path))) return `${file} does not exist yet`;
      return await missingFlag(path, flagsOf(extraArgs));
    },
  };
}

const helpTexts = new Map<string, Promise<string>>();

/**
 * The first of `flags` that the server at `path` does not list in its
 * `--help` (an older checkout), as a reason to skip it; `undefined` if it
 * has them all.
 */
async function missingFlag(
  path: string,
  flags: readonly string[],
): Promise<string | undefined> {
  if (flags.length === 0) return undefined;
  let help = helpTexts.get(path);
  if (help === undefined) {
    help = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", path, "--help"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output().then((out) => new TextDecoder().decode(out.stdout));
    helpTexts.set(path, help);
  }
  const text = await help;
  const missing = flags.find((flag) => !text.includes(`${flag} `));
  return missing === undefined ? undefined : `${path} has no ${missing} option`;
}

/** `Deno.serve`: the baseline every ratio is taken against. */
export const DENO_SERVE: ServerSpec = {
  id: "deno-serve",
  label: "Deno.serve",
  project: false,
  concurrent: true,
  command: (port) =>
    Promise.resolve([
      Deno.execPath(),
      "run",
      "--allow-net",
      `${benchDir}peers/deno_serve.ts`,
      String(port),
    ]),
  unavailable: () => Promise.resolve(undefined),
};

/** Reference row: a bare read/write loop on `Deno.Conn`, the ceiling for any server written on it. */
export const DENO_TCP_FLOOR: ServerSpec = {
  id: "deno-floor",
  label: "Deno TCP floor (reference)",
  project: false,
  concurrent: true,
  command: (port) =>
    Promise.resolve([
      Deno.execPath(),
      "run",
      "--allow-net",
      `${benchDir}peers/deno_tcp_floor.ts`,
      String(port),
    ]),
  unavailable: () => Promise.resolve(undefined),
};

/**
 * `deno serve --parallel` with 2 workers (`DENO_JOBS=2`): Deno's own way to
 * use every core, a `fetch` handler per worker thread, each on its own
 * `SO_REUSEPORT` socket.
 */
export const DENO_SERVE_PARALLEL: ServerSpec = {
  id: "deno-serve-2",
  label: "deno serve --parallel (2 workers)",
  project: false,
  concurrent: true,
  placement: "spread",
  command: (port) =>
    Promise.resolve([
      "env",
      "DENO_JOBS=2",
      Deno.execPath(),
      "serve",
      "--parallel",
      "--allow-net",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      `${benchDir}peers/deno_serve_fetch.ts`,
    ]),
  unavailable: () => Promise.resolve(undefined),
};

/** The tutorial's step 4 server `file` (`tutorial/`), started as the tutorial starts it. */
function tutorialServer(id: string, label: string, file: string): ServerSpec {
  const path = `${ROOT_DIR}tutorial/${file}`;
  return {
    id,
    label,
    project: false,
    optIn: true,
    concurrent: false,
    command: (port) =>
      Promise.resolve([
        Deno.execPath(),
        "run",
        "--allow-net",
        path,
        String(port),
      ]),
    unavailable: async () =>
      (await exists(path)) ? undefined : `tutorial/${file} does not exist`,
  };
}

/**
 * The tutorial's step 4, blocking and non-blocking: only when `--servers`
 * names them. Neither counts as `concurrent`: their fixed 2 s timeout
 * would close the idle-memory scenario's connections.
 */
export const TUTORIAL_STEP4: readonly ServerSpec[] = [
  tutorialServer("step4", "tutorial step 4 (blocking)", "step4_webserve.ts"),
  tutorialServer(
    "step4-nb",
    "tutorial step 4 (non-blocking)",
    "step4_webserve_nb.ts",
  ),
];

/** Node's `http` module. */
export const NODE_HTTP: ServerSpec = {
  id: "node-http",
  label: "node:http",
  project: false,
  concurrent: true,
  command: (port) =>
    Promise.resolve(["node", `${benchDir}peers/node_http.mjs`, String(port)]),
  unavailable: async () =>
    (await onPath("node")) ? undefined : "node is not installed",
};

/** Node's `cluster` with 2 workers, each a `node:http` server as above. */
export const NODE_CLUSTER: ServerSpec = {
  id: "node-cluster",
  label: "node:http cluster (2 workers)",
  project: false,
  concurrent: true,
  placement: "spread",
  command: (port) =>
    Promise.resolve([
      "node",
      `${benchDir}peers/node_cluster.mjs`,
      String(port),
      "2",
    ]),
  unavailable: NODE_HTTP.unavailable,
};

/** nginx answering from its config: one process, or a master and `workers` worker processes. */
function nginxServer(workers: number): ServerSpec {
  return {
    id: workers === 1 ? "nginx" : `nginx-${workers}`,
    label: `nginx (${workers} worker${workers === 1 ? "" : "s"})`,
    project: false,
    concurrent: true,
    placement: workers === 1 ? "pinned" : "spread",
    command: async (port, dir) => {
      const template = await Deno.readTextFile(`${benchDir}peers/nginx.conf`);
      const config = template
        .replaceAll("{{port}}", String(port))
        .replaceAll("{{dir}}", dir)
        .replaceAll("{{master}}", workers === 1 ? "off" : "on")
        .replaceAll("{{workers}}", String(workers));
      await Deno.writeTextFile(`${dir}/nginx.conf`, config);
      const nginx = await onPath("nginx") ? "nginx" : "/usr/sbin/nginx";
      return [
        nginx,
        "-p",
        dir,
        "-e",
        `${dir}/error.log`,
        "-c",
        `${dir}/nginx.conf`,
        "-g",
        "daemon off;",
      ];
    },
    unavailable: async () =>
      (await onPath("nginx") || await exists("/usr/sbin/nginx"))
        ? undefined
        : "nginx is not installed (apt-get install nginx-light)",
  };
}

/** nginx with a single process, answering from its config. */
export const NGINX: ServerSpec = nginxServer(1);

/** nginx with `worker_processes 2` under its master. */
export const NGINX_2: ServerSpec = nginxServer(2);

/**
 * The project's servers in `projectDir`, in the order tables list them:
 * `nb` is the non-blocking server as `deno task start:nb` and the compiled
 * executable run it (V8 flags of `server/v8_flags.ts`) with its access log
 * off, `nb-log` the same with its log on (its default) written to a file,
 * `nb-plain` the quiet one under a plain `deno run` without those flags,
 * `blocking` the blocking server with its log off; `nb-2` and `nb-1-spread`
 * are `nb` with 2 workers and with 1, on every core, for the 2-core rows;
 * `blocking-4` is `blocking` with 4 workers, in the concurrency curve.
 */
export function projectServers(projectDir: string = ROOT_DIR): ServerSpec[] {
  const launchFlags = [v8FlagsArgument(NON_BLOCKING_V8_FLAGS)];
  return [
    projectServer(
      projectDir,
      "nb",
      "webserve_nb",
      "webserve_nb.ts",
      ["--quiet"],
      true,
      { denoFlags: launchFlags },
    ),
    projectServer(
      projectDir,
      "nb-log",
      "webserve_nb (access log)",
      "webserve_nb.ts",
      [],
      true,
      { of: "nb", denoFlags: launchFlags },
    ),
    projectServer(
      projectDir,
      "nb-plain",
      "webserve_nb (plain deno run)",
      "webserve_nb.ts",
      ["--quiet"],
      true,
      { of: "nb" },
    ),
    projectServer(
      projectDir,
      "blocking",
      "webserve (blocking)",
      "webserve.ts",
      ["--quiet"],
      false,
    ),
    projectServer(
      projectDir,
      "nb-2",
      "webserve_nb --workers 2",
      "webserve_nb.ts",
      ["--quiet", "--workers", "2"],
      true,
      { denoFlags: launchFlags, placement: "spread" },
    ),
    projectServer(
      projectDir,
      "nb-1-spread",
      "webserve_nb --workers 1 (unpinned)",
      "webserve_nb.ts",
      ["--quiet", "--workers", "1"],
      true,
      { denoFlags: launchFlags, placement: "spread" },
    ),
    projectServer(
      projectDir,
      "blocking-4",
      "webserve --workers 4 (blocking)",
      "webserve.ts",
      ["--quiet", "--workers", "4"],
      false,
      { curveOnly: true },
    ),
  ];
}

/**
 * Every server, in the order tables list them, taking the project's servers
 * from `projectDir` (so another checkout can be measured the same way; see
 * {@linkcode projectServers}), then the peers.
 */
export function allServers(projectDir: string = ROOT_DIR): ServerSpec[] {
  return [
    ...projectServers(projectDir),
    DENO_SERVE,
    DENO_TCP_FLOOR,
    NODE_HTTP,
    NGINX,
    DENO_SERVE_PARALLEL,
    NGINX_2,
    NODE_CLUSTER,
    ...TUTORIAL_STEP4,
  ];
}

/** The suffix of a baseline row's id: `nb@base`. */
export const BASELINE_SUFFIX = "@base";

/**
 * The project's servers of another checkout `dir` as extra rows: ids
 * `nb@base`, `blocking@base`, ..., labels ending in `@ <name>` (the short
 * commit of `dir` when it is a git checkout), each compared with the
 * current server of the same id. Only the ids in `ids` (default: all).
 */
export function baselineServers(
  dir: string,
  name: string,
  ids?: ReadonlySet<string>,
): ServerSpec[] {
  return projectServers(dir)
    .filter((spec) => !ids || ids.has(spec.id))
    .map((spec) => ({
      ...spec,
      id: `${spec.id}${BASELINE_SUFFIX}`,
      label: `${spec.label} @ ${name}`,
      baselineOf: spec.id,
      variantOf: spec.variantOf && `${spec.variantOf}${BASELINE_SUFFIX}`,
    }));
}

/** What to call checkout `dir` in labels: its short commit (with `+` if it has changes), or its folder's name. */
export async function describeCheckout(dir: string): Promise<string> {
  const git = async (...args: string[]) => {
    try {
      const out = await new Deno.Command("git", {
        args: ["-C", dir, ...args],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
      return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
    } catch {
      return null;
    }
  };
  const commit = await git("rev-parse", "--short", "HEAD");
  if (commit === null) {
    return dir.replace(/\/+$/, "").split("/").pop() || dir;
  }
  const dirty = await git("status", "--porcelain", "--untracked-files=no");
  return dirty ? `${commit}+` : commit;
}
