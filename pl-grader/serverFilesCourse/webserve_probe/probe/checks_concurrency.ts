/**
 * Group `concurrency`: what each kind of server promises while another
 * client holds it. A non-blocking server answers a second client while a
 * first still holds it: idles on a keep-alive connection, trickles its head a
 * byte at a time, or pipelines requests without reading the answers. A
 * blocking server serves one client at a time, so the second waits; but not
 * forever: it must be answered within a few seconds of a first that idles.
 *
 * The non-blocking checks compare, they do not race: the verdict is whether
 * the second client was answered before the first let go (the trickle ended,
 * the server closed the idle one), not how many milliseconds it took, so a
 * loaded machine (a class graded with --jobs) cannot flip it. A server that
 * serves one client at a time answers the second only after the first is
 * done; the first holds it for longer than the probe waits. How long the
 * answer took is shown as a note.
 *
 * @module
 */

import type { Check, CheckContext, Kind, Verdict } from "./check.ts";
import { ask, saysHello } from "./judge.ts";
import { delay, fromLatin1 } from "./kit.ts";
import type { ProbeConn } from "./probe_conn.ts";
import { describeExchange, get, seconds } from "./requests.ts";

/**
 * How long a second client waits for a non-blocking server, while the first
 * holds it for longer still (the trickle lasts over 5 s; an idle client is
 * closed by the model answer only after 10 s). A correct server answers in
 * milliseconds, so only a stall of seconds could flip the verdict.
 */
export const NB_SECOND_CLIENT_MS = 3000;

/** A blocking server answers a second client, behind an idle first, within this. */
export const BLOCKING_SECOND_CLIENT_MS = 5000;

/** The gap between the bytes of a trickled head. */
const TRICKLE_GAP_MS = 20;

/** How much the flooding client pipelines (it never reads a byte). */
const FLOOD_BYTES = 1024 * 1024;

/** How long the first client holds the server before the second arrives. */
const HEAD_START_MS = 200;

/**
 * How long the flooding client, once the second is answered, is watched for
 * a close the server made before it. A close already made shows at once (a
 * reset, or the end after the answers in flight), so this bounds only what a
 * server that keeps the flooder open costs the check.
 */
const FLOOD_CLOSE_WATCH_MS = 500;

/** How long the flooder's answers are read, before the second client comes, to see whether the server has already closed it. */
const FLOOD_EARLY_CLOSE_MS = 100;

/**
 * Connects a second client, asks for `/second`, and times its answer from
 * before the connect. With `firstLetGo`, it must also come while the first
 * still holds the server (`firstLetGo()` says how the first let go, if it did).
 */
