import assert from "node:assert/strict";
import { LineBatch } from "./line_batch.ts";

Deno.test("LineBatch whose writer fails says so in one line, then writes nothing more", async () => {
  let writes = 0;
  const said: string[] = [];
  const batch = new LineBatch(
    {
      write() {
        writes++;
        return Promise.reject(new Error("Broken pipe (os error 32)"));
      },
    },
    "access log",
    (line) => said.push(line),
  );
  batch.add("first");
  await batch.flush();
  batch.add("second");
  await batch.flush();
  await batch.close();
  assert.equal(writes, 1);
  assert.deepEqual(said, [
    "access log: writing failed (Broken pipe (os error 32)); no more access log lines are written",
  ]);
  assert.equal(batch.begin(10), null, "lines are dropped from now on");
});

Deno.test("LineBatch whose writer fails on stderr itself stays silent rather than throw", async () => {
  const batch = new LineBatch(
    { write: () => Promise.reject(new Error("closed")) },
    "trace",
    () => {
      throw new Error("stderr closed too");
    },
  );
  batch.add("lost");
  await batch.close();
});
