/**
 * `deno task bench`: starts the project's servers and the peers, each pinned
 * to CPU 0, loads them with wrk pinned to CPU 1 through every scenario,
 * alternating servers within each round, and writes the results as Markdown,
 * SVG and JSON into `bench/results/`. The 2-core rows run their servers and
 * wrk on every CPU. `--baseline DIR` adds the project's servers of another
 * checkout as rows of their own, alternating with the rest, and reports
 * their ratio to the current ones.
 *
 * Usage: `deno task bench [--duration 3s] [--rounds 2] [--quick] [--servers nb,deno-serve]
 * [--scenarios keepalive-50,pipeline-16,curve,idle] [--idle-connections 5000] [--clients 1,4,16,64,256]
 * [--project-dir DIR] [--baseline DIR] [--out DIR]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { commandSucceeds } from "../wire/commands.ts";
import { measureIdleMemory } from "./idle_memory.ts";
import {
  answersHello,
  cpuTimes,
  freePort,
  type PinnedProcess,
  startPinned,
  stop,
  stopAll,
  waitUntilServing,
} from "./processes.ts";
import { formatCpu, renderCharts, renderMarkdown } from "./report.ts";
import {
  type BenchResults,
  type RunResult,
  type ScenarioResults,
  summarize,
} from "./results.ts";
import {
  DEFAULT_CURVE_CLIENTS,
  inCurve,
  inIdleMemory,
  SCENARIOS,
  type WrkScenario,
} from "./scenarios.ts";
import {
  allServers,
  baselineServers,
  describeCheckout,
  ROOT_DIR,
  type ServerSpec,
} from "./servers.ts";
import { runWrk, type WrkResult } from "./wrk.ts";
import type { IdleMemoryResult } from "./idle_memory.ts";

const SERVER_CPU = 0;
const CLIENT_CPU = 1;
/** Every CPU, for the 2-core rows: servers and wrk alike unpinned. */
const ALL_CPUS = `0-${navigator.hardwareConcurrency - 1}`;
const PIPELINE_SCRIPT = new URL("./pipeline.lua", import.meta.url).pathname;

const USAGE = `Usage: deno task bench [options]
  --duration <s>          seconds per wrk run (default 3; "3s" works too)
  --rounds <n>            rounds; each figure is the median (default 2)
  --quick                 1 s runs, 1 round, 1,000 idle connections, 3 curve points
  --servers <ids>         comma list of: ${
  allServers().map((s) => s.id).join(", ")
}
  --scenarios <ids>       comma list of: ${
  SCENARIOS.map((s) => s.id).join(", ")
}, curve, idle
  --idle-connections <n>  connections for the idle-memory scenario (default 5000)
  --clients <list>        client counts of the concurrency curve (default ${
  DEFAULT_CURVE_CLIENTS.join(",")
})
  --project-dir <dir>     where webserve.ts and webserve_nb.ts live (default: this checkout)
  --baseline <dir>        another checkout (e.g. a git worktree of an older commit) whose project
                          servers run as extra rows (nb@base, ...) and are compared with these
  --out <dir>             where results are written (default bench/results)`;

/** A mistake in how the bench was invoked: reported as one line, exit 2. */
class UsageError extends Error {}

interface Options {
  durationSec: number;
  rounds: number;
  serverIds: Set<string> | undefined;
  scenarioIds: Set<string> | undefined;
  idleConnections: number;
  clients: number[];
  projectDir: string;
  baselineDir: string | undefined;
  outDir: string;
}

