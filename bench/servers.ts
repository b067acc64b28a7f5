/**
 * The servers the bench compares: the project's two servers and the peers a
 * user would otherwise pick.
 *
 * @module
 */

import { NON_BLOCKING_V8_FLAGS, v8FlagsArgument } from "../server/v8_flags.ts";
import { commandSucceeds } from "../testing/commands.ts";

/** One server the bench can start. */
export interface ServerSpec {
  /** A short stable key, used in flags and the JSON results. */
  id: string;
  /** The name shown in tables and charts. */
  label: string;
  /** True for `webserve.ts` and `webserve_nb.ts`. */
  project: boolean;
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

function projectServer(
  projectDir: string,
  id: string,
  label: string,
  file: string,
  extraArgs: string[],
  concurrent: boolean,
  launch: { of?: string; denoFlags?: string[] } = {},
): ServerSpec {
  const path = `${projectDir.replace(/\/?$/, "/")}${file}`;
  return {
    id,
    label,
    project: true,
    concurrent,
    variantOf: launch.of,
    command: (port, _dir, idle) =>
      Promise.resolve([
        Deno.execPath(),
        "run",
        "--allow-net",
        ...(launch.denoFlags ?? []),
        path,
        String(port),
        "--host",
        "127.0.0.1",
        ...extraArgs,
        ...(idle ? ["--idle-timeout", "60"] : []),
      ]),
    unavailable: async () =>
      (await exists(path)) ? undefined : `${file} does not exist yet`,
  };
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

/** nginx with a single process, answering from its config. */
export const NGINX: ServerSpec = {
  id: "nginx",
  label: "nginx (1 worker)",
  project: false,
  concurrent: true,
  command: async (port, dir) => {
    const template = await Deno.readTextFile(`${benchDir}peers/nginx.conf`);
    const config = template.replaceAll("{{port}}", String(port)).replaceAll(
      "{{dir}}",
      dir,
    );
    await Deno.writeTextFile(`${dir}/nginx.conf`, config);
    return ["nginx", "-c", `${dir}/nginx.conf`, "-g", "daemon off;"];
  },
  unavailable: async () =>
    (await onPath("nginx") || await exists("/usr/sbin/nginx"))
      ? undefined
      : "nginx is not installed (apt-get install nginx-light)",
};

/**
 * Every server, in the order tables list them, taking the project's servers
 * from `projectDir` (so another checkout can be measured the same way):
 * `nb` is the non-blocking server as `deno task start:nb` and the compiled
 * executable run it (V8 flags of `server/v8_flags.ts`) with its access log
 * off, `nb-log` the same with its log on (its default) written to a file,
 * `nb-plain` the quiet one under a plain `deno run` without those flags,
 * `blocking` the blocking server with its log off.
 */
export function allServers(projectDir: string = ROOT_DIR): ServerSpec[] {
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
    DENO_SERVE,
    DENO_TCP_FLOOR,
    NODE_HTTP,
    NGINX,
  ];
}
