/**
 * `deno task tutorial:grades --compare`: the tutorial's step 4 measured
 * beside the product's engine, each server started as a user starts it:
 * how many cases of the bad-request corpus (`wire/corpus.ts`) each
 * answers as the corpus says, what a slow client and a client that never
 * reads do to a second client, throughput from the bench harness (one short
 * run of `bench/run.ts`), and lines of code. Returns the markdown that
 * `docs/tutorial.md` shows between its `tutorial:compare` markers.
 *
 * @module
 */

import { launch, type Launched } from "../probe/launch.ts";
import {
  BAD_REQUESTS,
  type BadRequestCase,
  VALID_EDGE_CASES,
  type ValidEdgeCase,
} from "../wire/corpus.ts";
import { delay } from "../wire/timers.ts";
import { fromLatin1, latin1 } from "../wire/bytes.ts";
import { ROOT } from "../testing/commands.ts";
import { exchange, get, RawClient } from "../testing/raw_client.ts";
import { writeAll } from "../wire/socket.ts";
import { parseResponseStream } from "../wire/response_parser.ts";
import { programCodeLines } from "./code_lines.ts";
import { markdownTable } from "./markdown_table.ts";

/** One server of the comparison. */
interface Side {
  /** The column's heading. */
  label: string;
  /** How it is started (`{port}` for the port). */
  command: string[];
  /** Its entry module, for lines of code. */
  entry: string;
  /** Its id in `bench/servers.ts`. */
  bench: string;
}

const deno = Deno.execPath();

/** The four servers: step 4's two, and the engine's two with their default timeouts. */
const SIDES: readonly Side[] = [
  {
    label: "step 4, blocking",
    command: [
      deno,
      "run",
      "--allow-net",
      "tutorial/step4_webserve.ts",
      "{port}",
    ],
    entry: "tutorial/step4_webserve.ts",
    bench: "step4",
  },
  {
    label: "step 4, non-blocking",
    command: [
      deno,
      "run",
      "--allow-net",
      "tutorial/step4_webserve_nb.ts",
      "{port}",
    ],
    entry: "tutorial/step4_webserve_nb.ts",
    bench: "step4-nb",
  },
  {
    label: "`webserve.ts`",
    command: [deno, "run", "--allow-net", "webserve.ts", "{port}", "--quiet"],
    entry: "webserve.ts",
    bench: "blocking",
  },
  {
    label: "`webserve_nb.ts`",
    command: [
      deno,
      "run",
      "--allow-net",
      "webserve_nb.ts",
      "{port}",
      "--quiet",
    ],
    entry: "webserve_nb.ts",
    bench: "nb",
  },
];

/** How long the slow and the never-reading clients are watched. */
const WATCH_MS = 6000;

/** The gap between the bytes of the slow client's head. */
const TRICKLE_GAP_MS = 100;

/** The final statuses of what a server wrote, and whether it closed. */
function outcome(bytes: Uint8Array, head: boolean): number[] {
  const parsed = parseResponseStream(bytes, {
    isHead: () => head,
    requireEngineHeaders: false,
  });
  const statuses = parsed.responses.map((r) => r.status).filter((s) =>
    s >= 200
  );
  return parsed.error === undefined ? statuses : [...statuses, -1];
}

/** True when the server answered `badCase` with exactly the corpus's statuses and closed as it says. */
function exactly(badCase: BadRequestCase, statuses: number[], end: string) {
  const want = [...(badCase.before ?? []), badCase.status];
  return statuses.join() === want.join() &&
    (!badCase.close || end !== "timeout");
}

/** True when every request before the bad one was answered 200 and the bad one got a 4xx or 5xx, then the close. */
function refused(badCase: BadRequestCase, statuses: number[], end: string) {
  const before = badCase.before ?? [];
  const last = statuses.at(-1) ?? 0;
  return statuses.length === before.length + 1 &&
    statuses.slice(0, -1).join() === before.join() &&
    last >= 400 && last <= 599 && (!badCase.close || end !== "timeout");
}

