import assert from "node:assert/strict";
import { serve } from "../webserve_nb.ts";
import { MemoryLog, registerServerTests } from "./server_conformance.ts";
import { get, RawClient, since } from "../testing/raw_client.ts";
import { withServer } from "../testing/server_launcher.ts";
import { bodyText, headerValue } from "../wire/response_parser.ts";
import { delay, raceTimeout, TIMED_OUT } from "../wire/timers.ts";

registerServerTests("webserve_nb", serve);

/** The bound for a new client while others misbehave. */
const NEW_CLIENT_BOUND_MS = 250;

/**
 * Asserts new clients were answered quickly: the median under the issue's
 * bound, and none held back for long. (The median, because this machine's
 * cores are shared and one sample can lose a scheduling slot.)
 */
function assertQuick(waits: number[]): void {
  const sorted = [...waits].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const shown = waits.map((ms) => ms.toFixed(0)).join(", ");
  assert.ok(median < NEW_CLIENT_BOUND_MS, `new clients waited ${shown} ms`);
  assert.ok(
    sorted[sorted.length - 1] < 4 * NEW_CLIENT_BOUND_MS,
    `new clients waited ${shown} ms`,
  );
}

/** Time for a fresh raw client to connect and get its answer. */
async function answerTime(port: number): Promise<number> {
  const start = performance.now();
  const client = await RawClient.connect(port);
  try {
    await client.send(get("/new", "Connection: close\r\n"));
    assert.equal(bodyText(await client.readResponse()), "hello, /new");
  } finally {
    client.close();
  }
  return since(start);
}

/** Opens `count` connections, a batch at a time so the listen backlog never overflows. */
async function connectMany(port: number, count: number): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  const batch = 250;
  for (let i = 0; i < count; i += batch) {
    const size = Math.min(batch, count - i);
    clients.push(
      ...await Promise.all(
        Array.from({ length: size }, () => RawClient.connect(port)),
      ),
    );
  }
  return clients;
}

Deno.test("webserve_nb serve answers 2,000 concurrent connections", async () => {
  await withServer(serve, {}, async (_server, port) => {
    const clients = await connectMany(port, 2_000);
    try {
      // Every connection is open before any request is sent: all are served at once.
      await Promise.all(
        clients.map((client, i) => client.send(get(`/c/${i}`))),
      );
      const bodies = await Promise.all(
        clients.map(async (client) => bodyText(await client.readResponse())),
      );
      bodies.forEach((body, i) => assert.equal(body, `hello, /c/${i}`));
    } finally {
      for (const client of clients) client.close();
    }
  });
});

Deno.test("webserve_nb serve answers a new client quickly while others are idle, trickling and flooding without reading", async () => {
  await withServer(serve, {}, async (_server, port) => {
    const idle = await connectMany(port, 200);
    const tricklers = await connectMany(port, 20);
    const flooders = await connectMany(port, 5);
    let running = true;
    const trickling = tricklers.map(async (client) => {
      for (const byte of "GET /trickle HTTP/1.1\r\nHost: t\r\n") {
        if (!running) return;
        await client.send(byte).catch(() => {});
        await delay(100);
      }
    });
    const request = new TextEncoder().encode(get("/flood").repeat(500));
    const flooding = flooders.map(async (client) => {
      // Never reads: once its responses fill the socket buffers, the server stops reading it.
      while (running) {
        try {
          await client.send(request);
        } catch {
          return;
        }
      }
    });
    try {
      await delay(300);
      const waits = [];
      for (let i = 0; i < 5; i++) waits.push(await answerTime(port));
      assertQuick(waits);
    } finally {
      running = false;
      for (const client of [...idle, ...tricklers, ...flooders]) client.close();
      await Promise.all([...trickling, ...flooding]);
    }
  });
});

Deno.test("webserve_nb serve stops reading a client that pipelines without reading its responses", async () => {
  await withServer(serve, {}, async (_server, port) => {
    const client = await RawClient.connect(port);
    const request = new TextEncoder().encode(get("/p").repeat(1_000));
    let sent = 0;
    let stalled = false;
    try {
      // 64 MiB of requests would be ~1 GiB of responses; the server must push back long before.
      const goal = 64 * 1024 * 1024;
      while (sent < goal) {
        if (await raceTimeout(client.send(request), 500) === TIMED_OUT) {
          stalled = true;
          break;
        }
        sent += request.length;
      }
      assert.ok(
        stalled,
        `the server read all ${sent} bytes without the client reading`,
      );
      assert.ok(
        sent < 32 * 1024 * 1024,
        `server took ${sent} bytes before pushing back`,
      );
      const waits = [];
      for (let i = 0; i < 3; i++) waits.push(await answerTime(port));
      assertQuick(waits);
    } finally {
      client.close();
    }
  });
});

Deno.test("webserve_nb serve answers 503 beyond its connection cap, and logs it", async () => {
  const log = new MemoryLog();
  const options = { maxConnections: 3, quiet: false, logWriter: log };
  await withServer(serve, options, async (_server, port) => {
    const held = await connectMany(port, 3);
    try {
      await Promise.all(held.map((client) => client.send(get("/held"))));
      await Promise.all(held.map((client) => client.readResponse()));
      const extra = await RawClient.connect(port);
      try {
        const response = await extra.readResponse();
        assert.equal(response.status, 503);
        assert.equal(
          headerValue(response, "connection")?.toLowerCase(),
          "close",
        );
        assert.ok(await extra.closedWithin(2000));
      } finally {
        extra.close();
      }
    } finally {
      for (const client of held) client.close();
    }
    // Once the held connections are gone, new ones are served again.
    await delay(100);
    assert.ok(await answerTime(port) < 1000);
  });
  const refused = log.text.split("\n").filter((line) => line.includes(" 503 "));
  assert.equal(refused.length, 1, log.text);
  assert.match(refused[0], /"- -" 503 /);
});
