/**
 * The trace of `handleConnection` calls on a scripted socket: the lines of a
 * keep-alive request, a pipelined batch partly answered without a read, and
 * the end of the stream are exactly the documented ones, whole; one byte at
 * a time they keep the documented form and add up to the same answers. Then
 * both servers over real TCP, with and without `--trace`.
 */

import assert from "node:assert/strict";
import {
  createConnectionHandler,
  handleConnection,
  helloApp,
  type HttpRequest,
  newConnectionState,
} from "../mod.ts";
import { delay } from "../wire/timers.ts";
import { Trace } from "../server/trace.ts";
import { fromLatin1 } from "../wire/bytes.ts";
import { ROOT } from "../testing/commands.ts";
import { get, RawClient } from "../testing/raw_client.ts";
import { bodyText, headerValue } from "../wire/response_parser.ts";
import { ScriptedSocket } from "../testing/scripted_socket.ts";
import { ServerProcess } from "../testing/server_launcher.ts";
import { byteByByte } from "../testing/splits.ts";
import { serve as serveBlocking } from "../webserve.ts";
import { serve as serveNonBlocking } from "../webserve_nb.ts";
import { MemoryLog } from "./server_conformance.ts";

const KEEP_ALIVE = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
const BIG = (n: number) => `GET /big${n} HTTP/1.1\r\nHost: h\r\n\r\n`;
/** Three requests whose 40 KB answers fill a batch after two (the engine writes 64 KiB at most before reading on). */
const PIPELINED = BIG(1) + BIG(2) + BIG(3);

const handler = createConnectionHandler((request: HttpRequest) =>
  request.path.startsWith("/big")
    ? { status: 200, body: "x".repeat(40_000) }
    : helloApp(request)
);

/** Serves `chunks` on one traced connection to its end; the trace's lines, with durations blanked. */
async function traced(chunks: Uint8Array[]): Promise<string[]> {
  const writer = new MemoryLog();
  const trace = new Trace(writer);
  const connection = trace.open("127.0.0.1:51234");
  const sock = new ScriptedSocket(chunks);
  let state = newConnectionState({ onCall: connection.onCall });
  for (let close = false; !close;) {
    [close, state] = await handler(sock, state);
  }
  connection.close();
  await trace.close();
  return writer.text.trimEnd().split("\n").map((line) =>
    line.replace(/ us=\d+$/, " us=N")
  );
}

Deno.test("trace writes the documented lines for a keep-alive request, a pipelined batch and the end of the stream", async () => {
  const lines = await traced([fromLatin1(KEEP_ALIVE), fromLatin1(PIPELINED)]);
  assert.deepEqual(lines, [
    "trace conn=1 open peer=127.0.0.1:51234",
    `trace conn=1 call=1 read=${KEEP_ALIVE.length} phase=idle->idle responses=1 close=false us=N`,
    // One read brings all three; two answers fill the batch, the third waits in the buffer.
    `trace conn=1 call=2 read=${PIPELINED.length} phase=idle->head responses=2 close=false us=N`,
    "trace conn=1 call=3 read=none phase=head->idle responses=1 close=false us=N",
    "trace conn=1 call=4 read=eof phase=idle->closed responses=0 close=true us=N",
    "trace conn=1 close reason=eof calls=4",
  ]);
});

Deno.test("trace keeps its form one byte at a time: one byte per call, phases that chain, the same answers", async () => {
  const stream = fromLatin1(KEEP_ALIVE + PIPELINED);
  const lines = await traced(byteByByte(stream));
  const CALL =
    /^trace conn=1 call=(\d+) read=(\d+|none|eof|error) phase=(\w+)->(\w+) responses=(\d+) close=(true|false) us=N$/;
  const calls = lines.slice(1, -1).map((line) => {
    const m = line.match(CALL);
    assert.ok(m, line);
    return {
      n: Number(m[1]),
      read: m[2],
      before: m[3],
      after: m[4],
      responses: Number(m[5]),
      close: m[6],
    };
  });
  assert.equal(lines[0], "trace conn=1 open peer=127.0.0.1:51234");
  assert.equal(
    lines.at(-1),
    `trace conn=1 close reason=eof calls=${calls.length}`,
  );
  assert.equal(calls.length, stream.length + 1);
  calls.forEach((call, i) => {
    assert.equal(call.n, i + 1);
    assert.equal(call.read, i < stream.length ? "1" : "eof");
    if (i > 0) assert.equal(call.before, calls[i - 1].after);
  });
  assert.equal(calls.reduce((sum, c) => sum + c.responses, 0), 4);
  assert.deepEqual(calls.at(-1), {
    n: calls.length,
    read: "eof",
    before: "idle",
    after: "closed",
    responses: 0,
    close: "true",
  });
  // A head that arrives a byte at a time is seen in the head phase.
  assert.ok(calls.some((c) => c.before === "idle" && c.after === "head"));
});

Deno.test("trace names a failed read and a connection the engine closed after its response", async () => {
  const writer = new MemoryLog();
  const trace = new Trace(writer);
  const reset = trace.open("[::1]:1");
  await handleConnection(
    new ScriptedSocket([], { resetAtEnd: true }),
    newConnectionState({ onCall: reset.onCall }),
  );
  reset.close();
  const served = trace.open("[::1]:2");
  await handleConnection(
    new ScriptedSocket([fromLatin1("GET / HTTP/1.0\r\n\r\n")]),
    newConnectionState({ onCall: served.onCall }),
  );
  served.close();
  trace.open("[::1]:3").close("refused");
  await trace.close();
  assert.deepEqual(
    writer.text.trimEnd().split("\n").map((l) => l.replace(/ us=\d+$/, "")),
    [
      "trace conn=1 open peer=[::1]:1",
      "trace conn=1 call=1 read=error phase=idle->closed responses=0 close=true",
      "trace conn=1 close reason=reset calls=1",
      "trace conn=2 open peer=[::1]:2",
      "trace conn=2 call=1 read=18 phase=idle->closed responses=1 close=true",
      "trace conn=2 close reason=served calls=1",
      "trace conn=3 open peer=[::1]:3",
      "trace conn=3 close reason=refused calls=0",
    ],
  );
});