/** True when a valid edge case got `hello, <path>` for each of its paths. */
function served(edge: ValidEdgeCase, bytes: Uint8Array): boolean {
  const parsed = parseResponseStream(bytes, {
    isHead: () => edge.head === true,
    requireEngineHeaders: false,
  });
  const finals = parsed.responses.filter((r) => r.status >= 200);
  return finals.length === edge.paths.length &&
    finals.every((r, i) =>
      r.status === 200 &&
      (edge.head || latin1(r.body) === `hello, ${edge.paths[i]}`)
    );
}

/** The corpus sent to one server, each case on its own connection (half-closed after the request). */
async function corpus(port: number) {
  let exact = 0, refusedAtAll = 0, valid = 0;
  const otherwise: string[] = [];
  for (const badCase of BAD_REQUESTS) {
    const result = await exchange(port, badCase.request, { timeoutMs: 3000 });
    const statuses = outcome(result.bytes, badCase.head === true);
    if (exactly(badCase, statuses, result.end)) exact++;
    else otherwise.push(badCase.name);
    if (refused(badCase, statuses, result.end)) refusedAtAll++;
  }
  for (const edge of VALID_EDGE_CASES) {
    const result = await exchange(port, edge.request, { timeoutMs: 3000 });
    if (served(edge, result.bytes)) valid++;
    else otherwise.push(edge.name);
  }
  return { exact, refusedAtAll, valid, otherwise };
}

