/**
 * No silent failure: whatever throws inside a call of the engine (the app,
 * its response, the access-log hook, the trace hook, a custom speed layer), and
 * inside `handleTimeout` or `refuseConnection`, gets the client the answer
 * still possible, reaches `onError` as the very error thrown, and leaves the
 * engine serving the next connection. And the access log's durations are
 * right on every path, pinned by an injected clock.
 */

import assert from "node:assert/strict";
import {
  type AccessLogEntry,
  type ConnectionOptions,
  type ConnectionState,
  createConnectionHandler,
  type ErrorHook,
  handleTimeout,
  helloApp,
  type HttpRequest,
  type HttpResponse,
  newConnectionState,
  plainSeams,
  refuseConnection,
  type Socket,
  type SpeedLayer,
} from "../mod.ts";
import { fromLatin1 } from "../wire/bytes.ts";
import { latin1 } from "../http/byte_classes.ts";
import { headerValue, readResponses } from "../wire/response_parser.ts";
import { ScriptedSocket } from "../testing/scripted_socket.ts";
import { delay } from "../wire/timers.ts";

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;

/** The error every case throws, and the app that throws it for `/boom`. */
const boom = new Error("boom");
const throwBoom = (): never => {
  throw boom;
};
const boomApp = (request: HttpRequest): HttpResponse => {
  if (request.path === "/boom") throw boom;
  return helloApp(request);
};

/** A speed layer that does everything the plain way except where the case makes it throw. */
function throwingMemo(
  part: "headReader" | "writeResponse" | "app",
): SpeedLayer {
  return (app) => {
    const plain = plainSeams(app);
    return {
      headReader: part === "headReader"
        ? {
          read(input, slot, limits) {
            const next = latin1(input.bytes, input.start, input.end);
            if (next.startsWith("GET /boom")) {
              throw boom;
            }
            return plain.headReader.read(input, slot, limits);
          },
        }
        : plain.headReader,
      writeResponse: part === "writeResponse"
        ? (out, response, connection, headOnly) => {
          if (String(response.body).includes("/boom")) throw boom;
          return plain.writeResponse(out, response, connection, headOnly);
        }
        : plain.writeResponse,
      app: part === "app" ? boomApp : plain.app,
    };
  };
}

/** The parts of a custom memo that throw, one case each. */
const MEMO_PARTS = [
  ["headReader", "a custom speed layer's head reader"],
  ["writeResponse", "a custom speed layer's response writer"],
  ["app", "the app a custom speed layer hands the engine"],
] as const;