function positive(name: string, text: string, allowSuffix = false): number {
  const value = Number(allowSuffix ? text.replace(/s$/, "") : text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${name} must be a positive number, not "${text}"`);
  }
  return value;
}

function parseOptions(args: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        duration: { type: "string" },
        rounds: { type: "string" },
        quick: { type: "boolean", default: false },
        servers: { type: "string" },
        scenarios: { type: "string" },
        "idle-connections": { type: "string" },
        clients: { type: "string" },
        "project-dir": { type: "string" },
        baseline: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const list = (text: string | undefined, known: string[], name: string) => {
    if (text === undefined) return undefined;
    const ids = text.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = ids.find((id) => !known.includes(id));
    if (unknown) {
      throw new UsageError(
        `--${name}: unknown "${unknown}" (known: ${known.join(", ")})`,
      );
    }
    return new Set(ids);
  };
  const quick = v.quick;
  return {
    durationSec: v.duration
      ? positive("duration", v.duration, true)
      : quick
      ? 1
      : 3,
    rounds: Math.round(v.rounds ? positive("rounds", v.rounds) : quick ? 1 : 2),
    serverIds: list(v.servers, allServers().map((s) => s.id), "servers"),
    scenarioIds: list(v.scenarios, [
      ...SCENARIOS.map((s) => s.id),
      "curve",
      "idle",
    ], "scenarios"),
    idleConnections: Math.round(
      v["idle-connections"]
        ? positive("idle-connections", v["idle-connections"])
        : quick
        ? 1000
        : 5000,
    ),
    clients: v.clients
      ? v.clients.split(",").map((c) => Math.round(positive("clients", c)))
      : quick
      ? [1, 16, 256]
      : [...DEFAULT_CURVE_CLIENTS],
    projectDir: v["project-dir"] ?? ROOT_DIR,
    baselineDir: v.baseline,
    outDir: v.out ?? new URL("./results/", import.meta.url).pathname,
  };
}

async function firstLine(program: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await new Deno.Command(program, {
      args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout).trim() ||
      new TextDecoder().decode(stderr).trim();
    return text.split("\n")[0];
  } catch {
    return "not installed";
  }
}

async function describeMachine(): Promise<string> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown CPU";
  const memInfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(memInfo)?.[1] ?? 0);
  const [wrk, node, nginx] = await Promise.all([
    firstLine("wrk", ["-v"]),
    firstLine("node", ["--version"]),
    firstLine("nginx", ["-v"]),
  ]);
  return [
    `${model}, ${navigator.hardwareConcurrency} CPUs, ${
      (memKb / 2 ** 20).toFixed(1)
    } GB RAM`,
    `Linux ${Deno.osRelease()}`,
    `Deno ${Deno.version.deno}`,
    `Node ${node}`,
    nginx.replace(/^nginx version: /, ""),
    wrk.replace(/ Copyright.*$/, ""),
  ].join("; ");
}

function log(message: string): void {
  console.error(message);
}

/** A running server under test. */
interface Running {
  spec: ServerSpec;
  port: number;
  process: PinnedProcess;
}

async function startServer(
  spec: ServerSpec,
  tempDir: string,
  idle = false,
): Promise<Running> {
  const dir = await Deno.makeTempDir({
    dir: tempDir,
    prefix: `${spec.id.replace("@", "-")}-`,
  });
  const port = freePort();
  const process = startPinned(
    await spec.command(port, dir, idle),
    spec.placement === "spread" ? ALL_CPUS : SERVER_CPU,
    `${dir}/output.log`,
  );
  try {
    await waitUntilServing(port, process);
  } catch (error) {
    throw new Error(`${spec.label}: ${(error as Error).message}`);
  }
  return { spec, port, process };
}

function wrkRun(
  scenario: WrkScenario,
  server: Running,
  durationSec: number,
): Promise<WrkResult> {
  return runWrk({
    url: `http://127.0.0.1:${server.port}/bench`,
    connections: scenario.connections,
    durationSec,
    headers: scenario.headers,
    script: scenario.pipelineDepth
      ? { path: PIPELINE_SCRIPT, args: [String(scenario.pipelineDepth)] }
      : undefined,
    cpu: scenario.placement === "spread" ? ALL_CPUS : CLIENT_CPU,
  });
}

