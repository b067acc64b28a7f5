import assert from "node:assert/strict";
import { serve } from "../webserve.ts";
import { Listeners } from "../server/listen.ts";
import { registerServerTests } from "./server_conformance.ts";
import { get, RawClient, since } from "../testing/raw_client.ts";
import { withServer } from "../testing/server_launcher.ts";
import { headerValue } from "../wire/response_parser.ts";
import { delay } from "../wire/timers.ts";

registerServerTests("webserve", serve);

/** Time for a fresh client to get its answer from the server on `port`. */
async function answerTime(port: number): Promise<number> {
  const start = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/second`, {
    headers: { connection: "close" },
  });
  assert.equal(await response.text(), "hello, /second");
  return since(start);
}

Deno.test("webserve answers a second client within about a second while a first holds an idle keep-alive connection", async () => {
  await withServer(serve, {}, async (_server, port) => {
    const first = await RawClient.connect(port);
    try {
      await first.send(get("/first"));
      await first.readResponse();
      const waited = await answerTime(port);
      assert.ok(waited < 1_500, `waited ${waited.toFixed(0)} ms`);
    } finally {
      first.close();
    }
  });
});

Deno.test("webserve cuts off a head sent at one byte per second at the deadline and then answers the next client", async () => {
  await withServer(serve, {}, async (_server, port) => {
    const first = await RawClient.connect(port);
    let trickling = true;
    const trickle = (async () => {
      for (const byte of "GET /trickle HTTP/1.1\r\nHost: t\r\n\r\n") {
        if (!trickling) break;
        try {
          await first.send(byte);
        } catch {
          break; // The server closed the connection.
        }
        await delay(1_000);
      }
    })();
    try {
      await delay(50);
      const waited = await answerTime(port);
      assert.ok(waited < 1_500, `waited ${waited.toFixed(0)} ms`);
      assert.equal((await first.readResponse()).status, 408);
    } finally {
      trickling = false;
      first.close();
      await trickle;
    }
  });
});

Deno.test("webserve answers a second client within about a second while a first sends requests back to back", async () => {
  await withServer(serve, {}, async (_server, port) => {
    const first = await RawClient.connect(port);
    let sending = true;
    let answered = 0;
    let closedByServer = false;
    const flood = (async () => {
      try {
        while (sending) {
          await first.send(get("/busy"));
          const response = await first.readResponse();
          answered++;
          if (headerValue(response, "connection")?.toLowerCase() === "close") {
            closedByServer = true;
            return;
          }
        }
      } catch {
        closedByServer = true;
      }
    })();
    try {
      await delay(50);
      const waited = await answerTime(port);
      assert.ok(waited < 1_500, `waited ${waited.toFixed(0)} ms`);
      assert.ok(
        answered > 10,
        `first client was served too (${answered} answers)`,
      );
    } finally {
      sending = false;
      await flood;
      first.close();
    }
    assert.ok(
      closedByServer,
      "the first connection was ended after its time slice",
    );
  });
});

Deno.test("Listeners accept from every socket they hold (the bindv6only case)", async () => {
  const listeners = new Listeners(
    [
      Deno.listen({ hostname: "127.0.0.1", port: 0 }),
      Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    ],
    "test",
  );
  const clients: Deno.Conn[] = [];
  try {
    for (const addr of listeners.addrs.toReversed()) {
      clients.push(
        await Deno.connect({ hostname: "127.0.0.1", port: addr.port }),
      );
      const accepted = await listeners.accept();
      assert.ok(accepted);
      assert.equal(accepted.localAddr.port, addr.port);
      accepted.close();
    }
  } finally {
    listeners.close();
    for (const client of clients) client.close();
  }
  assert.equal(await listeners.accept(), null);
});