interface FailureCase {
  /** What throws. */
  seam: string;
  /** The handler's app, and its memo if any. */
  app?: (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;
  memo?: SpeedLayer;
  /** The connection's hooks. */
  options?: ConnectionOptions;
  /** What the client sends. */
  request: string;
  /** The statuses the client receives, in order; the connection closes after them. */
  statuses: number[];
  /** What `onError` gets: `boom` itself unless an error of this class is named. */
  error?: typeof TypeError;
}

const CASES: FailureCase[] = [
  {
    seam: "the app",
    app: boomApp,
    request: get("/ok") + get("/boom") + get("/never"),
    statuses: [200, 500],
  },
  {
    seam: "the app's promise",
    app: async (request) => {
      await delay(1);
      return boomApp(request);
    },
    request: get("/ok") + get("/boom"),
    statuses: [200, 500],
  },
  {
    seam: "the app's response (malformed)",
    app: (request) =>
      request.path === "/boom"
        ? { status: 99, body: "" }
        : { status: 200, body: "" },
    request: get("/boom"),
    statuses: [500],
    error: TypeError,
  },
  {
    seam: "the access-log hook",
    options: { onResponse: throwBoom },
    // The response was committed before the hook ran: it is sent, then the connection closes.
    request: get("/a") + get("/never"),
    statuses: [200],
  },
  {
    seam: "the access-log hook, on a 400",
    options: { onResponse: throwBoom },
    request: "GET /a HTTP/1.1\r\nBad Header\r\n\r\n",
    statuses: [400],
  },
  {
    seam: "the trace hook",
    options: { onCall: throwBoom },
    request: get("/a") + get("/b"),
    statuses: [200, 200],
  },
  ...MEMO_PARTS.map(([part, seam]): FailureCase => ({
    seam,
    app: helloApp,
    memo: throwingMemo(part),
    request: get("/ok") + get("/boom"),
    statuses: [200, 500],
  })),
];

/** The statuses in `text`, and whether the last carries `Connection: close`. */
function statusesOf(text: string): { statuses: number[]; lastClose: boolean } {
  const responses = readResponses(text);
  const last = responses.at(-1);
  return {
    statuses: responses.map((r) => r.status),
    lastClose: last !== undefined &&
      headerValue(last, "connection") === "close",
  };
}

for (const c of CASES) {
  Deno.test(`handleConnection answers what it still can when ${c.seam} fails, tells onError, and serves the next connection`, async () => {
    const seen: unknown[] = [];
    const handler = createConnectionHandler(c.app ?? boomApp, {
      memo: c.memo,
      onError: (error) => seen.push(error),
    });
    const socket = new ScriptedSocket([fromLatin1(c.request)]);
    let state: ConnectionState = newConnectionState(c.options);
    let close = false;
    for (let calls = 0; !close && calls < 10; calls++) {
      [close, state] = await handler(socket, state);
    }
    assert.ok(close, "the connection was never closed");
    assert.ok(!socket.ended, "the server waited for the client to end");
    const { statuses, lastClose } = statusesOf(socket.text);
    assert.deepEqual(statuses, c.statuses);
    if (statuses.at(-1) === 500) assert.ok(lastClose, "500 without close");
    assert.equal(seen.length, 1, `onError got ${seen.length} errors`);
    if (c.error === undefined) assert.equal(seen[0], boom);
    else assert.ok(seen[0] instanceof c.error, String(seen[0]));

    const next = new ScriptedSocket([fromLatin1(get("/next"))]);
    await handler(next);
    assert.deepEqual(statusesOf(next.text).statuses, [200]);
  });
}

/** The last answers a server makes outside a call: the 408 of a timeout (after a partial request) and the 503 of a refusal. */
const LAST_ANSWERS: [
  string,
  number,
  string,
  (socket: Socket, state: ConnectionState, onError: ErrorHook) => Promise<void>,
][] = [
  ["handleTimeout", 408, "GET /slow HTTP/1.1\r\nHo", handleTimeout],
  ["refuseConnection", 503, "", refuseConnection],
];

for (const [name, status, partial, answer] of LAST_ANSWERS) {
  Deno.test(`${name} sends its ${status} when the access-log hook fails, and tells onError`, async () => {
    const seen: unknown[] = [];
    const socket = new ScriptedSocket([fromLatin1(partial)]);
    let state = newConnectionState({ onResponse: throwBoom });
    if (partial !== "") {
      [, state] = await createConnectionHandler(helloApp)(socket, state);
    }
    await answer(socket, state, (error) => seen.push(error));
    assert.deepEqual(statusesOf(socket.text), {
      statuses: [status],
      lastClose: true,
    });
    assert.deepEqual(seen, [boom]);
  });
}

/** What a server does at a time: a call of the handler, a timeout, a refusal. */
type Step = [at: number, does: "call" | "timeout" | "refuse"];

/** A case: its name, what the client sends read by read, what the server does when (the connection is accepted at 1000), and the entries logged (status, duration). */
type DurationCase = [string, string[], Step[], [number, number][]];

/** A request that arrives at 1000 and ends at 1250. */
const TWO_CALLS: Step[] = [[1000, "call"], [1250, "call"]];
const PARTIAL = "GET /a HTTP/1.1\r\n";

const DURATION_CASES: DurationCase[] = [
  [
    "a 200 whose head came in two reads, from its first byte",
    [PARTIAL, "Host: h\r\n\r\n"],
    TWO_CALLS,
    [[200, 250]],
  ],
  [
    "a 400 for a bad field line, from the request's first byte",
    [PARTIAL, "Bad Header\r\n\r\n"],
    TWO_CALLS,
    [[
      400,
      250,
    ]],
  ],
  [
    "a 400 for a stream that ends mid-request, from its first byte",
    [PARTIAL],
    TWO_CALLS,
    [[
      400,
      250,
    ]],
  ],
  ["a 408, from the partial request's first byte", [PARTIAL], [[1000, "call"], [
    1250,
    "timeout",
  ]], [[408, 250]]],
  [
    "a 413, from the request's first byte",
    [PARTIAL, "Host: h\r\nContent-Length: 99999999999999999\r\n\r\n"],
    TWO_CALLS,
    [[413, 250]],
  ],
  [
    "a 500, from the request's first byte",
    ["GET /boom HTTP/1.1\r\n", "Host: h\r\n\r\n"],
    TWO_CALLS,
    [[
      500,
      250,
    ]],
  ],
  ["a 503, from the connection's acceptance", [], [[1250, "refuse"]], [[
    503,
    250,
  ]]],
  [
    "a pipelined request from the read that brought its first byte",
    [PARTIAL, "Host: h\r\n\r\nGET /b HTTP/1.1\r\n", "Host: h\r\n\r\n"],
    [...TWO_CALLS, [1300, "call"]],
    [[200, 250], [200, 50]],
  ],
];

for (const [name, chunks, steps, logged] of DURATION_CASES) {
  Deno.test(`the access log times ${name} to its answer (injected clock)`, async () => {
    const handler = createConnectionHandler(boomApp, { onError: () => {} });
    const clock = { t: 1000 };
    const entries: AccessLogEntry[] = [];
    const state = newConnectionState({
      onResponse: (entry) => entries.push(entry),
      now: () => clock.t,
    });
    const socket = new ScriptedSocket(chunks.map(fromLatin1));
    for (const [at, does] of steps) {
      clock.t = at;
      if (does === "call") await handler(socket, state);
      else if (does === "timeout") await handleTimeout(socket, state);
      else await refuseConnection(socket, state);
    }
    assert.deepEqual(entries.map((e) => [e.status, e.durationMs]), logged);
  });
}

Deno.test("the access log times an async app's answers when they come: the clock is read again after the wait (injected clock)", async () => {
  const clock = { t: 1000 };
  const waiting: PromiseWithResolvers<HttpResponse>[] = [];
  const handler = createConnectionHandler(() => {
    const answer = Promise.withResolvers<HttpResponse>();
    waiting.push(answer);
    return answer.promise;
  }, { onError: () => {} });
  const entries: AccessLogEntry[] = [];
  const state = newConnectionState({
    onResponse: (entry) => entries.push(entry),
    now: () => clock.t,
  });
  // Both requests arrive in the read at 1000.
  const socket = new ScriptedSocket([fromLatin1(get("/slow") + get("/fails"))]);
  const call = handler(socket, state);
  const asked = async (count: number) => {
    while (waiting.length < count) await delay(1);
  };
  await asked(1);
  clock.t = 1400;
  waiting[0].resolve({ status: 200, body: "late" });
  await asked(2);
  clock.t = 1700;
  waiting[1].reject(new Error("later still"));
  await call;
  assert.deepEqual(entries.map((e) => [e.status, e.durationMs]), [
    [200, 400],
    [500, 700],
  ]);
});