/** Rotates `items` left by `by`, so each round starts with a different server. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length ? by % items.length : 0;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function main(options: Options): Promise<void> {
  if (!await commandSucceeds("sh", ["-c", "command -v wrk"])) {
    throw new UsageError(
      "wrk is not installed: install it with `sudo apt-get install wrk` (Debian/Ubuntu)",
    );
  }
  if (!await commandSucceeds("sh", ["-c", "command -v taskset"])) {
    throw new UsageError(
      "taskset is not installed: install it with `sudo apt-get install util-linux`",
    );
  }
  if (navigator.hardwareConcurrency < 2) {
    throw new UsageError(
      "the bench needs at least 2 CPUs: one for the server, one for wrk",
    );
  }
  // Keep this process (draining nothing, but awake between runs) off the server's CPU.
  await commandSucceeds("taskset", [
    "-a",
    "-p",
    "-c",
    String(CLIENT_CPU),
    String(Deno.pid),
  ]);

  const wanted = (id: string) =>
    !options.scenarioIds || options.scenarioIds.has(id);
  const candidates = allServers(options.projectDir).filter((s) =>
    options.serverIds ? options.serverIds.has(s.id) : !s.optIn
  );
  const baseline = options.baselineDir === undefined ? undefined : {
    dir: options.baselineDir,
    name: await describeCheckout(options.baselineDir),
  };
  if (baseline) {
    candidates.push(
      ...baselineServers(baseline.dir, baseline.name, options.serverIds),
    );
  }
  const servers: ServerSpec[] = [];
  const skipped: BenchResults["skipped"] = [];
  for (const spec of candidates) {
    const reason = await spec.unavailable();
    if (reason) {
      skipped.push({ id: spec.id, label: spec.label, reason });
      log(`skipping ${spec.label}: ${reason}`);
    } else {
      servers.push(spec);
    }
  }
  if (servers.length === 0) throw new UsageError("no server to measure");

  const loadAverage = (await Deno.readTextFile("/proc/loadavg").catch(() => ""))
    .split(" ").slice(0, 3).join(" ");
  const results: BenchResults = {
    info: {
      command: ["deno task bench", ...Deno.args].join(" "),
      date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      machine: await describeMachine(),
      durationSec: options.durationSec,
      rounds: options.rounds,
      loadAverage,
    },
    servers: servers.map((s) => ({
      id: s.id,
      label: s.label,
      ...(s.baselineOf ? { baselineOf: s.baselineOf } : {}),
    })),
    ...(baseline ? { baseline } : {}),
    skipped,
    scenarios: [],
    idleMemory: {},
    curve: { clients: options.clients, summaries: {} },
  };

  const tempDir = await Deno.makeTempDir({ prefix: "webserve-bench-" });
  try {
    const scenarios = SCENARIOS.filter((s) => wanted(s.id));
    const curveServers = servers.filter(inCurve);
    const wrkServers = servers.filter((s) =>
      scenarios.some((sc) => sc.includes(s)) ||
      (wanted("curve") && curveServers.includes(s))
    );
    if (wrkServers.length) {
      await runThroughput(
        results,
        scenarios,
        wrkServers,
        wanted("curve") ? curveServers : [],
        options,
        tempDir,
      );
    }
    if (wanted("idle")) {
      for (const spec of servers.filter(inIdleMemory)) {
        results.idleMemory[spec.id] = await idleMemory(
          spec,
          options.idleConnections,
          tempDir,
        );
      }
    }
  } finally {
    await stopAll();
    await Deno.remove(tempDir, { recursive: true }).catch(() => {});
  }

  const markdown = renderMarkdown(results);
  await Deno.mkdir(options.outDir, { recursive: true });
  const out = options.outDir.replace(/\/?$/, "/");
  await Deno.writeTextFile(`${out}latest.md`, markdown);
  await Deno.writeTextFile(
    `${out}latest.json`,
    JSON.stringify(results, null, 2) + "\n",
  );
  if (Object.keys(results.curve.summaries).length) {
    for (const [name, svg] of Object.entries(renderCharts(results))) {
      await Deno.writeTextFile(`${out}${name}`, svg);
    }
  }
  console.log(markdown);
  log(`results written to ${out}latest.md`);
}

async function runThroughput(
  results: BenchResults,
  scenarios: WrkScenario[],
  servers: ServerSpec[],
  curveServers: ServerSpec[],
  options: Options,
  tempDir: string,
): Promise<void> {
  const running: Running[] = [];
  for (const spec of servers) {
    running.push(await startServer(spec, tempDir));
    log(`started ${spec.label} on port ${running.at(-1)!.port}`);
  }
  // Warm-up (not measured): let each JIT compile its hot paths.
  const warmUp = SCENARIOS.find((s) => s.id === "keepalive-50")!;
  for (const server of running) {
    await wrkRun(
      { ...warmUp, placement: server.spec.placement },
      server,
      Math.min(2, options.durationSec),
    );
  }
  const runs = new Map<string, RunResult[]>();
  const record = (key: string, result: RunResult) =>
    runs.set(key, [...(runs.get(key) ?? []), result]);
  const curveScenario = (clients: number): WrkScenario => ({
    id: `curve-${clients}`,
    title: `${clients} clients`,
    connections: clients,
    includes: () => true,
  });

  for (let round = 0; round < options.rounds; round++) {
    const order = rotate(running, round);
    for (const scenario of scenarios) {
      for (const server of order.filter((r) => scenario.includes(r.spec))) {
        const result = await measure(scenario, server, options.durationSec);
        record(`${scenario.id}/${server.spec.id}`, result);
        log(
          `[round ${
            round + 1
          }/${options.rounds}] ${scenario.id} ${server.spec.label}: ${
            describe(result)
          }`,
        );
      }
    }
    for (const clients of options.clients) {
      for (const server of order.filter((r) => curveServers.includes(r.spec))) {
        const result = await measure(
          curveScenario(clients),
          server,
          options.durationSec,
        );
        record(`curve-${clients}/${server.spec.id}`, result);
        log(
          `[round ${
            round + 1
          }/${options.rounds}] curve ${clients} clients ${server.spec.label}: ${
            describe(result)
          }`,
        );
      }
    }
  }

  for (const scenario of scenarios) {
    const entry: ScenarioResults = {
      id: scenario.id,
      title: scenario.title,
      ...(scenario.baseline ? { baseline: scenario.baseline } : {}),
      summaries: {},
    };
    for (const server of running) {
      const list = runs.get(`${scenario.id}/${server.spec.id}`);
      if (list) entry.summaries[server.spec.id] = summarize(list);
    }
    results.scenarios.push(entry);
  }
  for (const spec of curveServers) {
    results.curve.summaries[spec.id] = options.clients.map((c) =>
      summarize(runs.get(`curve-${c}/${spec.id}`) ?? [])
    );
  }
  for (const server of running) await stop(server.process);
}

/**
 * One wrk run and the server's CPU time per request over it; a server that
 * died is reported, not silently measured as zero.
 */
