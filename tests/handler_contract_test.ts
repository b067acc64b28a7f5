/**
 * handleConnection's contract beyond single requests: one read per call, one
 * write per batch, short writes, interim responses, failing apps and
 * sockets, bounded memory, and the hooks the servers use.
 */

import assert from "node:assert/strict";
import {
  type AccessLogEntry,
  closeAfterResponse,
  connectionPhase,
  createConnectionHandler,
  handleConnection,
  handleTimeout,
  helloApp,
  type HttpRequest,
  type HttpResponse,
  memoFor,
  newConnectionState,
  refuseConnection,
} from "../mod.ts";
import { fromLatin1 } from "../wire/bytes.ts";
import { runDeno } from "../testing/commands.ts";
import {
  bodyText,
  headerValue,
  readResponses,
} from "../wire/response_parser.ts";
import { ScriptedSocket } from "../testing/scripted_socket.ts";
import { serveChunks } from "../testing/session.ts";
import { delay } from "../wire/timers.ts";

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;

Deno.test("handleConnection writes the responses to one read's requests in one write", async () => {
  const result = await serveChunks([
    fromLatin1(get("/a") + get("/b") + get("/c")),
  ]);
  assert.equal(readResponses(result.output).length, 3);
  assert.equal(result.socket.writes, 1);
});

Deno.test("handleConnection finishes short writes itself", async () => {
  const request = fromLatin1(get("/a") + get("/b"));
  const whole = await serveChunks([request]);
  const short = await serveChunks([request], { maxWrite: 7 });
  assert.equal(short.output, whole.output);
  assert.ok(short.socket.writes > 10);
});

Deno.test("handleConnection sends 100 Continue when the body has not arrived", async () => {
  const head =
    "POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
  const result = await serveChunks([fromLatin1(head), fromLatin1("abcd")]);
  assert.match(
    result.output,
    /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/,
  );
  assert.equal(bodyText(readResponses(result.output)[1]), "hello, /up");
});

Deno.test("handleConnection skips 100 Continue when the body came with the head", async () => {
  const request =
    "POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nabcd";
  const result = await serveChunks([fromLatin1(request)]);
  assert.deepEqual(readResponses(result.output).map((r) => r.status), [200]);
});

Deno.test("handleConnection ignores Expect on HTTP/1.0", async () => {
  const request =
    "POST /old HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n";
  const result = await serveChunks([fromLatin1(request), fromLatin1("x")]);
  assert.deepEqual(readResponses(result.output).map((r) => r.status), [200]);
});

/** Errors an `onError` hook was given, with the request's target. */
function errorHook() {
  const seen: [unknown, string | undefined][] = [];
  const onError = (error: unknown, request?: HttpRequest) =>
    seen.push([error, request?.target]);
  return { seen, onError };
}

Deno.test("handleConnection answers 500 and closes when the app throws, and gives the hook the very error", async () => {
  const { seen, onError } = errorHook();
  const boom = new Error("boom");
  const handler = createConnectionHandler((request) => {
    if (request.path === "/boom") throw boom;
    return { status: 200, body: "ok" };
  }, { onError });
  const result = await serveChunks(
    [fromLatin1(get("/ok") + get("/boom") + get("/never"))],
    {},
    handler,
  );
  const responses = readResponses(result.output);
  assert.deepEqual(responses.map((r) => r.status), [200, 500]);
  assert.equal(headerValue(responses[1], "connection"), "close");
  assert.ok(result.closedByServer);
  assert.deepEqual(seen, [[boom, "/boom"]]);
});

Deno.test("handleConnection answers 500 and closes when the app rejects, and gives the hook the reason", async () => {
  const { seen, onError } = errorHook();
  const boom = new RangeError("async boom");
  const handler = createConnectionHandler(async (request) => {
    await delay(1);
    if (request.path === "/boom") throw boom;
    return { status: 200, body: `async ${request.path}` };
  }, { onError });
  const result = await serveChunks(
    [fromLatin1(get("/a") + get("/b") + get("/boom"))],
    {},
    handler,
  );
  const responses = readResponses(result.output);
  assert.deepEqual(responses.map((r) => r.status), [200, 200, 500]);
  assert.deepEqual(responses.slice(0, 2).map(bodyText), [
    "async /a",
    "async /b",
  ]);
  assert.ok(result.closedByServer);
  assert.deepEqual(seen, [[boom, "/boom"]]);
});