/** A client's keep-alive visit over real TCP: two requests, then it closes. */
async function visit(port: number): Promise<number> {
  const client = await RawClient.connect(port);
  try {
    await client.send(get("/one"));
    assert.equal(bodyText(await client.readResponse()), "hello, /one");
    await client.send(get("/two"));
    assert.equal(bodyText(await client.readResponse()), "hello, /two");
    return (client.conn.localAddr as Deno.NetAddr).port;
  } finally {
    client.close();
  }
}

for (
  const [label, serve] of [
    ["webserve", serveBlocking],
    ["webserve_nb", serveNonBlocking],
  ] as const
) {
  Deno.test(`${label} --trace writes a connection's open, its calls and its close over real TCP`, async () => {
    const writer = new MemoryLog();
    const server = serve({
      port: 0,
      hostname: "127.0.0.1",
      quiet: true,
      trace: true,
      traceWriter: writer,
    });
    let clientPort = 0;
    try {
      clientPort = await visit(server.addr.port);
      // The server sees the end of the stream on its own time.
      await delay(100);
    } finally {
      await server.stop();
    }
    const lines = writer.text.trimEnd().split("\n").map((line) =>
      line.replace(/ us=\d+$/, "")
    );
    assert.deepEqual(lines, [
      `trace conn=1 open peer=127.0.0.1:${clientPort}`,
      `trace conn=1 call=1 read=${
        get("/one").length
      } phase=idle->idle responses=1 close=false`,
      `trace conn=1 call=2 read=${
        get("/two").length
      } phase=idle->idle responses=1 close=false`,
      "trace conn=1 call=3 read=eof phase=idle->closed responses=0 close=true",
      "trace conn=1 close reason=eof calls=3",
    ]);
  });
}

for (const script of ["webserve.ts", "webserve_nb.ts"]) {
  Deno.test(`${script} writes nothing on stderr without --trace, and its trace with it`, async () => {
    for (const traced of [false, true]) {
      const server = await ServerProcess.start(script, [
        "0",
        "--host",
        "127.0.0.1",
        "--quiet",
        ...(traced ? ["--trace"] : []),
      ]);
      await visit(server.port);
      await delay(100);
      const stderr = await server.stop();
      if (!traced) assert.equal(stderr, "");
      else {
        assert.match(stderr, /^trace conn=1 open peer=127\.0\.0\.1:\d+\n/);
        assert.match(stderr, /\ntrace conn=1 close reason=eof calls=3\n$/);
      }
    }
  });
}

Deno.test("webserve_nb --workers 2 --trace names each line's worker", async () => {
  const server = await ServerProcess.start(
    "webserve_nb.ts",
    ["0", "--host", "127.0.0.1", "--quiet", "--workers", "2", "--trace"],
    [
      Deno.execPath(),
      "run",
      "--allow-net",
      `--allow-read=${ROOT}`,
      "webserve_nb.ts",
    ],
  );
  for (let i = 0; i < 8; i++) await visit(server.port);
  await delay(100);
  const lines = (await server.stop()).trimEnd().split("\n");
  const opens = lines.filter((l) => / open /.test(l));
  assert.equal(opens.length, 8);
  for (const line of lines) {
    assert.match(line, /^trace worker=[12] conn=\d+ /, line);
  }
});

Deno.test("webserve --trace shows its decisions: the slice that ends a connection, and a timeout's 408", async () => {
  const writer = new MemoryLog();
  const server = serveBlocking({
    port: 0,
    hostname: "127.0.0.1",
    quiet: true,
    trace: true,
    traceWriter: writer,
    sliceMs: 100,
    headTimeoutMs: 200,
  });
  try {
    // Past its slice (checked between calls), the connection's next
    // response closes it.
    const busy = await RawClient.connect(server.addr.port);
    await busy.send(get("/one"));
    await busy.readResponse();
    await delay(150);
    await busy.send(get("/two"));
    await busy.readResponse();
    await busy.send(get("/three"));
    const last = await busy.readResponse();
    assert.equal(headerValue(last, "connection"), "close");
    assert.ok(await busy.closedWithin(2000));
    busy.close();
    // Half a head, then silence: 408 at the head deadline.
    const slow = await RawClient.connect(server.addr.port);
    await slow.send("GET /slow HTTP/1.1\r\nHo");
    assert.equal((await slow.readResponse()).status, 408);
    slow.close();
  } finally {
    await server.stop();
  }
  const lines = writer.text.trimEnd().split("\n");
  assert.ok(
    lines.some((l) => /^trace conn=1 slice-over held_ms=\d+$/.test(l)),
    writer.text,
  );
  assert.ok(
    lines.includes("trace conn=1 close reason=served calls=3"),
    writer.text,
  );
  assert.ok(
    lines.includes("trace conn=2 timeout phase=head answered=408"),
    writer.text,
  );
  assert.ok(
    lines.includes("trace conn=2 close reason=timeout calls=2"),
    writer.text,
  );
});
