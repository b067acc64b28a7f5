/**
 * The soak: many clients mixing good requests (single and pipelined on
 * keep-alive connections), bad requests from the corpus, fuzzed requests and
 * connection churn against a server child process. Afterwards its open file
 * count must be back to the level after warm-up, its memory within 10% of
 * that level, and every good request must have had its answer.
 *
 * @module
 */

import { closeQuietly } from "../wire/socket.ts";
import { delay } from "../wire/timers.ts";
import { concat, fromLatin1 } from "../wire/bytes.ts";
import { Prng } from "../wire/prng.ts";
import { connect, RawClient, readUntilClosed } from "../testing/raw_client.ts";
import { writeAll } from "../wire/socket.ts";
import { bodyText, parseResponseStream } from "../wire/response_parser.ts";
import {
  type ServerKind,
  startServerProcess,
  waitFor,
} from "../testing/server_launcher.ts";
import { BAD_REQUESTS } from "../wire/corpus.ts";
import { generateRequest } from "./generator.ts";
import { mutate } from "./mutator.ts";

/** How to run a soak. */
export interface SoakOptions {
  /** The server to soak. Default non-blocking. */
  kind?: ServerKind;
  /** Total time, warm-up included. */
  durationMs: number;
  /**
   * Time before the baseline is taken. Default 40% of the duration: under
   * this load V8 and the allocator grow the server's RSS in steps for about
   * the first 20 s (56 to 113 MiB), then it stays flat; that is sizing, not
   * a leak (the heap probe checks the live heap directly).
   */
  warmupMs?: number;
  /** Concurrent clients. Default 32. */
  clients?: number;
  /** Seed of the clients' choices. Default 1. */
  seed?: number;
  /** Allowed memory growth from the warm-up level to the end. Default 0.10. */
  memoryTolerance?: number;
}

/** What a soak measured and whether it held. */
export interface SoakResult {
  /** Good requests sent, and of them answered exactly (`hello, <path>` in order). */
  good: { sent: number; answered: number };
  /** Bad requests sent, and of them refused with an error and a close. */
  bad: { sent: number; refused: number };
  /** Fuzzed requests sent (any well-formed answer, or none, is fine). */
  fuzzed: number;
  /** Connections opened and dropped without a complete request. */
  churned: number;
  /** Open files at launch, after warm-up, and at the end. */
  openFiles: { launch: number; warm: number; end: number };
  /** Resident memory in KiB after warm-up, at the end, and the peak sampled. */
  rssKiB: { warm: number; end: number; peak: number };
  /** Resident memory in KiB, sampled once a second from the start. */
  rssTimeline: number[];
  /** Wall time of the load, in ms. */
  elapsedMs: number;
  /** The first problems seen (empty when the soak passed). */
  problems: string[];
  /** True when every check held. */
  ok: boolean;
}

const OP_TIMEOUT_MS = 10_000;
const MAX_PROBLEMS = 10;

/**
 * Reads one final response per entry of `heads` (true: it answers HEAD):
 * each 200's body, or the status of anything else. Stops early, saying why,
 * when the connection ends or breaks or `OP_TIMEOUT_MS` pass.
 */
async function readAnswers(
  client: RawClient,
  heads: boolean[],
): Promise<{ answers: string[]; stopped?: string }> {
  const deadline = setTimeout(() => client.close(), OP_TIMEOUT_MS);
  const answers: string[] = [];
  try {
    for (const head of heads) {
      const response = await client.readFinalResponse(head);
      answers.push(
        response.status === 200 ? bodyText(response) : `${response.status}`,
      );
    }
    return { answers };
  } catch (error) {
    return { answers, stopped: (error as Error).message.slice(0, 200) };
  } finally {
    clearTimeout(deadline);
  }
}