Deno.test("handleConnection survives an onError hook that throws", async () => {
  const handler = createConnectionHandler(() => {
    throw new Error("app");
  }, {
    onError: () => {
      throw new Error("hook");
    },
  });
  const result = await serveChunks([fromLatin1(get("/"))], {}, handler);
  assert.deepEqual(readResponses(result.output).map((r) => r.status), [500]);
});

Deno.test("handleConnection's default hook writes the error and its stack to stderr, one line", async () => {
  const script = `
    import { createConnectionHandler } from "./handler.ts";
    import { ScriptedSocket } from "./testing/scripted_socket.ts";
    const handler = createConnectionHandler(function failingApp() {
      throw new TypeError("the app broke");
    });
    const request = new TextEncoder().encode("GET /x?y HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n");
    await handler(new ScriptedSocket([request]));
  `;
  const { code, stderr } = await runDeno(["eval", script]);
  assert.equal(code, 0, stderr);
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, stderr);
  assert.match(
    lines[0],
    /^internal error answering GET \/x\?y: TypeError: the app broke \| at .*failingApp.* \| at answerRequests \(/,
  );
});

Deno.test("every request is the app's own object: an app that writes to its requests answers 1,000 identical pipelined ones", async () => {
  for (const fast of [true, false]) {
    const seen = new Set<object>();
    const app = (request: HttpRequest) => {
      const writable = request as unknown as {
        path: string;
        headers: [string, string][];
      };
      // What an app may do to its own object, on every path alike.
      writable.path = "/changed";
      writable.headers.push(["X-Added", "1"]);
      writable.headers[0][1] = "changed";
      seen.add(request);
      seen.add(request.headers);
      return {
        status: 200,
        body: `${request.target} ${request.headers.length}`,
      };
    };
    const handler = createConnectionHandler(app, {
      memo: fast ? memoFor : undefined,
    });
    const result = await serveChunks(
      [fromLatin1(get("/same").repeat(1000))],
      {},
      handler,
    );
    const bodies = readResponses(result.output).map(bodyText);
    const engine = fast ? "speed layer" : "plain";
    assert.equal(bodies.length, 1000, engine);
    assert.ok(bodies.every((b) => b === "/same 2"), engine);
    assert.equal(seen.size, 2000, "no request or field list is shared");
  }
});

Deno.test("hello answers OPTIONS, on a path or *, with an empty 200 and Allow, and keeps the connection", async () => {
  const result = await serveChunks([
    fromLatin1(
      "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n" +
        "OPTIONS /a HTTP/1.1\r\nHost: h\r\n\r\n" +
        "PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n" +
        get("/after"),
    ),
  ]);
  const responses = readResponses(result.output);
  assert.deepEqual(responses.map((r) => r.status), [200, 200, 405, 200]);
  for (const r of responses.slice(0, 3)) {
    assert.equal(headerValue(r, "allow"), "GET, HEAD, POST, OPTIONS");
    assert.equal(headerValue(r, "connection"), undefined);
  }
  assert.equal(headerValue(responses[0], "content-length"), "0");
  assert.equal(bodyText(responses[3]), "hello, /after");
});

const malformed: Array<[string, HttpResponse]> = [
  ["an informational status", { status: 101, body: "" }],
  ["a fractional status", { status: 200.5, body: "" }],
  ["a body of the wrong type", { status: 200, body: 42 as unknown as string }],
  ["a header that splits the head", {
    status: 200,
    body: "",
    headers: { "X-A": "1\r\nX-B: 2" },
  }],
  ["a header name with a space", {
    status: 200,
    body: "",
    headers: { "X A": "1" },
  }],
  ["a framing header", {
    status: 200,
    body: "",
    headers: { "Content-Length": "0" },
  }],
];
for (const [name, response] of malformed) {
  Deno.test(`handleConnection answers 500 to an app response with ${name}, and reports why`, async () => {
    const { seen, onError } = errorHook();
    const handler = createConnectionHandler(() => response, { onError });
    const result = await serveChunks([fromLatin1(get("/"))], {}, handler);
    assert.deepEqual(readResponses(result.output).map((r) => r.status), [500]);
    assert.ok(result.closedByServer);
    assert.equal(seen.length, 1);
    assert.ok(seen[0][0] instanceof TypeError, String(seen[0][0]));
  });
}

