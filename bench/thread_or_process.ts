/**
 * The measurement behind `--workers` being threads: webserve_nb as N Web
 * Workers in one process (`webserve_nb.ts --workers N`) against N processes
 * each running the same `serveOn` on its own `SO_REUSEPORT` socket
 * (`bench/peers/shared_port_server.ts`), on the same port layout, neither
 * pinned, alternating within each round. It reports the time to start,
 * the memory (PSS, so pages the processes share count once), requests/s
 * at keep-alive and with a new connection per request, and CPU per request.
 *
 * Usage: `deno run --allow-all bench/thread_or_process.ts [--workers 2] [--duration 3] [--rounds 3]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  cpuTimes,
  freePort,
  type PinnedProcess,
  startPinned,
  stop,
  stopAll,
} from "./processes.ts";
import { formatCpu, formatRate, markdownTable } from "./report.ts";
import { median } from "./results.ts";
import { ROOT_DIR } from "./servers.ts";
import { NON_BLOCKING_V8_FLAGS, v8FlagsArgument } from "../server/v8_flags.ts";
import { runWrk, type WrkResult } from "./wrk.ts";

/** Every CPU of this machine, as a `taskset` list: neither design is pinned. */
const ALL_CPUS = `0-${navigator.hardwareConcurrency - 1}`;

/** One way of running N workers. */
interface Design {
  name: string;
  /** The processes making up the server, started and listening. */
  start(port: number, workers: number, dir: string): Promise<PinnedProcess[]>;
}

/** Waits until every process's log has its "listening" line. */
async function allListening(processes: PinnedProcess[]): Promise<void> {
  const deadline = performance.now() + 15_000;
  for (const process of processes) {
    while (
      !(await Deno.readTextFile(process.logPath).catch(() => "")).includes(
        "listening on",
      )
    ) {
      if (performance.now() > deadline) {
        throw new Error(`no listening line in ${process.logPath}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const v8Flags = v8FlagsArgument(NON_BLOCKING_V8_FLAGS);

const THREADS: Design = {
  name: "threads (Web Workers, one process)",
  async start(port, workers, dir) {
    const process = startPinned(
      [
        Deno.execPath(),
        "run",
        "--allow-net",
        `--allow-read=${ROOT_DIR}`,
        v8Flags,
        `${ROOT_DIR}webserve_nb.ts`,
        String(port),
        "--host",
        "127.0.0.1",
        "--quiet",
        "--workers",
        String(workers),
      ],
      ALL_CPUS,
      `${dir}/threads-${port}.log`,
    );
    await allListening([process]);
    return [process];
  },
};

const PROCESSES: Design = {
  name: "child processes",
  async start(port, workers, dir) {
    const processes = Array.from(
      { length: workers },
      (_, i) =>
        startPinned(
          [
            Deno.execPath(),
            "run",
            "--allow-net",
            "--unstable-net",
            v8Flags,
            `${ROOT_DIR}bench/peers/shared_port_server.ts`,
            String(port),
          ],
          ALL_CPUS,
          `${dir}/process-${port}-${i}.log`,
        ),
    );
    await allListening(processes);
    return processes;
  },
};

/** Proportional set size of `pid` in bytes: shared pages divided among their users. */
async function pssBytes(pid: number): Promise<number> {
  const rollup = await Deno.readTextFile(`/proc/${pid}/smaps_rollup`);
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? NaN) * 1024;
}

async function sum(
  processes: PinnedProcess[],
  read: (pid: number) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (const process of processes) total += await read(process.pid);
  return total;
}

interface Figures {
  startMs: number;
  pssIdle: number;
  pssLoaded: number;
  keepAlive: number;
  close: number;
  cpuPerRequest: number;
}

async function measureOnce(
  design: Design,
  workers: number,
  durationSec: number,
  dir: string,
): Promise<Figures> {
  const port = freePort();
  const started = performance.now();
  const processes = await design.start(port, workers, dir);
  const startMs = performance.now() - started;
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pssIdle = await sum(processes, pssBytes);
    const url = `http://127.0.0.1:${port}/bench`;
    await runWrk({ url, connections: 50, durationSec: 1, cpu: ALL_CPUS }); // warm-up
    const cpu = async () =>
      await sum(processes, async (pid) => {
        const t = await cpuTimes(pid);
        return t.userUs + t.systemUs;
      });
    const before = await cpu();
    const keepAlive: WrkResult = await runWrk({
      url,
      connections: 50,
      durationSec,
      cpu: ALL_CPUS,
    });
    const cpuPerRequest = (await cpu() - before) / keepAlive.requests;
    const pssLoaded = await sum(processes, pssBytes);
    const close = await runWrk({
      url,
      connections: 50,
      durationSec,
      headers: ["Connection: close"],
      cpu: ALL_CPUS,
    });
    return {
      startMs,
      pssIdle,
      pssLoaded,
      keepAlive: keepAlive.requestsPerSec,
      close: close.requestsPerSec,
      cpuPerRequest,
    };
  } finally {
    await Promise.all(processes.map((process) => stop(process)));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      workers: { type: "string", default: "2" },
      duration: { type: "string", default: "3" },
      rounds: { type: "string", default: "3" },
    },
  });
  const workers = Number(values.workers);
  const durationSec = Number(values.duration);
  const rounds = Number(values.rounds);
  const designs = [THREADS, PROCESSES];
  const figures = new Map<Design, Figures[]>(designs.map((d) => [d, []]));
  const dir = await Deno.makeTempDir({ prefix: "thread-or-process-" });
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? designs.toReversed() : designs;
      for (const design of order) {
        const result = await measureOnce(design, workers, durationSec, dir);
        figures.get(design)!.push(result);
        console.error(
          `[round ${round + 1}/${rounds}] ${design.name}: ${
            formatRate(result.keepAlive)
          } req/s keep-alive, ${formatRate(result.close)} req/s close, ` +
            `start ${result.startMs.toFixed(0)} ms, PSS ${
              (result.pssLoaded / 2 ** 20).toFixed(1)
            } MB`,
        );
      }
    }
  } finally {
    await stopAll();
    await Deno.remove(dir, { recursive: true });
  }
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const pick = (design: Design, key: keyof Figures) =>
    median(figures.get(design)!.map((f) => f[key]));
  console.log(
    `${workers} workers, ${durationSec} s runs, medians of ${rounds} rounds, wrk -t1 -c50, nothing pinned (${ALL_CPUS})\n`,
  );
  console.log(markdownTable(
    [
      "Design",
      "Start-up",
      "Memory idle (PSS)",
      "Memory after load",
      "Keep-alive 50 req/s",
      "CPU per request",
      "New connection per request req/s",
    ],
    designs.map((d) => [
      d.name,
      `${pick(d, "startMs").toFixed(0)} ms`,
      mb(pick(d, "pssIdle")),
      mb(pick(d, "pssLoaded")),
      formatRate(pick(d, "keepAlive")),
      formatCpu(pick(d, "cpuPerRequest")),
      formatRate(pick(d, "close")),
    ]),
  ));
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    await stopAll(500);
    console.error(`thread_or_process: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
