/**
 * Behaviour both servers must share, registered once per server: real
 * clients (`fetch` and raw sockets) against a server started on port 0 in
 * this process.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { LogWriter } from "../server/options.ts";
import { delay } from "../wire/timers.ts";
import { get, RawClient } from "../testing/raw_client.ts";
import { bodyText, headerValue } from "../wire/response_parser.ts";
import {
  type ServeFunction,
  startServer,
  withServer,
} from "../testing/server_launcher.ts";

/** A log writer that keeps what it is given. */
export class MemoryLog implements LogWriter {
  text = "";
  readonly #decoder = new TextDecoder();
  /** Keeps `p` and takes all of it. */
  write(p: Uint8Array): Promise<number> {
    this.text += this.#decoder.decode(p);
    return Promise.resolve(p.length);
  }
}

/** Registers the shared tests under `label` (`"webserve"` or `"webserve_nb"`). */
export function registerServerTests(label: string, serve: ServeFunction): void {
  Deno.test(`${label} serve answers fetch GET and POST with hello and the path`, async () => {
    await withServer(serve, {}, async (_server, port) => {
      const got = await fetch(`http://127.0.0.1:${port}/some/random/url?q=1`);
      assert.equal(got.status, 200);
      assert.equal(await got.text(), "hello, /some/random/url");
      const posted = await fetch(`http://127.0.0.1:${port}/process_form`, {
        method: "POST",
        body: "a=1&b=2",
      });
      assert.equal(await posted.text(), "hello, /process_form");
    });
  });

  Deno.test(`${label} serve listens on IPv4 and IPv6 when no host is given`, async () => {
    const server = startServer(serve, { hostname: undefined });
    try {
      assert.equal(server.families, "IPv4 and IPv6");
      for (const hostname of ["127.0.0.1", "::1"]) {
        const client = await RawClient.connect(server.addr.port, hostname);
        try {
          await client.send(get("/v", "Connection: close\r\n"));
          assert.equal(
            bodyText(await client.readResponse()),
            "hello, /v",
            hostname,
          );
        } finally {
          client.close();
        }
      }
    } finally {
      await server.stop();
    }
  });

  Deno.test(`${label} serve keeps a connection alive and answers pipelined requests in order`, async () => {
    await withServer(serve, {}, async (_server, port) => {
      const client = await RawClient.connect(port);
      try {
        await client.send(get("/one"));
        assert.equal(bodyText(await client.readResponse()), "hello, /one");
        await client.send(get("/two"));
        assert.equal(bodyText(await client.readResponse()), "hello, /two");
        await client.send(
          get("/a") + get("/b") + get("/c", "Connection: close\r\n"),
        );
        const bodies = [];
        for (let i = 0; i < 3; i++) {
          bodies.push(bodyText(await client.readResponse()));
        }
        assert.deepEqual(bodies, ["hello, /a", "hello, /b", "hello, /c"]);
        assert.ok(
          await client.closedWithin(2000),
          "closes after Connection: close",
        );
      } finally {
        client.close();
      }
    });
  });

  Deno.test(`${label} serve sends the current second as Date, and a new one once it turns`, async () => {
    // The wait for the next second may outlast the blocking server's 1 s
    // idle timeout and slice; this test is about the Date, not about those.
    const patient = { idleTimeoutMs: 5_000, sliceMs: 5_000 };
    await withServer(serve, patient, async (_server, port) => {
      const client = await RawClient.connect(port);
      try {
        const before = Date.now();
        await client.send(get("/date"));
        const first = headerValue(await client.readResponse(), "date");
        // A second back at most: the timer may not have turned it yet.
        const firstAt = Date.parse(first ?? "");
        assert.ok(
          firstAt >= before - 2000 && firstAt <= Date.now(),
          `Date: ${first}`,
        );
        // Past the next turn of the second, with room for a late timer.
        const turn = (Math.floor(Date.now() / 1000) + 1) * 1000;
        await delay(turn + 50 - Date.now());
        await client.send(get("/date"));
        const next = headerValue(await client.readResponse(), "date");
        const received = Date.now();
        const at = Date.parse(next ?? "");
        assert.ok(at >= turn && at <= received, `Date: ${next} after the turn`);
      } finally {
        client.close();
      }
    });
  });

  Deno.test(`${label} serve answers chunked and 100-continue uploads`, async () => {
    await withServer(serve, {}, async (_server, port) => {
      const client = await RawClient.connect(port);
      try {
        await client.send(
          "POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        );
        assert.equal(bodyText(await client.readResponse()), "hello, /chunked");
        await client.send(
          "POST /continue HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
        );
        const interim = await client.readResponse();
        assert.equal(interim.status, 100);
        await client.send("abcde");
        assert.equal(bodyText(await client.readResponse()), "hello, /continue");
      } finally {
        client.close();
      }
    });
  });

  Deno.test(`${label} serve answers HTTP/1.0 and closes`, async () => {
    await withServer(serve, {}, async (_server, port) => {
      const client = await RawClient.connect(port);
      try {
        await client.send("GET /old HTTP/1.0\r\n\r\n");
        const response = await client.readResponse();
        assert.equal(bodyText(response), "hello, /old");
        assert.ok(await client.closedWithin(2000));
      } finally {
        client.close();
      }
    });
  });

  Deno.test(`${label} serve answers bad input with a 4xx and closes, then serves others`, async () => {
    await withServer(serve, {}, async (_server, port) => {
      const client = await RawClient.connect(port);
      try {
        await client.send("THIS IS NOT HTTP\r\n\r\n");
        const response = await client.readResponse();
        assert.ok(
          response.status >= 400 && response.status < 500,
          `${response.status} ${response.reason}`,
        );
        assert.ok(await client.closedWithin(2000));
      } finally {
        client.close();
      }
      const got = await fetch(`http://127.0.0.1:${port}/after`);
      assert.equal(await got.text(), "hello, /after");
    });
  });

  Deno.test(`${label} serve answers 408 when a request head stalls past the deadline`, async () => {
    await withServer(
      serve,
      { headTimeoutMs: 300, idleTimeoutMs: 5000 },
      async (_server, port) => {
        const client = await RawClient.connect(port);
        try {
          await client.send("GET /slow HTTP/1.1\r\nHo");
          const response = await client.readResponse();
          assert.equal(response.status, 408);
          assert.ok(await client.closedWithin(2000));
        } finally {
          client.close();
        }
      },
    );
  });

  Deno.test(`${label} serve answers 408 when a request body stops arriving`, async () => {
    await withServer(serve, { bodyTimeoutMs: 300 }, async (_server, port) => {
      const client = await RawClient.connect(port);
      try {
        await client.send(
          "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\npartial",
        );
        assert.equal((await client.readResponse()).status, 408);
        assert.ok(await client.closedWithin(2000));
      } finally {
        client.close();
      }
    });
  });

  Deno.test(`${label} serve closes a keep-alive connection after the idle timeout`, async () => {
    await withServer(serve, { idleTimeoutMs: 200 }, async (_server, port) => {
      const client = await RawClient.connect(port);
      try {
        await client.send(get("/x"));
        await client.readResponse();
        assert.ok(await client.closedWithin(2000), "idle connection closed");
        assert.equal(client.unread, "", "closed without sending anything");
      } finally {
        client.close();
      }
    });
  });

  Deno.test(`${label} serve stop answers a request in flight and closes idle connections`, async () => {
    const server = startServer(serve, { idleTimeoutMs: 10_000 });
    const port = server.addr.port;
    const busy = await RawClient.connect(port);
    const idle = label === "webserve"
      ? undefined
      : await RawClient.connect(port);
    try {
      await busy.send(
        "POST /late HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345",
      );
      if (idle) {
        await idle.send(get("/idle"));
        await idle.readResponse();
      }
      await delay(100);
      const stopping = server.stop();
      await busy.send("67890");
      const response = await busy.readResponse();
      assert.equal(bodyText(response), "hello, /late");
      assert.equal(headerValue(response, "connection")?.toLowerCase(), "close");
      if (idle) {
        assert.ok(
          await idle.closedWithin(1000),
          "idle connection closed at stop",
        );
      }
      await stopping;
      await assert.rejects(
        Deno.connect({ hostname: "127.0.0.1", port }),
        "no longer listening",
      );
    } finally {
      busy.close();
      idle?.close();
      await server.stop();
    }
  });

  Deno.test(`${label} serve writes one access-log line per request, and none when quiet`, async () => {
    const log = new MemoryLog();
    const server = startServer(serve, { quiet: false, logWriter: log });
    try {
      await (await fetch(`http://127.0.0.1:${server.addr.port}/logged?x=1`))
        .text();
      await (await fetch(`http://127.0.0.1:${server.addr.port}/second`, {
        method: "POST",
        body: "z",
      })).text();
    } finally {
      await server.stop();
    }
    const lines = log.text.trimEnd().split("\n");
    assert.equal(lines.length, 2, log.text);
    assert.match(
      lines[0],
      /^\d{4}-\d\d-\d\dT\S+ 127\.0\.0\.1 "GET \/logged\?x=1" 200 \d+ [\d.]+ms$/,
    );
    assert.match(lines[1], /"POST \/second" 200 /);

    const quietLog = new MemoryLog();
    const quiet = startServer(serve, { logWriter: quietLog });
    try {
      await (await fetch(`http://127.0.0.1:${quiet.addr.port}/unlogged`))
        .text();
    } finally {
      await quiet.stop();
    }
    assert.equal(quietLog.text, "");
  });
}