Deno.test("handleConnection sends an app's headers, bytes body and status", async () => {
  const handler = createConnectionHandler(() => ({
    status: 404,
    body: new TextEncoder().encode("n\u00e9"),
    headers: { "Content-Type": "text/x-test", "X-Extra": "yes" },
  }));
  const [response] = readResponses(
    (await serveChunks([fromLatin1(get("/"))], {}, handler)).output,
  );
  assert.equal(response.status, 404);
  assert.equal(headerValue(response, "content-type"), "text/x-test");
  assert.equal(headerValue(response, "x-extra"), "yes");
  assert.equal(headerValue(response, "content-length"), "3");
});

Deno.test("handleConnection counts a string body's length in UTF-8 bytes", async () => {
  const body = "h\u00e9llo \u{1F600} \ud800";
  const handler = createConnectionHandler(() => ({ status: 200, body }));
  const [response] = readResponses(
    (await serveChunks([fromLatin1(get("/"))], {}, handler)).output,
  );
  assert.equal(
    Number(headerValue(response, "content-length")),
    new TextEncoder().encode(body).length,
  );
});

Deno.test("handleConnection resolves to close when the socket fails, never rejecting", async () => {
  const reset = await handleConnection(
    new ScriptedSocket([], { resetAtEnd: true }),
  );
  assert.equal(reset[0], true);
  const broken = await handleConnection(
    new ScriptedSocket([fromLatin1(get("/"))], { failWrites: true }),
  );
  assert.equal(broken[0], true);
  assert.equal(connectionPhase(broken[1]), "closed");
});

Deno.test("handleConnection answers 400 when the stream ends mid-request", async () => {
  for (
    const partial of [
      "GET /half HTTP/1.1\r\nHo",
      "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nabc",
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
    ]
  ) {
    const result = await serveChunks([fromLatin1(get("/whole") + partial)]);
    const responses = readResponses(result.output);
    assert.deepEqual(responses.map((r) => r.status), [200, 400], partial);
    assert.equal(headerValue(responses[1], "connection"), "close");
  }
});

Deno.test("handleConnection closes silently when the stream ends between requests", async () => {
  // A trailing CRLF after a body is an empty line, not a request.
  const result = await serveChunks([fromLatin1(get("/whole") + "\r\n")]);
  assert.deepEqual(readResponses(result.output).map((r) => r.status), [200]);
  assert.equal(connectionPhase(result.state), "closed");
});

Deno.test("handleConnection answers thousands of pipelined requests in bounded batches", async () => {
  const count = 3000;
  let stream = "";
  for (let i = 0; i < count; i++) stream += get(`/${i}`);
  const result = await serveChunks([fromLatin1(stream)]);
  const responses = readResponses(result.output);
  assert.equal(responses.length, count);
  responses.forEach((r, i) => assert.equal(bodyText(r), `hello, /${i}`));
  // More calls than reads: whole requests were answered from the buffer
  // in batches rather than in one unbounded write.
  assert.ok(
    result.calls > result.socket.reads,
    `${result.calls} calls, ${result.socket.reads} reads`,
  );
});

Deno.test("handleConnection streams a large body without holding it", async () => {
  const size = 4 * 1024 * 1024;
  const chunk = new Uint8Array(256 * 1024).fill(0x61);
  const chunks = [
    fromLatin1(
      `POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: ${size}\r\n\r\n`,
    ),
  ];
  for (let sent = 0; sent < size; sent += chunk.length) chunks.push(chunk);
  chunks.push(fromLatin1(get("/after")));
  const result = await serveChunks(chunks);
  assert.deepEqual(readResponses(result.output).map(bodyText), [
    "hello, /big",
    "hello, /after",
  ]);
  assert.ok(
    result.socket.largestRead <= 64 * 1024,
    `read buffer grew to ${result.socket.largestRead}`,
  );
});

