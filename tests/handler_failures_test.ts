/**
 * No silent failure: whatever throws inside a call of the engine (the app,
 * its response, the access-log hook, the trace hook, a custom `Memo`), and
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
  handleTimeout,
  helloApp,
  type HttpRequest,
  type HttpResponse,
  type Memo,
  newConnectionState,
  refuseConnection,
} from "../handler.ts";
import { NO_MEMO } from "../http/memo.ts";
import { fromLatin1 } from "../testing/bytes.ts";
import { latin1 } from "../http/byte_classes.ts";
import { headerValue, readResponses } from "../testing/response_parser.ts";
import { ScriptedSocket } from "../testing/scripted_socket.ts";
import { delay } from "../server/timers.ts";

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;

/** The error every case throws, and the app that throws it for `/boom`. */
const boom = new Error("boom");
const boomApp = (request: HttpRequest): HttpResponse => {
  if (request.path === "/boom") throw boom;
  return helloApp(request);
};

/** A memo that does everything the plain way except where the case makes it throw. */
function throwingMemo(part: "headReader" | "writeResponse" | "app"): Memo {
  return {
    ...NO_MEMO,
    headReader: part === "headReader"
      ? {
        read(input, slot, limits) {
          if (latin1(input.bytes, input.start, input.end).includes("/boom")) {
            throw boom;
          }
          return NO_MEMO.headReader.read(input, slot, limits);
        },
      }
      : NO_MEMO.headReader,
    writeResponse: part === "writeResponse"
      ? (out, response, connection, headOnly) => {
        if (String(response.body).includes("/boom")) throw boom;
        return NO_MEMO.writeResponse(out, response, connection, headOnly);
      }
      : NO_MEMO.writeResponse,
    app: part === "app" ? () => boomApp : NO_MEMO.app,
  };
}

