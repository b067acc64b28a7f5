/**
 * `deno task demo`: the same crowd against the blocking and the non-blocking
 * server, one after the other, drawn as two timelines on one time axis.
 * `--servers A,B` runs it against two scripts of the tutorial instead.
 *
 * ```text
 * parse flags --> start both servers --> crowd vs webserve --> stop it
 *                 (free ports, quiet)    crowd vs webserve_nb --> stop it
 *                                        --> timelines, legend, summaries
 *                                            (--svg, --json files)
 * ```
 *
 * Mistakes end in one line on stderr: exit 2 for a bad command line, 1 for
 * a server that does not start or a file that cannot be written.
 *
 * @module
 */

import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parsePort, UsageError } from "../server/cli.ts";
import { type CrowdRun, runCrowd } from "./crowd.ts";
import {
  commandLine,
  DEMO_SERVERS,
  type DemoServer,
  type RunningServer,
  scriptServer,
  serverArgs,
  StartError,
  startServer,
  stopServer,
} from "./servers.ts";
import { summarize, summaryLine } from "./summary.ts";
import { timelineSvg } from "./svg.ts";
import { paletteFor, ProgressLine } from "./terminal.ts";
import { renderLegend, renderTimeline } from "./timeline.ts";

/** Exit status for a bad command line. */
export const USAGE_EXIT_STATUS = 2;

/** Exit status when a server does not start or a file cannot be written. */
export const FAILURE_EXIT_STATUS = 1;

/** Server flags in the short mode: timeouts short enough for CI, the same for both. */
export const QUICK_SERVER_FLAGS: readonly string[] = [
  "--idle-timeout",
  "0.5",
  "--head-timeout",
  "0.5",
];

/** The longest the crowd may take against the blocking server (then the demo closes what is open). */
const HOLD_MS = { full: 8_000, quick: 4_000 } as const;

/**
 * Against the non-blocking server the idle and trickling clients are held as
 * long as the blocking run lasted (at least this), so both timelines show
 * the same stretch of time.
 */
const MIN_SECOND_HOLD_MS = 1_000;

/** What the command line asks for. */
export interface DemoRequest {
  /** Short timeouts, for CI. */
  quick: boolean;
  /** Ports for the blocking and the non-blocking server (0: any free one). */
  ports: readonly [number, number];
  /** Two scripts to run instead of the project's servers, from the project's root. */
  servers?: readonly [string, string];
  /** Where to write the SVG, if anywhere. */
  svg?: string;
  /** Where to write the JSON, if anywhere. */
  json?: string;
  /** Pass `--trace` to both servers. */
  trace: boolean;
  /** Show the help and exit. */
  help: boolean;
}

const HINT = "try 'deno task demo --help'";

/** The `--help` text. */
export const HELP = `Usage: deno task demo [options]

Starts both servers as child processes on loopback, quiet (deno run --allow-net
webserve.ts 0 --host 127.0.0.1 --quiet, and the same for webserve_nb.ts), and
sends each, one after the other, the same crowd:
  - one client that sends a request on a keep-alive connection, then stays idle;
  - one client that trickles its request head, one byte every 20-50 ms;
  - a moment later, eight ordinary clients at once, one request each.
Then prints a timeline per server (one row per client, in milliseconds) and a
summary line per server. Takes about 5 s (--quick: about 2 s).

With --servers, the crowd goes to two scripts that take a port as their one
argument, started as deno run --allow-net SCRIPT PORT: the tutorial's steps,
e.g. --servers tutorial/step3e_stay_up.ts,tutorial/step4a_nonblocking.ts.

Options:
  --quick          short run, for CI: both servers get ${
  QUICK_SERVER_FLAGS.join(" ")
}
  --ports B,NB     ports for the blocking and the non-blocking server
                   (default 0,0: any free ones)
  --servers A,B    two scripts of the project instead of webserve.ts and
                   webserve_nb.ts, run in that order (no --trace)
  --svg FILE       also write both timelines as one SVG
  --json FILE      also write what every client saw, and the summaries, as JSON
  --trace          start both servers with --trace; print their trace lines
  -h, --help       show this help

Writing a file needs write access to it: answer Deno's prompt in a terminal, or
run deno run --allow-net=127.0.0.1 --allow-run --allow-write=FILE demo/main.ts ...`;