Deno.test("handleConnection keeps idle connections on a small read buffer", async () => {
  const socket = new ScriptedSocket([
    fromLatin1(get("/a")),
    fromLatin1(get("/b")),
  ]);
  let [, state] = await handleConnection(socket);
  [, state] = await handleConnection(socket, state);
  assert.ok(
    socket.largestRead <= 4096,
    `idle read buffer is ${socket.largestRead} bytes`,
  );
});

Deno.test("repeated responses reuse their bytes only where every byte is the same", async () => {
  const head = "HEAD /a HTTP/1.1\r\nHost: h\r\n\r\n";
  const keepAlive10 = "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  const close = "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  const result = await serveChunks([
    fromLatin1(
      head.repeat(3) + get("/a").repeat(3) + keepAlive10.repeat(2) + close,
    ),
  ]);
  const responses = readResponses(result.output, 3);
  assert.deepEqual(
    responses.map((r) => [bodyText(r), headerValue(r, "connection") ?? ""]),
    [
      ...Array(3).fill(["", ""]),
      ...Array(3).fill(["hello, /a", ""]),
      ...Array(2).fill(["hello, /a", "keep-alive"]),
      ["hello, /a", "close"],
    ],
  );
  assert.ok(responses.every((r) => headerValue(r, "content-length") === "9"));
});

Deno.test("handleConnection reports each response to onResponse", async () => {
  const entries: AccessLogEntry[] = [];
  const socket = new ScriptedSocket([
    fromLatin1(
      get("/a?q=1") +
        "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\nGET /c HTTP/9.9\r\n\r\n",
    ),
  ]);
  const state = newConnectionState({ onResponse: (e) => entries.push(e) });
  await handleConnection(socket, state);
  assert.deepEqual(
    entries.map(({ method, target, status }) => [method, target, status]),
    [["GET", "/a?q=1", 200], ["POST", "/b", 200], ["GET", "/c", 505]],
  );
  const [first] = readResponses(socket.text);
  assert.ok(entries[0].bytes > first.body.length);
  assert.ok(entries.every((e) => e.durationMs >= 0));
});

Deno.test("onResponse durations run from a request's first byte to its answer", async () => {
  const entries: AccessLogEntry[] = [];
  const request = get("/slow");
  const socket = new ScriptedSocket([
    fromLatin1(request.slice(0, 5)),
    fromLatin1(request.slice(5)),
    fromLatin1(get("/fast")),
  ]);
  const state = newConnectionState({ onResponse: (e) => entries.push(e) });
  await handleConnection(socket, state);
  await delay(60);
  await handleConnection(socket, state);
  assert.equal(entries.length, 1);
  assert.ok(entries[0].durationMs >= 50, `duration ${entries[0].durationMs}`);
  // The next request arrives whole: its duration is not the last one's.
  await handleConnection(socket, state);
  assert.ok(entries[1].durationMs < 50, `duration ${entries[1].durationMs}`);
});

Deno.test("closeAfterResponse ends the connection after the next response", async () => {
  const socket = new ScriptedSocket([fromLatin1(get("/a") + get("/b"))]);
  const state = newConnectionState();
  closeAfterResponse(state);
  const [close] = await handleConnection(socket, state);
  assert.equal(close, true);
  const responses = readResponses(socket.text);
  assert.equal(responses.length, 1);
  assert.equal(headerValue(responses[0], "connection"), "close");
});

Deno.test("connectionPhase follows a request from idle through head and body", async () => {
  assert.equal(connectionPhase(undefined), "idle");
  const socket = new ScriptedSocket([
    fromLatin1("POST /p HTTP/1.1\r\nHo"),
    fromLatin1("st: h\r\nContent-Length: 2\r\n\r\n"),
    fromLatin1("x"),
    fromLatin1("y"),
  ]);
  const phases: string[] = [];
  let state = newConnectionState();
  for (let i = 0; i < 4; i++) {
    [, state] = await handleConnection(socket, state);
    phases.push(connectionPhase(state));
  }
  assert.deepEqual(phases, ["head", "body", "body", "idle"]);
});