async function measure(
  scenario: WrkScenario,
  server: Running,
  durationSec: number,
): Promise<RunResult> {
  const before = await cpuTimes(server.process.pid);
  const wrk = await wrkRun(scenario, server, durationSec);
  const after = await cpuTimes(server.process.pid);
  const userUs = after.userUs - before.userUs;
  const systemUs = after.systemUs - before.systemUs;
  const perRequest = (us: number) => wrk.requests > 0 ? us / wrk.requests : NaN;
  const result = {
    ...wrk,
    cpuUsPerRequest: perRequest(userUs + systemUs),
    userUsPerRequest: perRequest(userUs),
  };
  if (!await answersHello(server.port)) {
    throw new Error(
      `${server.spec.label} stopped answering after scenario ${scenario.id}`,
    );
  }
  return result;
}

function describe(result: RunResult): string {
  const errors = result.socketErrors + result.non2xx;
  return `${
    Math.round(result.requestsPerSec).toLocaleString("en-US")
  } req/s, p99 ${(result.p99Us / 1000).toFixed(2)} ms, ${
    formatCpu(result.cpuUsPerRequest)
  } CPU/request (${formatCpu(result.userUsPerRequest)} user)${
    errors ? `, ${errors} errors` : ""
  }`;
}

async function idleMemory(
  spec: ServerSpec,
  connections: number,
  tempDir: string,
): Promise<IdleMemoryResult> {
  const server = await startServer(spec, tempDir, true);
  try {
    const result = await measureIdleMemory(
      server.process.pid,
      server.port,
      connections,
      CLIENT_CPU,
    );
    log(
      `idle memory ${spec.label}: ${
        (result.bytesPerConnection / 1024).toFixed(1)
      } KB per connection ` +
        `(${result.stillOpen}/${connections} still open)`,
    );
    return result;
  } finally {
    await stop(server.process);
  }
}

if (import.meta.main) {
  const abort = async () => {
    await stopAll(500);
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", abort);
  Deno.addSignalListener("SIGTERM", abort);
  try {
    await main(parseOptions(Deno.args));
    Deno.exit(0);
  } catch (error) {
    await stopAll(500);
    console.error(
      `bench: ${error instanceof Error ? error.message : String(error)}`,
    );
    Deno.exit(error instanceof UsageError ? 2 : 1);
  }
}