async function secondClient(
  context: CheckContext,
  boundMs: number,
  waitMs: number,
  firstDid: string,
  firstLetGo?: () => string | undefined | Promise<string | undefined>,
): Promise<Verdict> {
  const started = performance.now();
  const conn = await context.connect();
  const text = get("/second", context.host);
  context.sent = `a second client's GET /second, ${firstDid}`;
  await conn.write(text);
  const exchange = await conn.readAnswers(1, { withinMs: waitMs });
  const ms = performance.now() - started;
  if (!saysHello(exchange, ["/second"])) {
    return { pass: false, sent: context.sent, got: describeExchange(exchange) };
  }
  const letGo = await firstLetGo?.();
  if (letGo !== undefined) {
    return {
      pass: false,
      sent: context.sent,
      got: `answered after ${seconds(ms)}, but only once ${letGo}`,
    };
  }
  return {
    pass: ms <= boundMs,
    sent: context.sent,
    got: `answered after ${seconds(ms)}${
      firstLetGo ? " while the first still held the server" : ""
    } (at most ${seconds(boundMs)} expected)`,
    note: `answered after ${seconds(ms)}`,
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
  const wait = nb ? NB_SECOND_CLIENT_MS : BLOCKING_SECOND_CLIENT_MS + 3000;
  return {
    name: "idle-neighbour",
    group: "concurrency",
    title: nb
      ? "a second client is answered while a first idles (keep-alive), before the first is let go"
      : `a second client is answered within ${
        seconds(bound)
      } while a first idles (keep-alive)${
        kind === "blocking"
          ? "; a blocking server may make it wait"
          : "; the bound for any server"
      }`,
    expected: nb
      ? `200 "hello, /second" while the first is still open (waits ${
        seconds(bound)
      })`
      : `200 "hello, /second" within ${seconds(bound)}`,
    timeoutMs: wait + 4000,
    run: async (context) => {
      const first = await idleFirst(context);
      if (typeof first === "string") {
        return { pass: false, sent: "GET /first", got: first };
      }
      // Watches the first: a server that closes it to serve the second did not serve both.
      if (nb) first.readToEnd(wait + 1000).catch(() => {});
      return secondClient(
        context,
        bound,
        wait,
        "while a first client idles after GET /first",
        nb
          ? () =>
            first.ended
              ? `the server had ${
                first.ended === "reset" ? "reset" : "closed"
              } the first client`
              : undefined
          : undefined,
      );
    },
  };
}

/**
 * A first client that holds the server: `holding()` is asked once its head
 * start is over, before the second client comes; `letGo()` says how it
 * stopped holding the server since, if it has; `stop()` ends it.
 */
interface Holder {
  holding?(): Promise<void>;
  letGo(): string | undefined | Promise<string | undefined>;
  stop(): Promise<void>;
}

/**
 * A non-blocking check: `holdServer` sets a first client going; meanwhile a
 * second client must be answered, before the first lets go.
 */
function whileFirst(
  name: string,
  firstDoes: string,
  holdServer: (context: CheckContext) => Promise<Holder>,
): Check {
  return {
    name,
    group: "concurrency",
    title: `a second client is answered while a first ${firstDoes}`,
    expected:
      `200 "hello, /second" while the first still holds the server (waits ${
        seconds(NB_SECOND_CLIENT_MS)
      })`,
    timeoutMs: NB_SECOND_CLIENT_MS + 4000,
    run: async (context) => {
      const first = await holdServer(context);
      await delay(HEAD_START_MS);
      await first.holding?.();
      const verdict = await secondClient(
        context,
        NB_SECOND_CLIENT_MS,
        NB_SECOND_CLIENT_MS,
        `while a first client ${firstDoes}`,
        first.letGo,
      );
      await first.stop();
      return verdict;
    },
  };
}

/** A first client that sends its head a byte at a time. */
async function trickle(context: CheckContext): Promise<Holder> {
  const first = await context.connect();
  const head = fromLatin1(
    get("/trickle", context.host, [`X-Slow: ${"s".repeat(200)}`]),
  );
  let stop = false;
  let letGo: string | undefined;
  const trickling = (async () => {
    for (let i = 0; i < head.length && !stop && !context.closed; i++) {
      // A server that closes the trickler (taking a part of a head for a bad
      // request) fails other checks for that; here it has not held anyone up.
      if (!(await first.write(head.subarray(i, i + 1)))) return;
      await delay(TRICKLE_GAP_MS);
    }
    letGo ??= stop ? undefined : "the first client's head was all sent";
  })();
  return {
    letGo: () => letGo,
    async stop() {
      stop = true;
      await trickling;
    },
  };
}

/** A first client that pipelines requests and never reads an answer. */
async function flood(context: CheckContext): Promise<Holder> {
  const first = await context.connect();
  const one = get("/flood", context.host);
  const bytes = fromLatin1(one.repeat(Math.ceil(FLOOD_BYTES / one.length)));
  let letGo: string | undefined;
  /** The server closed the flooder before the second came (taking the flood for bad input, say): it held no one up. */
  let closedEarly = false;
  // Blocks once the buffers fill: fails if the server closes it (reading it all is no letting go: no answer is read).
  const flooding = first.write(bytes).then((written) => {
    if (!written && !closedEarly) {
      letGo ??= "the server had closed the flooding client";
    }
  });
  return {
    async holding() {
      // A server that refused the flood at once fails other checks for that.
      // (Reading its answers for a moment lets a server that serves it go on
      // doing so: it is held again as soon as the reading stops.)
      const { end } = await first.readToEnd(FLOOD_EARLY_CLOSE_MS);
      closedEarly = end === "closed" || end === "reset";
    },
    async letGo() {
      if (closedEarly) return undefined;
      if (letGo !== undefined) return letGo;
      // All of the flood may be in the kernel's buffers, so the write can
      // have succeeded and the server closed the flooder since (a blocking
      // server that gave up on it to serve the second). Only the read side
      // shows that; reading now, with the second answered, changes nothing.
      const { end } = await first.readToEnd(FLOOD_CLOSE_WATCH_MS);
      return end === "closed" || end === "reset"
        ? `the server had ${
          end === "reset" ? "reset" : "closed"
        } the flooding client`
        : undefined;
    },
    async stop() {
      first.close();
      await flooding;
    },
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
