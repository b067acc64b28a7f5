import assert from "node:assert/strict";
import { PollTurn } from "../server/poll_turn.ts";

/** Both ends of a fresh loopback connection. */
async function loopbackPair(): Promise<[Deno.TcpConn, Deno.TcpConn]> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    return await Promise.all([
      Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
      listener.accept(),
    ]);
  } finally {
    listener.close();
  }
}

async function openTurn(): Promise<PollTurn> {
  const turn = await PollTurn.open();
  assert.ok(turn, "the test runs with net permission on the loopback");
  return turn;
}

Deno.test("PollTurn.next resolves only once a read parked with the poller is delivered, which ready reads keep waiting", async () => {
  const turn = await openTurn();
  const [parkedClient, parkedServer] = await loopbackPair();
  const [busyClient, busyServer] = await loopbackPair();
  const byte = new Uint8Array(1);
  try {
    // Warm up: after one turn, and once the busy pair has carried a byte,
    // both are as a serving pool's sockets are.
    await turn.next();
    await busyClient.write(byte);
    await busyServer.read(byte);

    // A read with nothing to read is parked with the poller; its data then arrives.
    let delivered = false;
    const parked = parkedServer.read(new Uint8Array(8)).then((n) => {
      delivered = true;
      return n;
    });
    await parkedClient.write(byte);

    // Reads whose data is already there complete at once: a run of them
    // keeps the loop from delivering the parked read.
    for (let i = 0; i < 500; i++) {
      await busyClient.write(byte);
      assert.equal(await busyServer.read(byte), 1);
    }
    assert.equal(
      delivered,
      false,
      "Deno delivered a parked read amid ready ones: the turn budget may no longer be needed",
    );

    await turn.next();
    assert.equal(delivered, true, "next() resolved before the parked read");
    assert.equal(await parked, 1);
  } finally {
    for (const conn of [parkedClient, parkedServer, busyClient, busyServer]) {
      conn.close();
    }
    await turn.close();
  }
});

Deno.test("PollTurn shares one wait between callers and can wait again after it", async () => {
  const turn = await openTurn();
  try {
    const first = turn.next(), second = turn.next();
    assert.equal(first, second);
    await first;
    const third = turn.next();
    assert.notEqual(third, first);
    await third;
  } finally {
    await turn.close();
  }
});

Deno.test("PollTurn.close rejects a waiting next() and leaves nothing open", async () => {
  const turn = await openTurn();
  const waiting = turn.next();
  const rejected = assert.rejects(waiting);
  await turn.close();
  await rejected;
  await assert.rejects(turn.next(), /closed/);
});

Deno.test("PollTurn.open resolves to null without net permission, quietly", async () => {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      script,
      `import { PollTurn } from ${
        JSON.stringify(import.meta.resolve("../server/poll_turn.ts"))
      };\nconsole.log(String(await PollTurn.open()));\n`,
    );
    const { stdout, stderr, success } = await new Deno.Command(
      Deno.execPath(),
      { args: ["run", "--quiet", script], stdin: "null" },
    ).output();
    const err = new TextDecoder().decode(stderr);
    assert.ok(success, err);
    assert.equal(new TextDecoder().decode(stdout).trim(), "null");
    assert.equal(err, "", "nothing is printed");
  } finally {
    await Deno.remove(script);
  }
});
