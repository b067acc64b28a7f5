import assert from "node:assert/strict";
import { ReaderPool } from "./reader_pool.ts";

const TIMEOUTS = {
  idleTimeoutMs: 1_000,
  headTimeoutMs: 1_000,
  bodyTimeoutMs: 1_000,
};

Deno.test("ReaderPool hands a call that rejects, against the engine's contract, to onError and closes its connection", async () => {
  const bug = new Error("a bug in the engine");
  const seen: unknown[] = [];
  const pool = new ReaderPool(TIMEOUTS, {
    onError: (error) => seen.push(error),
    handle: () => Promise.reject(bug),
  });
  let closed = false;
  pool.add({ close: () => closed = true } as unknown as Deno.TcpConn);
  await pool.drained();
  await pool.close();
  assert.ok(closed, "the connection is closed");
  assert.equal(pool.size, 0);
  assert.equal(seen.length, 1);
  assert.match((seen[0] as Error).message, /rejected/);
  assert.equal((seen[0] as Error).cause, bug);
});