/** Asks for `/second` on a new connection; resolves to the milliseconds until its answer, or undefined after `withinMs`. */
async function secondClient(
  port: number,
  withinMs: number,
): Promise<number | undefined> {
  const started = performance.now();
  const client = await RawClient.connect(port);
  try {
    await client.send(get("/second"));
    const answer = await Promise.race([
      client.readFinalResponse().then(() => performance.now() - started),
      delay(withinMs).then(() => undefined),
    ]);
    return answer;
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

/** What happened to a first client, and how long a second one waited meanwhile. */
interface Neighbourhood {
  /** The second client's wait, or undefined when it was not answered within {@link WATCH_MS}. */
  secondMs?: number;
  /** What the first client met, in a few words. */
  first: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A first client sends its head a byte every 100 ms; 300 ms in, a second client asks. */
async function slowClient(port: number): Promise<Neighbourhood> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = fromLatin1(get("/slow", `X-Slow: ${"s".repeat(200)}\r\n`));
  const started = performance.now();
  let answeredAt: number | undefined, status = "";
  const reading = (async () => {
    const buffer = new Uint8Array(4096);
    const n = await conn.read(buffer).catch(() => null);
    answeredAt = performance.now() - started;
    status = n === null ? "closed" : latin1(buffer.subarray(9, 12));
  })();
  const trickling = (async () => {
    for (let i = 0; i < head.length && answeredAt === undefined; i++) {
      if (performance.now() - started > WATCH_MS) return;
      await writeAll(conn, head.subarray(i, i + 1)).catch(() => {});
      await delay(TRICKLE_GAP_MS);
    }
  })();
  await delay(300);
  const secondMs = await secondClient(port, WATCH_MS - 300);
  await trickling;
  conn.close();
  await reading;
  const first = answeredAt !== undefined && answeredAt < WATCH_MS
    ? `${status === "closed" ? "closed" : status} after ${seconds(answeredAt)}`
    : `still sending after ${seconds(WATCH_MS)}`;
  return { secondMs, first };
}

/** A first client pipelines GETs without end and never reads; 300 ms in, a second client asks. */
async function neverReads(port: number): Promise<Neighbourhood> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const started = performance.now();
  const requests = fromLatin1(get("/flood").repeat(1000));
  let closedAt: number | undefined, done = false;
  const flooding = (async () => {
    while (!done) {
      try {
        await writeAll(conn, requests);
      } catch {
        // A write fails once the server has closed (or when we close, at the end).
        if (!done) closedAt = performance.now() - started;
        return;
      }
    }
  })();
  await delay(300);
  const secondMs = await secondClient(port, WATCH_MS - 300);
  await Promise.race([
    flooding,
    delay(WATCH_MS - (performance.now() - started)),
  ]);
  done = true;
  conn.close();
  await flooding;
  const first = closedAt !== undefined
    ? `closed after ${seconds(closedAt)}`
    : `still open after ${seconds(WATCH_MS)}`;
  return { secondMs, first };
}

/** Runs the bench harness once for the four servers: requests/s at keep-alive 50 and at 16-deep pipelining, by bench id. */
async function bench(log: (line: string) => void) {
  const out = await Deno.makeTempDir({ prefix: "tutorial-bench-" });
  try {
    const args = [
      "run",
      "--allow-all",
      "bench/run.ts",
      "--servers",
      SIDES.map((s) => s.bench).join(","),
      "--scenarios",
      "keepalive-50,pipeline-16",
      "--rounds",
      "1",
      "--duration",
      "3",
      "--out",
      out,
    ];
    log(`running deno ${args.join(" ")}`);
    const run = await new Deno.Command(deno, {
      args,
      cwd: ROOT,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!run.success) throw new Error("the bench run failed");
    const results = JSON.parse(await Deno.readTextFile(`${out}/latest.json`));
    const rps = (scenario: string, id: string): number =>
      results.scenarios.find((s: { id: string }) => s.id === scenario)
        ?.summaries[id]?.requestsPerSec ?? NaN;
    return { rps, command: results.info.command as string };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** Measures everything and returns the comparison's markdown (a table and where it came from). */
export async function compareWithEngine(
  log: (line: string) => void,
): Promise<string> {
  const columns: string[][] = [];
  const otherwise = new Map<string, string[]>();
  for (const side of SIDES) {
    log(`measuring ${side.label}`);
    const lines = await programCodeLines(`${ROOT}${side.entry}`);
    let server: Launched = await launch(side.command, { cwd: ROOT });
    const found = await corpus(server.port);
    otherwise.set(side.label, found.otherwise);
    await server.stop();
    server = await launch(side.command, { cwd: ROOT });
    const slow = await slowClient(server.port);
    await server.stop();
    server = await launch(side.command, { cwd: ROOT });
    const flood = await neverReads(server.port);
    await server.stop();
    const wait = (n: Neighbourhood) =>
      n.secondMs === undefined
        ? `not answered in ${seconds(WATCH_MS - 300)}`
        : `answered after ${seconds(n.secondMs)}`;
    columns.push([
      `${found.exact}/${BAD_REQUESTS.length}`,
      `${found.refusedAtAll}/${BAD_REQUESTS.length}`,
      `${found.valid}/${VALID_EDGE_CASES.length}`,
      wait(slow),
      slow.first,
      wait(flood),
      flood.first,
      "",
      "",
      `${lines.lines} in ${lines.files} files`,
    ]);
  }
  const measured = await bench(log);
  SIDES.forEach((side, i) => {
    columns[i][7] = Math.round(measured.rps("keepalive-50", side.bench))
      .toLocaleString("en-US");
    columns[i][8] = Math.round(measured.rps("pipeline-16", side.bench))
      .toLocaleString("en-US");
  });
  const rowNames = [
    "bad-request corpus: the corpus's status, then the close",
    "bad-request corpus: some 4xx or 5xx, then the close",
    "unusual but valid requests answered `hello`",
    "slow client (a head byte every 100 ms): a second client",
    "slow client: the slow client itself",
    "client that never reads (pipelines without end): a second client",
    "client that never reads: that client",
    "keep-alive, 50 connections: requests/s",
    "pipelining, 16 deep, 50 connections: requests/s",
    "lines of code, every module it loads",
  ];
  const table = markdownTable([
    ["", ...SIDES.map((s) => s.label)],
    ...rowNames.map((name, row) => [name, ...columns.map((c) => c[row])]),
  ]);
  const date = new Date().toISOString().slice(0, 10);
  // Servers that answer the same cases otherwise share a line.
  const byList = new Map<string, string[]>();
  for (const side of SIDES) {
    const names = otherwise.get(side.label) ?? [];
    const list = names.map((name) => `"${name}"`).join(", ") || "none";
    byList.set(list, [...(byList.get(list) ?? []), side.label]);
  }
  const differences = [...byList].map(([list, labels]) =>
    `- ${labels.join(" and ")}: ${list}.`
  ).join("\n");
  const command = measured.command.replace(/ --out \S+/, "");
  return `${table}\n\nMeasured by \`deno task tutorial:grades --compare\` on ${date} ` +
    `(2 shared cores; the requests/s from one run of \`${command}\`, so ` +
    `compare them within a row, not with other runs).\n\n` +
    `The corpus cases each answers otherwise than the corpus says:\n\n${differences}`;
}
