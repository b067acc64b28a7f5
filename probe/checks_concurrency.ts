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
import { HEAD_IN_PIECES, KEEP_ALIVE } from "./checks_framing.ts";
import { ask, saysHello } from "./judge.ts";
import { delay, fromLatin1, latin1 } from "./kit.ts";
import {
  answeredOnlyOnce,
  letGo as letGoBy,
  secondAnswered,
  secondClientSent,
  seconds,
} from "./messages.ts";
import type { ProbeConn } from "./probe_conn.ts";
import { printfOf, withFirstClient, writer } from "./reproduce.ts";
import { describeExchange, describeRequest, get } from "./requests.ts";

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

/**
 * What a concurrency check may take beyond its second client's wait: the
 * first client's start and wind-down (a 1 MiB flood to write and stop).
 * A safety net only: the verdict never depends on it, so it is generous
 * enough for a busy machine.
 */
const WIND_DOWN_ROOM_MS = 10_000;

/** How much of the trickled head a pasted command sends before it holds on. */
const TRICKLE_SHOWN_BYTES = 20;

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

/** How long the first client of a pasted command holds on (longer than any wait of the probe's). */
const COMMAND_HOLD_MS = 10_000;

/**
 * Connects a second client, asks for `/second`, and times its answer from
 * before the connect, waiting at most `boundMs`. With `firstLetGo`, it must
 * also come while the first still holds the server (`firstLetGo()` says how
 * the first let go, if it did). `command` sends the same from a shell.
 */
async function secondClient(
  context: CheckContext,
  boundMs: number,
  firstDoes: string,
  command: string,
  firstLetGo?: () => string | undefined | Promise<string | undefined>,
): Promise<Verdict> {
  const started = performance.now();
  const conn = await context.connect();
  const sent = secondClientSent(firstDoes);
  context.sent = sent;
  context.reproduction = command;
  await conn.write(get("/second", context.host));
  const exchange = await conn.readAnswers(1, { withinMs: boundMs });
  const ms = performance.now() - started;
  if (!saysHello(exchange, ["/second"])) {
    return { pass: false, sent, got: describeExchange(exchange), command };
  }
  const how = await firstLetGo?.();
  if (how !== undefined) {
    return { pass: false, sent, got: answeredOnlyOnce(ms, how), command };
  }
  return {
    pass: true,
    sent,
    got: secondAnswered(ms, firstLetGo !== undefined, boundMs),
    note: `answered after ${seconds(ms)}`,
  };
}

/** A first client that asked once and now idles on its keep-alive connection; or the verdict when it was not even answered. */
async function idleFirst(context: CheckContext): Promise<ProbeConn | Verdict> {
  const first = await context.connect();
  const text = get("/first", context.host);
  const exchange = await ask(context, first, text);
  if (!saysHello(exchange, ["/first"])) {
    return {
      pass: false,
      sent: `${describeRequest(text)} from a first client`,
      got: describeExchange(exchange),
      command: context.command(first),
    };
  }
  return first;
}

/** The time limits of the concurrency checks (smaller in tests). */
export interface ConcurrencyLimits {
  /** How long a second client waits for a non-blocking server. */
  nbSecondMs: number;
  /** How long a second client waits for a blocking server, behind an idle first. */
  blockingSecondMs: number;
}

const LIMITS: ConcurrencyLimits = {
  nbSecondMs: NB_SECOND_CLIENT_MS,
  blockingSecondMs: BLOCKING_SECOND_CLIENT_MS,
};

