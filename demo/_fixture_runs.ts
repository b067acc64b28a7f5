/**
 * Two runs of the crowd, written out by hand in the shape of real ones, for
 * the demo's unit tests: what the blocking and the non-blocking server did
 * with the idle, the trickling and eight ordinary clients.
 *
 * @module
 */

import type { ClientRecord, CrowdRun } from "./crowd.ts";

/** An ordinary client that connected at 107 ms and was answered at `answeredAt`. */
function ordinary(n: number, answeredAt: number): ClientRecord {
  return {
    name: `ordinary ${n}`,
    role: "ordinary",
    startedAt: 106,
    connectedAt: 107,
    sentAt: 108,
    bytesSent: 76,
    requestBytes: 76,
    answeredAt,
    status: 200,
    answerSaysClose: false,
    endedAt: answeredAt,
    end: "client",
  };
}

const IDLE: ClientRecord = {
  name: "idle",
  role: "idle",
  startedAt: 0,
  connectedAt: 1,
  sentAt: 1,
  bytesSent: 70,
  requestBytes: 70,
  answeredAt: 4,
  status: 200,
  answerSaysClose: false,
  endedAt: 1008,
  end: "server",
};

const TRICKLING: ClientRecord = {
  name: "trickling",
  role: "trickling",
  startedAt: 5,
  connectedAt: 6,
  bytesSent: 57,
  requestBytes: 288,
  answeredAt: 2009,
  status: 408,
  answerSaysClose: true,
  endedAt: 2010,
  end: "server",
};

/**
 * The blocking server: the idle client held it until its idle timeout
 * (1008 ms), the trickling one until its head deadline (408 at 2009 ms),
 * then the ordinary ones were answered one by one. The first of them was
 * seen answered before the trickling client's end of stream, as happens when
 * both arrive together.
 */
export const BLOCKING_RUN: CrowdRun = {
  durationMs: 2018,
  clients: [
    IDLE,
    TRICKLING,
    ordinary(1, 2009.5),
    ...[2, 3, 4, 5, 6, 7, 8].map((n) => ordinary(n, 2010 + n)),
  ],
};

/** The non-blocking server: every ordinary client answered at once; the idle and trickling ones still open at the end. */
export const NON_BLOCKING_RUN: CrowdRun = {
  durationMs: 2030,
  clients: [
    { ...IDLE, answeredAt: 6, endedAt: 2030, end: "demo" },
    {
      ...TRICKLING,
      bytesSent: 55,
      answeredAt: undefined,
      status: undefined,
      answerSaysClose: undefined,
      endedAt: 2030,
      end: "demo",
    },
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ordinary(n, 109 + n * 0.5)),
  ],
};