interface FailureCase {
  /** What throws. */
  seam: string;
  /** The handler's app, and its memo if any. */
  app?: (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;
  memo?: Memo;
  /** The connection's hooks. */
  options?: ConnectionOptions;
  /** What the client sends. */
  request: string;
  /** The statuses the client receives, in order; the connection closes after them. */
  statuses: number[];
  /** Whether `onError` gets `boom` itself (otherwise an error of this class). */
  error: Error | typeof TypeError;
}

const CASES: FailureCase[] = [
  {
    seam: "the app",
    app: boomApp,
    request: get("/ok") + get("/boom") + get("/never"),
    statuses: [200, 500],
    error: boom,
  },
  {
    seam: "the app's promise",
    app: async (request) => {
      await delay(1);
      return boomApp(request);
    },
    request: get("/ok") + get("/boom"),
    statuses: [200, 500],
    error: boom,
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
    options: {
      onResponse: () => {
        throw boom;
      },
    },
    // The response was committed before the hook ran: it is sent, then the connection closes.
    request: get("/a") + get("/never"),
    statuses: [200],
    error: boom,
  },
  {
    seam: "the access-log hook, on a 400",
    options: {
      onResponse: () => {
        throw boom;
      },
    },
    request: "GET /a HTTP/1.1\r\nBad Header\r\n\r\n",
    statuses: [400],
    error: boom,
  },
  {
    seam: "the trace hook",
    options: {
      onCall: () => {
        throw boom;
      },
    },
    request: get("/a") + get("/b"),
    statuses: [200, 200],
    error: boom,
  },
  {
    seam: "a custom Memo's head reader",
    app: helloApp,
    memo: throwingMemo("headReader"),
    request: get("/boom"),
    statuses: [500],
    error: boom,
  },
  {
    seam: "a custom Memo's response writer",
    app: helloApp,
    memo: throwingMemo("writeResponse"),
    request: get("/ok") + get("/boom"),
    statuses: [200, 500],
    error: boom,
  },
  {
    seam: "the app a custom Memo hands the engine",
    app: helloApp,
    memo: throwingMemo("app"),
    request: get("/boom"),
    statuses: [500],
    error: boom,
  },
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
  Deno.test(`handleConnection answers what it still can when ${c.seam} throws, tells onError, and serves the next connection`, async () => {
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
    if (c.error instanceof Error) assert.equal(seen[0], c.error);
    else assert.ok(seen[0] instanceof c.error, String(seen[0]));

    const next = new ScriptedSocket([fromLatin1(get("/next"))]);
    await handler(next);
    assert.deepEqual(statusesOf(next.text).statuses, [200]);
  });
}

Deno.test("handleTimeout sends its 408 when the access-log hook throws, and tells onError", async () => {
  const seen: unknown[] = [];
  const socket = new ScriptedSocket([fromLatin1("GET /slow HTTP/1.1\r\nHo")]);
  const handler = createConnectionHandler(helloApp);
  const [, state] = await handler(
    socket,
    newConnectionState({
      onResponse: () => {
        throw boom;
      },
    }),
  );
  await handleTimeout(socket, state, (error) => seen.push(error));
  assert.deepEqual(statusesOf(socket.text), {
    statuses: [408],
    lastClose: true,
  });
  assert.deepEqual(seen, [boom]);
});

Deno.test("refuseConnection sends its 503 when the access-log hook throws, and tells onError", async () => {
  const seen: unknown[] = [];
  const socket = new ScriptedSocket([]);
  const state = newConnectionState({
    onResponse: () => {
      throw boom;
    },
  });
  await refuseConnection(socket, state, (error) => seen.push(error));
  assert.deepEqual(statusesOf(socket.text), {
    statuses: [503],
    lastClose: true,
  });
  assert.deepEqual(seen, [boom]);
});

/** A clock the test sets, and a connection logging through it. */
function clocked() {
  const clock = { t: 0 };
  const entries: AccessLogEntry[] = [];
  const state = newConnectionState({
    onResponse: (entry) => entries.push(entry),
    now: () => clock.t,
  });
  return { clock, entries, state };
}

const DURATION_CASES: [string, string, string, number][] = [
  ["200", "GET /a HTTP/1.1\r\nHo", "st: h\r\n\r\n", 200],
  ["400 (a bad field line)", "GET /a HTTP/1.1\r\n", "Bad Header\r\n\r\n", 400],
  [
    "413",
    "POST /a HTTP/1.1\r\nHost: h\r\n",
    "Content-Length: 99999999999999999\r\n\r\n",
    413,
  ],
  ["500", "GET /boom HTTP/1.1\r\n", "Host: h\r\n\r\n", 500],
];

Deno.test("the access log's durations run from a request's first byte to its answer, on every path (injected clock)", async () => {
  const handler = createConnectionHandler(boomApp, { onError: () => {} });
  for (const [name, first, second, status] of DURATION_CASES) {
    const { clock, entries, state } = clocked();
    const socket = new ScriptedSocket([fromLatin1(first), fromLatin1(second)]);
    clock.t = 1000;
    await handler(socket, state);
    clock.t = 1250;
    await handler(socket, state);
    assert.deepEqual(
      entries.map((e) => [e.status, e.durationMs]),
      [[status, 250]],
      name,
    );
  }

  // 400: the stream ends mid-request.
  {
    const { clock, entries, state } = clocked();
    const socket = new ScriptedSocket([fromLatin1("GET /a HTTP/1.1\r\n")]);
    clock.t = 1000;
    await handler(socket, state);
    clock.t = 1250;
    await handler(socket, state);
    assert.deepEqual(entries.map((e) => [e.status, e.durationMs]), [[
      400,
      250,
    ]]);
  }

  // 408: the server's timer gives up on a partial request.
  {
    const { clock, entries, state } = clocked();
    const socket = new ScriptedSocket([fromLatin1("GET /a HTTP/1.1\r\n")]);
    clock.t = 1000;
    await handler(socket, state);
    clock.t = 1250;
    await handleTimeout(socket, state);
    assert.deepEqual(entries.map((e) => [e.status, e.durationMs]), [[
      408,
      250,
    ]]);
  }

  // 503: refused over the cap, from its acceptance to its answer.
  {
    const { clock, entries } = clocked();
    clock.t = 1000;
    const state = newConnectionState({
      onResponse: (entry) => entries.push(entry),
      now: () => clock.t,
    });
    clock.t = 1250;
    await refuseConnection(new ScriptedSocket([]), state);
    assert.deepEqual(entries.map((e) => [e.status, e.durationMs]), [[
      503,
      250,
    ]]);
  }

  // Pipelined: the second request's first byte came with the first's last.
  {
    const { clock, entries, state } = clocked();
    const socket = new ScriptedSocket([
      fromLatin1("GET /a HTTP/1.1\r\n"),
      fromLatin1("Host: h\r\n\r\nGET /b HTTP/1.1\r\n"),
      fromLatin1("Host: h\r\n\r\n"),
    ]);
    clock.t = 1000;
    await handler(socket, state);
    clock.t = 1250;
    await handler(socket, state);
    clock.t = 1300;
    await handler(socket, state);
    assert.deepEqual(entries.map((e) => [e.target, e.durationMs]), [
      ["/a", 250],
      ["/b", 50],
    ]);
  }
});