/** Parses the command line; throws `UsageError` with a one-line message. */
export function parseDemoArgs(args: readonly string[]): DemoRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: "boolean" },
        ports: { type: "string" },
        servers: { type: "string" },
        svg: { type: "string" },
        json: { type: "string" },
        trace: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    // Node's messages are sentences with advice after the first: keep the first.
    const message = error instanceof Error ? error.message : String(error);
    const first = message.split(/\.( |$)/)[0].replace(" <value>", "");
    throw new UsageError(first.charAt(0).toLowerCase() + first.slice(1));
  }
  for (const flag of ["svg", "json"] as const) {
    if (values[flag] === "") {
      throw new UsageError(`--${flag} needs a file name`);
    }
  }
  const servers = values.servers === undefined
    ? undefined
    : parseServers(values.servers);
  if (servers !== undefined && values.trace) {
    throw new UsageError(
      "--trace goes with the project's servers, not --servers",
    );
  }
  return {
    quick: values.quick ?? false,
    ports: values.ports === undefined ? [0, 0] : parsePorts(values.ports),
    servers,
    svg: values.svg,
    json: values.json,
    trace: values.trace ?? false,
    help: values.help ?? false,
  };
}

function parseServers(text: string): [string, string] {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.length !== 2 || parts.some((part) => !part.endsWith(".ts"))) {
    throw new UsageError(
      `--servers takes two scripts, e.g. tutorial/step3e_stay_up.ts,tutorial/step4a_nonblocking.ts, not '${text}'`,
    );
  }
  return [parts[0], parts[1]];
}

function parsePorts(text: string): [number, number] {
  const parts = text.split(",");
  if (parts.length !== 2) {
    throw new UsageError(
      `--ports takes two ports, blocking then non-blocking, e.g. 8080,8081 (0 for any free one), not '${text}'`,
    );
  }
  const [blocking, nonBlocking] = parts.map((part) => parsePort(part.trim()));
  if (blocking === nonBlocking && blocking !== 0) {
    throw new UsageError(`--ports gives both servers port ${blocking}`);
  }
  return [blocking, nonBlocking];
}

/** One server's part of the result. */
export interface ServerResult {
  /** `webserve.ts` or `webserve_nb.ts`. */
  script: string;
  /** `webserve (blocking)` ... */
  label: string;
  /** How it was started. */
  command: string;
  /** The port it listened on. */
  port: number;
  /** What the crowd saw. */
  run: CrowdRun;
  /** The summary line. */
  summary: string;
  /** What it wrote to stderr (its trace lines with --trace). */
  stderr: string;
}

/** Runs the demo; resolves to the exit status. */
export async function main(args: readonly string[]): Promise<number> {
  let request: DemoRequest;
  try {
    request = parseDemoArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`demo: ${error.message} (${HINT})`);
    return USAGE_EXIT_STATUS;
  }
  if (request.help) {
    console.log(HELP);
    return 0;
  }
  try {
    // Asked before the run, so a refusal costs no waiting.
    if (request.svg !== undefined) await requireWrite("--svg", request.svg);
    if (request.json !== undefined) await requireWrite("--json", request.json);
    const results = await runDemo(request);
    printReport(results);
    await writeFiles(request, results);
    return 0;
  } catch (error) {
    if (!(error instanceof StartError) && !(error instanceof WriteError)) {
      throw error;
    }
    console.error(`demo: ${error.message}`);
    return FAILURE_EXIT_STATUS;
  }
}

/** A file that cannot be written; the message is one line. */
class WriteError extends Error {}

async function requireWrite(flag: string, file: string): Promise<void> {
  const path = resolve(file);
  const status = await Deno.permissions.request({ name: "write", path });
  if (status.state !== "granted") {
    throw new WriteError(
      `${flag} needs write access to ${path}: answer Deno's prompt in a terminal, or run ` +
        `deno run --allow-net=127.0.0.1 --allow-run --allow-write=${path} demo/main.ts ...`,
    );
  }
}