Deno.test("handleTimeout answers 408 to a partial request and closes", async () => {
  const socket = new ScriptedSocket([fromLatin1("GET /slow HTTP/1.1\r\nHo")]);
  const [, state] = await handleConnection(socket);
  await handleTimeout(socket, state);
  const [response] = readResponses(socket.text);
  assert.equal(response.status, 408);
  assert.equal(headerValue(response, "connection"), "close");
  assert.equal(connectionPhase(state), "closed");
  assert.deepEqual(await handleConnection(socket, state), [true, state]);
});

Deno.test("handleTimeout closes an idle connection without a response", async () => {
  const socket = new ScriptedSocket([fromLatin1(get("/a"))]);
  const [, state] = await handleConnection(socket);
  const before = socket.text;
  await handleTimeout(socket, state);
  assert.equal(socket.text, before);
  assert.equal(connectionPhase(state), "closed");
});

Deno.test("refuseConnection answers 503 with Connection: close, even to a broken socket", async () => {
  const socket = new ScriptedSocket([]);
  await refuseConnection(socket);
  const [response] = readResponses(socket.text);
  assert.equal(response.status, 503);
  assert.equal(headerValue(response, "connection"), "close");
  await refuseConnection(new ScriptedSocket([], { failWrites: true }));
});

Deno.test("handleConnection sends no body with an error response to HEAD", async () => {
  const request = "HEAD /h HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n";
  const result = await serveChunks([fromLatin1(request)]);
  const [response] = readResponses(result.output, 1);
  assert.equal(response.status, 417);
  assert.ok(Number(headerValue(response, "content-length")) > 0);
  assert.ok(result.output.endsWith("\r\n\r\n"), "a body followed the head");
});

Deno.test("handleConnection answers a bad request target 400 before it weighs the fields (an unsupported Expect too)", async () => {
  const request = "GET * HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n";
  const plain = createConnectionHandler(helloApp);
  for (const handler of [plain, handleConnection]) {
    const result = await serveChunks([fromLatin1(request)], {}, handler);
    const [response] = readResponses(result.output);
    assert.equal(response.status, 400);
  }
});

Deno.test("handleConnection logs a refused request with its method and target when known", async () => {
  const entries: AccessLogEntry[] = [];
  const state = newConnectionState({ onResponse: (e) => entries.push(e) });
  await handleConnection(new ScriptedSocket([fromLatin1("\x01")]), state);
  assert.deepEqual(entries.map((e) => [e.method, e.target, e.status]), [[
    "-",
    "-",
    400,
  ]]);
});

/** A socket whose reads wait until the test ends them, keeping the buffer each was given. */
class HeldSocket {
  /** The buffer of each read, in order. */
  readonly buffers: Uint8Array[] = [];
  #end: (() => void) | undefined;

  read(p: Uint8Array): Promise<number | null> {
    this.buffers.push(p);
    return new Promise((resolve) => this.#end = () => resolve(null));
  }

  write(p: Uint8Array): Promise<number> {
    return Promise.resolve(p.length);
  }

  /** Ends the pending read with end of stream, as closing the socket does. */
  endRead(): void {
    this.#end?.();
  }
}

Deno.test("a read buffer serves another connection only once its own connection's last call has ended", async () => {
  const first = new HeldSocket();
  const state = newConnectionState();
  const call = handleConnection(first, state);
  // A timer gives up on it while its read is still pending.
  await handleTimeout(first, state);
  assert.equal(connectionPhase(state), "closed");
  const second = new HeldSocket();
  const secondCall = handleConnection(second);
  assert.notEqual(
    second.buffers[0].buffer,
    first.buffers[0].buffer,
    "the pending read's buffer went to another connection",
  );
  // The socket closes: the first call ends, and its buffer is free.
  first.endRead();
  assert.deepEqual(await call, [true, state]);
  const third = new HeldSocket();
  const thirdCall = handleConnection(third);
  assert.equal(third.buffers[0].buffer, first.buffers[0].buffer);
  second.endRead();
  third.endRead();
  await Promise.all([secondCall, thirdCall]);
});