/** Runs the soak and returns its figures; never throws for a server misbehaving (that is a problem in the result). */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const kind = options.kind ?? "non-blocking";
  const clients = options.clients ?? 32;
  const warmupMs = options.warmupMs ?? options.durationMs * 0.4;
  const tolerance = options.memoryTolerance ?? 0.1;
  const server = await startServerProcess(kind);
  const launchFiles = await server.openFiles();
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  const result: SoakResult = {
    good: { sent: 0, answered: 0 },
    bad: { sent: 0, refused: 0 },
    fuzzed: 0,
    churned: 0,
    openFiles: { launch: launchFiles, warm: 0, end: 0 },
    rssKiB: { warm: 0, end: 0, peak: 0 },
    rssTimeline: [],
    elapsedMs: 0,
    problems,
    ok: false,
  };
  const started = performance.now();
  const deadline = started + options.durationMs;
  const sampler = setInterval(async () => {
    if (!server.alive()) return;
    const rss = await server.rssKiB().catch(() => 0);
    result.rssKiB.peak = Math.max(result.rssKiB.peak, rss);
    result.rssTimeline.push(rss);
  }, 1_000);

  /** A keep-alive connection carrying 1 to 8 good requests, some pipelined. */
  async function goodSession(rng: Prng): Promise<void> {
    const client = await RawClient.connect(server.port);
    try {
      for (
        let left = rng.int(1, 8);
        left > 0 && performance.now() < deadline;
      ) {
        const batch = rng.chance(0.3) ? Math.min(left, rng.int(2, 4)) : 1;
        const sent = Array.from(
          { length: batch },
          () => generateRequest(rng, { maxRequests: 1, keepAlive: true }),
        );
        const expected = sent.flatMap((r) => r.expected);
        result.good.sent += expected.length;
        await client.send(concat(sent.map((r) => r.bytes)));
        const { answers, stopped } = await readAnswers(
          client,
          expected.map((e) => e.head),
        );
        for (const [i, want] of expected.entries()) {
          const answer = answers[i];
          if (answer === (want.head ? "" : `hello, ${want.path}`)) {
            result.good.answered++;
          } else {problem(
              `good request answered ${
                JSON.stringify(answer ?? "nothing")
              }, want hello, ${want.path}${stopped ? `: ${stopped}` : ""}`,
            );}
        }
        if (stopped) return;
        left -= batch;
      }
    } finally {
      client.close();
    }
  }

  /** One bad request from the corpus: must be refused with an error status and a close. */
  async function badRequest(rng: Prng): Promise<void> {
    const badCase = rng.pick(BAD_REQUESTS.filter((c) => c.close && !c.before));
    result.bad.sent++;
    const conn = await connect(server.port);
    await writeAll(conn, fromLatin1(badCase.request)).catch(() => {});
    const answer = await readUntilClosed(conn, OP_TIMEOUT_MS);
    if (
      answer.text.startsWith(`HTTP/1.1 ${badCase.status} `) &&
      answer.end !== "timeout"
    ) result.bad.refused++;
    else {problem(
        `bad request "${badCase.name}" answered ${
          JSON.stringify(answer.text.slice(0, 80))
        } (${answer.end})`,
      );}
  }

  /** A mutated request, then a half-close: anything well-formed or nothing is fine, but the server must close. */
  async function fuzzed(rng: Prng): Promise<void> {
    result.fuzzed++;
    const conn = await connect(server.port);
    await writeAll(conn, mutate(rng, generateRequest(rng).bytes)).catch(
      () => {},
    );
    await conn.closeWrite().catch(() => {});
    const answer = await readUntilClosed(conn, OP_TIMEOUT_MS);
    if (answer.end === "timeout") {
      problem("a fuzzed request left the connection open");
    }
    const parsed = parseResponseStream(answer.bytes);
    if (parsed.error && answer.end === "closed") {
      problem(`malformed answer to a fuzzed request: ${parsed.error}`);
    }
  }

  /** Connect and drop: at once, after part of a head, or after a request whose answer is never read (reset). */
  async function churn(rng: Prng): Promise<void> {
    result.churned++;
    const conn = await connect(server.port);
    const shape = rng.int(0, 2);
    if (shape === 1) {
      await writeAll(conn, fromLatin1("GET /churn HTTP/1.1\r\nHost: s")).catch(
        () => {},
      );
    }
    if (shape === 2) {
      await writeAll(
        conn,
        fromLatin1("GET /churn HTTP/1.1\r\nHost: s\r\n\r\nGET /ch"),
      ).catch(() => {});
      await delay(5);
    }
    closeQuietly(conn);
  }

  async function client(index: number): Promise<void> {
    const rng = new Prng((options.seed ?? 1) * 7919 + index);
    while (performance.now() < deadline) {
      const roll = rng.next();
      try {
        if (roll < 0.6) await goodSession(rng);
        else if (roll < 0.75) await badRequest(rng);
        else if (roll < 0.88) await fuzzed(rng);
        else await churn(rng);
      } catch (error) {
        problem(
          `client ${index}: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    }
  }

  const load = Promise.all(
    Array.from({ length: clients }, (_, i) => client(i)),
  );
  await delay(warmupMs);
  result.openFiles.warm = await server.openFiles();
  result.rssKiB.warm = await server.rssKiB();
  await load;
  result.elapsedMs = performance.now() - started;
  clearInterval(sampler);
  // Let the server close what the clients dropped, then measure.
  await waitFor(
    async () => (await server.openFiles()) <= result.openFiles.warm,
    6_000,
  );
  await delay(500);
  result.openFiles.end = await server.openFiles();
  result.rssKiB.end = await server.rssKiB();
  const alive = server.alive();
  const stderr = await server.stop();

  if (!alive) problem("the server died");
  if (stderr.trim() !== "") {
    problem(`the server wrote to stderr: ${stderr.trim().slice(0, 300)}`);
  }
  if (result.good.answered !== result.good.sent) {
    problem(
      `${result.good.sent - result.good.answered} good requests unanswered`,
    );
  }
  if (result.openFiles.end > result.openFiles.warm) {
    problem(
      `open files ${result.openFiles.warm} after warm-up, ${result.openFiles.end} at the end`,
    );
  }
  if (result.rssKiB.end > result.rssKiB.warm * (1 + tolerance)) {
    problem(
      `memory grew from ${mib(result.rssKiB.warm)} to ${
        mib(result.rssKiB.end)
      } MiB`,
    );
  }
  result.ok = problems.length === 0;
  return result;
}

function mib(kib: number): string {
  return (kib / 1024).toFixed(1);
}

/** The one summary line. */
export function soakSummary(
  result: SoakResult,
  kind: ServerKind,
  clients: number,
): string {
  const growth = ((result.rssKiB.end / result.rssKiB.warm - 1) * 100).toFixed(
    1,
  );
  return [
    `soak ${result.ok ? "PASS" : "FAIL"}: ${kind} server, ${
      (result.elapsedMs / 1000).toFixed(0)
    } s, ${clients} clients:`,
    `${result.good.answered}/${result.good.sent} good requests answered,`,
    `${result.bad.refused}/${result.bad.sent} bad requests refused,`,
    `${result.fuzzed} fuzzed, ${result.churned} churned connections;`,
    `open files ${result.openFiles.warm} after warm-up -> ${result.openFiles.end} at end (${result.openFiles.launch} at launch);`,
    `RSS ${mib(result.rssKiB.warm)} MiB after warm-up -> ${
      mib(result.rssKiB.end)
    } MiB at end (${growth.startsWith("-") ? "" : "+"}${growth}%),`,
    `peak ${mib(result.rssKiB.peak)} MiB`,
  ].join(" ");
}
