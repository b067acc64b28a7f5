/**
 * The two minimal examples run as a user runs them and serve hello, each as
 * its design promises: the non-blocking one answers a second client while a
 * first holds its connection open; the blocking one, the brief's loop with
 * no timeouts, makes it wait until the first leaves.
 */

import assert from "node:assert/strict";
import { raceTimeout, TIMED_OUT } from "../wire/timers.ts";
import { bodyText } from "../wire/response_parser.ts";
import { get, RawClient } from "../testing/raw_client.ts";
import { runScript } from "../testing/commands.ts";
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

Deno.test("examples/nonblocking_minimal.ts answers a second client while the first holds its connection", async () => {
  await withExample("nonblocking_minimal", async (port) => {
    const first = await idleClient(port);
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
      first.close();
    }
  });
});

Deno.test("examples/blocking_minimal.ts serves one connection at a time: the second client waits for the first to leave", async () => {
  await withExample("blocking_minimal", async (port) => {
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

Deno.test("examples end in one line and a non-zero status on a bad port", async () => {
  for (const name of ["blocking_minimal", "nonblocking_minimal"]) {
    const bad = await runScript(`examples/${name}.ts`, ["x"]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assert.match(bad.stderr, /^usage: /);
  }
});
