/**
 * The one-line verdict per server: how long the ordinary clients took, and
 * whom the slowest of them waited behind.
 *
 * "Behind whom" comes from the measured events alone. While the slowest
 * ordinary client waited, other clients' connections ended one after another;
 * the stretch of its wait that ends with one of them is put down to that
 * client, on the model of a server that serves one connection at a time and
 * takes the next only when the current one ends:
 *
 * ```text
 * slowest ordinary  sent ..................................... answered
 * idle              ~~~~~~~~~~~~~~~ ended (timeout)
 * trickling         ------------------------------------ ended (408)
 *                   |<-behind idle->|<-- behind trickling -->|
 * ```
 *
 * A client's connection counts as ended at its answer when that answer said
 * `Connection: close` (the server was done with it then), otherwise when the
 * server or the client closed it. A server that serves everyone at once answers before anyone ends, so no
 * one is named. Stretches shorter than {@link NAMED_HOLD_MS} are not named:
 * at that scale it is scheduling, not a client holding the server.
 *
 * @module
 */

import type { ClientRecord, ClientRole, CrowdRun } from "./crowd.ts";

/** The shortest stretch of waiting that the summary puts down to a client. */
export const NAMED_HOLD_MS = 50;

/** A stretch of the slowest ordinary client's wait, put down to the clients of one role. */
export interface Hold {
  /** The role of the clients whose ends closed the stretch. */
  readonly role: ClientRole;
  /** How many clients of that role. */
  readonly clients: number;
  /** Its length. */
  readonly ms: number;
}

/** What the summary line says, as numbers. */
export interface CrowdSummary {
  /** Ordinary clients in the crowd. */
  readonly ordinary: number;
  /** How many of them got an answer. */
  readonly answered: number;
  /** From the ordinary clients' start to the last of their answers; absent when none was answered. */
  readonly answeredAfterMs?: number;
  /** The run's length, for "no answer within ...". */
  readonly durationMs: number;
  /** The ordinary client answered last, and whom it waited behind. */
  readonly slowest?: {
    readonly name: string;
    /** From its request sent to its answer. */
    readonly waitedMs: number;
    /** In the order they happened; only stretches of at least {@link NAMED_HOLD_MS}. */
    readonly behind: readonly Hold[];
  };
}

/** Summarizes one run of the crowd. */
export function summarize(run: CrowdRun): CrowdSummary {
  const ordinary = run.clients.filter((client) => client.role === "ordinary");
  const answered = ordinary.filter((client) => client.answeredAt !== undefined);
  const base = {
    ordinary: ordinary.length,
    answered: answered.length,
    durationMs: run.durationMs,
  };
  if (answered.length === 0) return base;
  const slowest = answered.reduce((a, b) =>
    b.answeredAt! > a.answeredAt! ? b : a
  );
  const startedAt = Math.min(...ordinary.map((client) => client.startedAt));
  const waitFrom = slowest.sentAt ?? slowest.connectedAt ?? slowest.startedAt;
  return {
    ...base,
    answeredAfterMs: slowest.answeredAt! - startedAt,
    slowest: {
      name: slowest.name,
      waitedMs: slowest.answeredAt! - waitFrom,
      behind: holdsBehind(slowest, run.clients, waitFrom),
    },
  };
}

/** Splits `waiter`'s wait at the ends of the other connections within it. */
function holdsBehind(
  waiter: ClientRecord,
  clients: readonly ClientRecord[],
  waitFrom: number,
): Hold[] {
  const waitTo = waiter.answeredAt!;
  const ends = clients
    .filter((client) =>
      client !== waiter && client.end !== "demo" && client.end !== "refused"
    )
    .map((client) => ({ role: client.role, at: releasedAt(client) }))
    .filter((end) => end.at > waitFrom && end.at <= waitTo)
    .sort((a, b) => a.at - b.at);
  const holds: { role: ClientRole; clients: number; ms: number }[] = [];
  let from = waitFrom;
  for (const end of ends) {
    const last = holds[holds.length - 1];
    if (last?.role === end.role) {
      last.clients++;
      last.ms += end.at - from;
    } else {
      holds.push({ role: end.role, clients: 1, ms: end.at - from });
    }
    from = end.at;
  }
  return holds.filter((hold) => hold.ms >= NAMED_HOLD_MS);
}

/** When the server was done with `client`'s connection, as far as the client can tell. */
function releasedAt(client: ClientRecord): number {
  return client.answerSaysClose && client.answeredAt !== undefined
    ? client.answeredAt
    : client.endedAt;
}

/** `9 ms` below a tenth of a second, then `0.5 s`, `2.1 s`. */
export function formatDuration(ms: number): string {
  return ms < 100 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function whom(hold: Hold): string {
  switch (hold.role) {
    case "idle":
      return hold.clients === 1
        ? "the idle client"
        : `${hold.clients} idle clients`;
    case "trickling":
      return hold.clients === 1
        ? "the trickling client"
        : `${hold.clients} trickling clients`;
    case "ordinary":
      return hold.clients === 1
        ? "another ordinary client"
        : `${hold.clients} other ordinary clients`;
  }
}

/**
 * The summary line, e.g. `webserve (blocking): 8 ordinary clients answered
 * after 2.0 s, the slowest waited 0.9 s behind the idle client, then 1.0 s
 * behind the trickling client`.
 */
export function summaryLine(label: string, summary: CrowdSummary): string {
  const { ordinary, answered } = summary;
  if (answered === 0) {
    return `${label}: none of the ${ordinary} ordinary clients was answered within ${
      formatDuration(summary.durationMs)
    }`;
  }
  const who = answered === ordinary
    ? `${ordinary} ordinary client${ordinary === 1 ? "" : "s"}`
    : `${answered} of ${ordinary} ordinary clients`;
  let line = `${label}: ${who} answered after ${
    formatDuration(summary.answeredAfterMs!)
  }`;
  const behind = summary.slowest?.behind ?? [];
  if (behind.length > 0) {
    line += `, the slowest waited ` +
      behind.map((hold) => `${formatDuration(hold.ms)} behind ${whom(hold)}`)
        .join(", then ");
  }
  if (answered < ordinary) {
    line += `; ${ordinary - answered} got no answer within ${
      formatDuration(summary.durationMs)
    }`;
  }
  return line;
}
