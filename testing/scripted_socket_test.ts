import assert from "node:assert/strict";
import { fromLatin1, latin1 } from "../wire/bytes.ts";
import { Prng } from "../wire/prng.ts";
import { ScriptedSocket } from "./scripted_socket.ts";

Deno.test("ScriptedSocket reads its chunks in order, cut to the buffer, then ends the stream", async () => {
  const socket = new ScriptedSocket([
    fromLatin1("abcde"),
    new Uint8Array(),
    fromLatin1("f"),
  ]);
  const buffer = new Uint8Array(3);
  const got: string[] = [];
  for (let n; (n = await socket.read(buffer)) !== null;) {
    got.push(latin1(buffer.subarray(0, n)));
  }
  assert.deepEqual(got, ["abc", "de", "f"], "empty chunks are dropped");
  assert.equal(socket.reads, 4);
  assert.equal(socket.consumed, 6);
  assert.equal(socket.largestRead, 3);
  assert.ok(socket.ended);
  await assert.rejects(
    new ScriptedSocket([], { resetAtEnd: true }).read(buffer),
    /reset/,
  );
});

Deno.test("ScriptedSocket takes short writes when told to, and records what it took", async () => {
  const data = fromLatin1("0123456789");
  const short = new ScriptedSocket([], { maxWrite: 4 });
  assert.equal(await short.write(data), 4);
  assert.equal(short.text, "0123");
  const random = new ScriptedSocket([], { writeRng: new Prng(3) });
  const n = await random.write(data);
  assert.ok(n >= 1 && n <= data.length);
  assert.equal(random.outputLength, n);
  assert.deepEqual(random.output, data.subarray(0, n));
  const broken = new ScriptedSocket([], { failWrites: true });
  await assert.rejects(broken.write(data), /broken pipe/);
  assert.equal(broken.writes, 1);
});

Deno.test("ScriptedSocket with loop reads its chunks again for ever, and keeps no writes while not recording", async () => {
  const socket = new ScriptedSocket([fromLatin1("ab"), fromLatin1("c")], {
    loop: true,
  });
  const buffer = new Uint8Array(8);
  const got: (string | null)[] = [];
  for (let i = 0; i < 5; i++) {
    const n = await socket.read(buffer);
    got.push(n === null ? null : latin1(buffer.subarray(0, n)));
  }
  assert.deepEqual(got, ["ab", "c", "ab", "c", "ab"]);
  assert.ok(!socket.ended);
  await socket.write(fromLatin1("kept"));
  socket.recording = false;
  assert.equal(await socket.write(fromLatin1("counted only")), 12);
  assert.equal(socket.text, "kept");
  assert.equal(socket.writes, 2);
});
