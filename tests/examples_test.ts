/**
 * The tutorial's last step, `examples/`: step 4's two loops around the
 * engine's `handleConnection`, run as a user runs them, each as its design
 * promises. The non-blocking one answers a second client while a first
 * holds its connection open, or sends its head a byte at a time (the engine
 * reads at most once per call, so no call holds the loop up); the blocking
 * one, the brief's loop with no timeouts, makes the second wait until the
 * first leaves. (That they end in one line on a bad port is in
 * `tests/tutorial_test.ts`, with every step.)
 */

import assert from "node:assert/strict";
import { delay, raceTimeout, TIMED_OUT } from "../wire/timers.ts";
import { bodyText } from "../wire/response_parser.ts";
import { get, RawClient } from "../testing/raw_client.ts";
import { withListeningScript } from "../testing/server_launcher.ts";

/** Starts `examples/<name>.ts 0` as a user does, checks its one line, and stops it after `body`. */
function withExample(
  name: string,
  body: (port: number) => Promise<void>,
): Promise<void> {
  return withListeningScript(`examples/${name}.ts`, body);
}

/** A client that has been answered once and now holds its keep-alive connection idle. */
async function idleClient(port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  await client.send(get("/first"));
  assert.equal(bodyText(await client.readResponse()), "hello, /first");
  return client;
}

/** Asks for `/some/random/url?q=1` on a new connection; fails unless it is answered within 5 s. */
async function secondClientAnswered(port: number): Promise<void> {
  const second = await RawClient.connect(port);
  try {
    await second.send(get("/some/random/url?q=1"));
    const answer = await raceTimeout(second.readResponse(), 5_000);
    assert.notEqual(answer, TIMED_OUT, "the second client was not answered");
    if (answer !== TIMED_OUT) {
      assert.equal(bodyText(answer), "hello, /some/random/url");
    }
  } finally {
    second.close();
  }
}

Deno.test("examples/step5_webserve_nb.ts answers a second client while the first holds its connection", async () => {
  await withExample("step5_webserve_nb", async (port) => {
    const first = await idleClient(port);
    try {
      await secondClientAnswered(port);
    } finally {
      first.close();
    }
  });
});

Deno.test("examples/step5_webserve_nb.ts answers a second client while the first sends its head a byte at a time", async () => {
  await withExample("step5_webserve_nb", async (port) => {
    const first = await RawClient.connect(port);
    const head = get("/slow");
    let sent = 0;
    const trickle = (async () => {
      for (; sent < head.length - 1; sent++) {
        await first.send(head[sent]);
        await delay(20);
      }
    })();
    try {
      await delay(100);
      await secondClientAnswered(port);
      assert.ok(sent < head.length - 1, "the first client was done first");
    } finally {
      sent = head.length;
      await trickle;
      first.close();
    }
  });
});

Deno.test("examples/step5_webserve.ts serves one connection at a time: the second client waits for the first to leave", async () => {
  await withExample("step5_webserve", async (port) => {
    const first = await idleClient(port);
    const second = await RawClient.connect(port);
    try {
      await second.send(get("/second"));
      const pending = second.readResponse();
      assert.equal(
        await raceTimeout(pending, 500),
        TIMED_OUT,
        "answered while the first client still held the server",
      );
      first.close();
      assert.equal(bodyText(await pending), "hello, /second");
    } finally {
      second.close();
      first.close();
    }
  });
});
