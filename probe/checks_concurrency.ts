/**
 * Group `concurrency`: what each kind of server promises while another
 * client holds it. A non-blocking server answers a second client within 250
 * ms while a first idles on a keep-alive connection, trickles its head a
 * byte at a time, or pipelines requests without reading the answers. A
 * blocking server serves one client at a time, so the second waits; but not
 * forever: it must be answered within a few seconds of a first that idles.
 *
 * @module
 */

import type { Check, CheckContext, Kind, Verdict } from "./check.ts";
import { ask, saysHello } from "./judge.ts";
import { delay, fromLatin1 } from "./kit.ts";
import type { ProbeConn } from "./probe_conn.ts";
import { describeExchange, get, seconds } from "./requests.ts";

/** A non-blocking server answers a second client within this. */
export const NB_SECOND_CLIENT_MS = 250;

/** A blocking server answers a second client, behind an idle first, within this. */
export const BLOCKING_SECOND_CLIENT_MS = 5000;

/** The gap between the bytes of a trickled head. */
const TRICKLE_GAP_MS = 20;

/** How much the flooding client pipelines (it never reads a byte). */
const FLOOD_BYTES = 1024 * 1024;

/** How long the first client holds the server before the second arrives. */
const HEAD_START_MS = 200;

/** Connects a second client, asks for `/second`, and times its answer from before the connect. */
async function secondClient(
  context: CheckContext,
  boundMs: number,
  waitMs: number,
  firstDid: string,
): Promise<Verdict> {
  const started = performance.now();
  const conn = await context.connect();
  const text = get("/second", context.host);
  context.sent = `a second client's GET /second, ${firstDid}`;
  await conn.write(text);
  const exchange = await conn.readAnswers(1, { withinMs: waitMs });
  const ms = performance.now() - started;
  const answered = saysHello(exchange, ["/second"]);
  return {
    pass: answered && ms <= boundMs,
    sent: context.sent,
    got: answered
      ? `answered after ${seconds(ms)} (at most ${seconds(boundMs)} expected)`
      : describeExchange(exchange),
    ...(answered ? { note: `answered after ${seconds(ms)}` } : {}),
  };
}

/** A first client that asked once and now idles on its keep-alive connection. */
async function idleFirst(context: CheckContext): Promise<ProbeConn | string> {
  const first = await context.connect();
  const exchange = await ask(context, first, get("/first", context.host));
  if (!saysHello(exchange, ["/first"])) {
    return `the first client got ${describeExchange(exchange)}`;
  }
  return first;
}

function idleNeighbour(kind: Kind | undefined): Check {
  const nb = kind === "nb";
  const bound = nb ? NB_SECOND_CLIENT_MS : BLOCKING_SECOND_CLIENT_MS;
  const wait = nb ? 4 * NB_SECOND_CLIENT_MS : BLOCKING_SECOND_CLIENT_MS + 3000;
  return {
    name: "idle-neighbour",
    group: "concurrency",
    title: `a second client is answered within ${
      seconds(bound)
    } while a first idles (keep-alive)${
      nb
        ? ""
        : kind === "blocking"
        ? "; a blocking server may make it wait"
        : "; the bound for any server"
    }`,
    expected: `200 "hello, /second" within ${seconds(bound)}`,
    timeoutMs: wait + 4000,
    run: async (context) => {
      const first = await idleFirst(context);
      if (typeof first === "string") {
        return { pass: false, sent: "GET /first", got: first };
      }
      return secondClient(
        context,
        bound,
        wait,
        "while a first client idles after GET /first",
      );
    },
  };
}

/**
 * A non-blocking check: `holdServer` sets a first client going and returns
 * how to stop it; meanwhile a second client must be answered within 250 ms.
 */
function whileFirst(
  name: string,
  firstDoes: string,
  holdServer: (context: CheckContext) => Promise<() => Promise<void>>,
): Check {
  return {
    name,
    group: "concurrency",
    title: `a second client is answered within ${
      seconds(NB_SECOND_CLIENT_MS)
    } while a first ${firstDoes}`,
    expected: `200 "hello, /second" within ${seconds(NB_SECOND_CLIENT_MS)}`,
    timeoutMs: 6000,
    run: async (context) => {
      const stopFirst = await holdServer(context);
      await delay(HEAD_START_MS);
      const verdict = await secondClient(
        context,
        NB_SECOND_CLIENT_MS,
        4 * NB_SECOND_CLIENT_MS,
        `while a first client ${firstDoes}`,
      );
      await stopFirst();
      return verdict;
    },
  };
}

/** A first client that sends its head a byte at a time. */
async function trickle(context: CheckContext): Promise<() => Promise<void>> {
  const first = await context.connect();
  const head = fromLatin1(
    get("/trickle", context.host, [`X-Slow: ${"s".repeat(200)}`]),
  );
  let stop = false;
  const trickling = (async () => {
    for (let i = 0; i < head.length && !stop && !context.closed; i++) {
      if (!(await first.write(head.subarray(i, i + 1)))) return;
      await delay(TRICKLE_GAP_MS);
    }
  })();
  return async () => {
    stop = true;
    await trickling;
  };
}

/** A first client that pipelines requests and never reads an answer. */
async function flood(context: CheckContext): Promise<() => Promise<void>> {
  const first = await context.connect();
  const one = get("/flood", context.host);
  const bytes = fromLatin1(one.repeat(Math.ceil(FLOOD_BYTES / one.length)));
  const flooding = first.write(bytes); // blocks once the buffers fill: ends when the connection closes
  return async () => {
    first.close();
    await flooding;
  };
}

/** Why a non-blocking-only check does not run for `kind` (a blocking server is not listed them at all). */
function nbOnly(kind: Kind | undefined): string | undefined {
  return kind === "nb"
    ? undefined
    : "for a non-blocking server: give --kind nb to run it";
}

/**
 * The checks of group `concurrency` for a server of `kind`. Unknown: the
 * blocking bound, which every server must meet, and the non-blocking checks
 * listed as skipped.
 */
export function concurrencyChecks(kind: Kind | undefined): Check[] {
  if (kind === "blocking") return [idleNeighbour(kind)];
  const skip = nbOnly(kind);
  const nbChecks = [
    whileFirst(
      "trickling-neighbour",
      `trickles its head a byte every ${TRICKLE_GAP_MS} ms`,
      trickle,
    ),
    whileFirst(
      "flooding-neighbour",
      "pipelines 1 MiB of requests and reads none of the answers",
      flood,
    ),
  ];
  return [
    idleNeighbour(kind),
    ...nbChecks.map((check) => (skip ? { ...check, skip } : check)),
  ];
}
