import assert from "node:assert/strict";
import { BLOCKING_RUN, NON_BLOCKING_RUN } from "./_fixture_runs.ts";
import type { ClientRecord, CrowdRun } from "./crowd.ts";
import {
  formatDuration,
  NAMED_HOLD_MS,
  summarize,
  summaryLine,
} from "./summary.ts";

Deno.test("summaryLine says whom the blocking server's slowest ordinary client waited behind, in order", () => {
  assert.equal(
    summaryLine("webserve (blocking)", summarize(BLOCKING_RUN)),
    "webserve (blocking): 8 ordinary clients answered after 1.9 s, " +
      "the slowest waited 0.9 s behind the idle client, then 1.0 s behind the trickling client",
  );
});

Deno.test("summarize puts each stretch of the wait down to the client whose end closed it", () => {
  const summary = summarize(BLOCKING_RUN);
  assert.equal(summary.answered, 8);
  assert.equal(summary.answeredAfterMs, 2018 - 106);
  assert.equal(summary.slowest?.name, "ordinary 8");
  assert.equal(summary.slowest?.waitedMs, 2018 - 108);
  // Sent at 108; the idle client ended at 1008; the trickling one's 408
  // (Connection: close) at 2009, though its end of stream was seen at 2010,
  // after ordinary 1's answer: the 408 is when the server was done with it.
  assert.deepEqual(summary.slowest?.behind, [
    { role: "idle", clients: 1, ms: 900 },
    { role: "trickling", clients: 1, ms: 1001 },
  ]);
});

Deno.test("summaryLine names no one when the ordinary clients were answered before anyone ended", () => {
  assert.equal(
    summaryLine("webserve_nb (non-blocking)", summarize(NON_BLOCKING_RUN)),
    "webserve_nb (non-blocking): 8 ordinary clients answered after 7 ms",
  );
});

Deno.test("summarize names the other ordinary clients only when they held the slowest one long enough", () => {
  // A blocking server whose ordinary clients each take 100 ms.
  const slow: CrowdRun = {
    ...BLOCKING_RUN,
    clients: BLOCKING_RUN.clients.map((client, index) =>
      client.role === "ordinary"
        ? {
          ...client,
          answeredAt: 2009 + (index - 1) * 100,
          endedAt: 2009 + (index - 1) * 100,
        }
        : client
    ),
  };
  assert.deepEqual(summarize(slow).slowest?.behind.at(-1), {
    role: "ordinary",
    clients: 7,
    ms: 700,
  });
  assert.match(
    summaryLine("b", summarize(slow)),
    /, then 0\.7 s behind 7 other ordinary clients$/,
  );
  // Stretches under NAMED_HOLD_MS are scheduling: the fixture's 1 ms steps are not named.
  assert.ok(
    summarize(BLOCKING_RUN).slowest!.behind.every((hold) =>
      hold.ms >= NAMED_HOLD_MS
    ),
  );
});

Deno.test("summaryLine says how many got no answer, or that none did", () => {
  const unanswered = (client: ClientRecord): ClientRecord => ({
    ...client,
    answeredAt: undefined,
    status: undefined,
    endedAt: 8000,
    end: "demo",
  });
  const some: CrowdRun = {
    durationMs: 8000,
    clients: BLOCKING_RUN.clients.map((client, index) =>
      index >= 8 ? unanswered(client) : client
    ),
  };
  assert.equal(
    summaryLine("b", summarize(some)),
    "b: 6 of 8 ordinary clients answered after 1.9 s, the slowest waited 0.9 s behind the idle client, " +
      "then 1.0 s behind the trickling client; 2 got no answer within 8.0 s",
  );
  const none: CrowdRun = {
    durationMs: 8000,
    clients: BLOCKING_RUN.clients.map((client) =>
      client.role === "ordinary" ? unanswered(client) : client
    ),
  };
  assert.equal(
    summaryLine("b", summarize(none)),
    "b: none of the 8 ordinary clients was answered within 8.0 s",
  );
});

Deno.test("formatDuration gives milliseconds below a tenth of a second, then seconds", () => {
  assert.equal(formatDuration(9.4), "9 ms");
  assert.equal(formatDuration(99), "99 ms");
  assert.equal(formatDuration(450), "0.5 s");
  assert.equal(formatDuration(2049), "2.0 s");
});