function idleNeighbour(
  kind: Kind | undefined,
  limits: ConcurrencyLimits,
): Check {
  const nb = kind === "nb";
  const bound = nb ? limits.nbSecondMs : limits.blockingSecondMs;
  return {
    name: "idle-neighbour",
    group: "concurrency",
    title: nb
      ? `a second client is answered within ${
        seconds(bound)
      } while a first idles (keep-alive), before the first is let go`
      : `a second client is answered within ${
        seconds(bound)
      } while a first idles (keep-alive)${
        kind === "blocking"
          ? "; a blocking server may make it wait"
          : "; the bound for any server"
      }`,
    expected: nb
      ? `200 "hello, /second" within ${
        seconds(bound)
      }, while the first is still open`
      : `200 "hello, /second" within ${seconds(bound)}`,
    hint: nb
      ? "a non-blocking server answers a second client while a first is still open (a blocking one may make it wait): does the select loop call handle_connection only for the sockets select says are ready?"
      : "a blocking server serves one client at a time, but must not wait for an idle one for ever: give the client socket a timeout (settimeout) and close it when it runs out",
    needs: [KEEP_ALIVE],
    timeoutMs: bound + WIND_DOWN_ROOM_MS,
    run: async (context) => {
      const first = await idleFirst(context);
      if (!("write" in first)) return first;
      // Watches the first: a server that closes it to serve the second did not serve both.
      if (nb) first.readToEnd(bound + 1000).catch(() => {});
      const command = withFirstClient(
        writer(first.script(), context.host, COMMAND_HOLD_MS),
        context.target.hostname,
        bound,
      );
      return secondClient(
        context,
        bound,
        "idles after GET /first",
        command,
        nb
          ? () =>
            first.ended
              ? letGoBy(first.ended === "reset" ? "reset" : "closed", "first")
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
  /** The shell that writes what this first client writes, for a pasted command. */
  command: string;
  /** True when it reads none of its answers. */
  unread?: boolean;
}

/**
 * A non-blocking check: `holdServer` sets a first client going; meanwhile a
 * second client must be answered, before the first lets go.
 */
function whileFirst(
  name: string,
  firstDoes: string,
  hint: string,
  needs: string[],
  boundMs: number,
  holdServer: (context: CheckContext) => Promise<Holder>,
): Check {
  return {
    name,
    group: "concurrency",
    title: `a second client is answered within ${
      seconds(boundMs)
    } while a first ${firstDoes}`,
    expected: `200 "hello, /second" within ${
      seconds(boundMs)
    }, while the first still holds the server`,
    hint,
    needs,
    timeoutMs: boundMs + WIND_DOWN_ROOM_MS,
    run: async (context) => {
      const first = await holdServer(context);
      await delay(HEAD_START_MS);
      await first.holding?.();
      const verdict = await secondClient(
        context,
        boundMs,
        firstDoes,
        withFirstClient(
          first.command,
          context.target.hostname,
          boundMs,
          first.unread,
        ),
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
    letGo ??= stop ? undefined : letGoBy("sent", "first");
  })();
  return {
    // In a shell: the head's first bytes, then nothing for a while (a trickle at its slowest).
    command: writer(
      [{ write: latin1(head.subarray(0, TRICKLE_SHOWN_BYTES)) }],
      context.host,
      COMMAND_HOLD_MS,
    ),
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
      letGo ??= letGoBy("closed", "flooding");
    }
  });
  return {
    command: `{ for i in $(seq ${Math.ceil(FLOOD_BYTES / one.length)}); do ${
      printfOf(one, context.host)
    }; done; sleep ${COMMAND_HOLD_MS / 1000}; }`,
    unread: true,
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
        ? letGoBy(end, "flooding")
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
export function concurrencyChecks(
  kind: Kind | undefined,
  limits: ConcurrencyLimits = LIMITS,
): Check[] {
  if (kind === "blocking") return [idleNeighbour(kind, limits)];
  const skip = nbOnly(kind);
  const nbChecks = [
    whileFirst(
      "trickling-neighbour",
      `trickles its head a byte every ${TRICKLE_GAP_MS} ms`,
      "a client that sends its head a byte at a time must not hold the others: read once per call of handle_connection, and return while the head is not all there, so that the loop serves the rest",
      [HEAD_IN_PIECES],
      limits.nbSecondMs,
      trickle,
    ),
    whileFirst(
      "flooding-neighbour",
      "pipelines 1 MiB of requests and reads none of the answers",
      "a client that sends and never reads must not hold the others: send what the socket takes, keep the rest in stuff, and read no more from a client whose answers are waiting",
      ["framing.pipelined"],
      limits.nbSecondMs,
      flood,
    ),
  ];
  return [
    idleNeighbour(kind, limits),
    ...nbChecks.map((check) => (skip ? { ...check, skip } : check)),
  ];
}