/** Starts both servers, runs the crowd against each in turn, stops them. */
async function runDemo(request: DemoRequest): Promise<ServerResult[]> {
  const progress = new ProgressLine();
  const extra = [
    ...(request.quick ? QUICK_SERVER_FLAGS : []),
    ...(request.trace ? ["--trace"] : []),
  ];
  const servers: readonly DemoServer[] = request.servers?.map(scriptServer) ??
    DEMO_SERVERS;
  progress.update(
    `demo: starting ${servers.map((s) => s.script).join(" and ")} ...`,
  );
  const starts = servers.map((server, index) =>
    startServer(server, serverArgs(server, request.ports[index], extra))
  );
  const settled = await Promise.allSettled(starts);
  const running = settled.flatMap((s) =>
    s.status === "fulfilled" ? [s.value] : []
  );
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) {
    progress.clear();
    await Promise.all(running.map(stopServer));
    throw failed.reason;
  }
  const results: ServerResult[] = [];
  let holdMs: number = request.quick ? HOLD_MS.quick : HOLD_MS.full;
  try {
    for (const server of running) {
      const run = await runWithProgress(server, holdMs, progress);
      const stderr = await stopServer(server);
      results.push({
        script: server.server.script,
        label: server.server.label,
        command: commandLine(server.server, server.args),
        port: server.port,
        run,
        summary: summaryLine(server.server.label, summarize(run)),
        stderr,
      });
      holdMs = Math.max(run.durationMs, MIN_SECOND_HOLD_MS);
    }
  } finally {
    progress.clear();
    // Any left running after a failure mid-way (stopping twice is harmless).
    await Promise.all(running.map(stopServer));
  }
  return results;
}

async function runWithProgress(
  server: RunningServer,
  holdMs: number,
  progress: ProgressLine,
): Promise<CrowdRun> {
  const began = performance.now();
  let ended = 0;
  let total = 0;
  // runCrowd reports the count of clients before its first await.
  const run = runCrowd({
    port: server.port,
    holdMs,
    onProgress: (done, of) => {
      ended = done;
      total = of;
    },
  });
  const show = () =>
    progress.update(
      `demo: ${server.server.label}: ${ended} of ${total} clients done, ${
        ((performance.now() - began) / 1000).toFixed(1)
      } s`,
    );
  show();
  const ticker = setInterval(show, 100);
  try {
    return await run;
  } finally {
    clearInterval(ticker);
  }
}

/**
 * Prints the timelines, the legend and the summaries on stdout; after each
 * timeline, what its server wrote to stderr (the trace, with `--trace`),
 * with each client's port so trace lines (`peer=127.0.0.1:<port>`) can be
 * matched to rows.
 */
function printReport(results: readonly ServerResult[]): void {
  const palette = paletteFor(Deno.stdout);
  const axisMs = Math.max(...results.map((result) => result.run.durationMs));
  const blocks: string[] = [];
  for (const result of results) {
    blocks.push(
      renderTimeline(
        `${result.label} on port ${result.port}: ${result.command}`,
        result.run,
        { axisMs, palette },
      ),
    );
    if (result.stderr.trim() !== "") {
      const ports = result.run.clients
        .filter((client) => client.localPort !== undefined)
        .map((client) => `${client.name} ${client.localPort}`)
        .join(", ");
      blocks.push(
        [
          palette.heading(`${result.script} on stderr`) +
          palette.muted(` (clients' ports: ${ports})`),
          ...result.stderr.trimEnd().split("\n").map((line) => `  ${line}`),
        ].join("\n"),
      );
    }
  }
  blocks.push(renderLegend(palette));
  blocks.push(
    results.map((result) => palette.heading(result.summary)).join("\n"),
  );
  console.log(blocks.join("\n\n"));
}

async function writeFiles(
  request: DemoRequest,
  results: readonly ServerResult[],
): Promise<void> {
  if (request.svg !== undefined) {
    const svg = timelineSvg({
      title: "The same crowd against the blocking and the non-blocking server",
      panels: results.map((result) => ({
        heading: result.label,
        summary: result.summary.slice(result.label.length + 2),
        run: result.run,
      })),
    });
    await writeFile(request.svg, svg);
  }
  if (request.json !== undefined) {
    const json = {
      quick: request.quick,
      servers: results.map((result) => ({
        ...result,
        summary: { line: result.summary, ...summarize(result.run) },
      })),
    };
    await writeFile(request.json, JSON.stringify(json, null, 2) + "\n");
  }
}

async function writeFile(file: string, text: string): Promise<void> {
  const path = resolve(file);
  try {
    await Deno.writeTextFile(path, text);
  } catch (error) {
    throw new WriteError(
      `cannot write ${path}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  console.error(`demo: wrote ${path}`);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
