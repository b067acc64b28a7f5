/**
 * The property-based fuzzer against the engine, bounded for `deno task test`
 * (a fixed seed and case count; `deno task fuzz` runs longer), plus proof
 * that the checker catches each kind of broken handler.
 */

import assert from "node:assert/strict";
import { handleConnection, type Socket } from "../mod.ts";
import {
  caseFromSeed,
  caseSeedOf,
  describeFailure,
  fuzz,
} from "../robustness/fuzz_loop.ts";
import { checkInput } from "../robustness/properties.ts";
import { failureKind, shrink } from "../robustness/shrink.ts";
import { fromLatin1 } from "../wire/bytes.ts";
import type { SessionHandler } from "../testing/session.ts";

const engine = handleConnection as SessionHandler;
/** Fixed so a failure in CI replays exactly; `FUZZ_SEED` overrides it. */
const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20251123);
const CASES = 8000;

Deno.test("handleConnection keeps every property over seeded fuzz cases", async () => {
  const report = await fuzz(engine, {
    seed: SEED,
    maxCases: CASES,
    durationMs: 60_000,
  });
  console.log(
    `fuzz: seed ${SEED}, ${report.cases} cases (${report.mutated} mutated) in ${
      Math.round(report.elapsedMs)
    } ms`,
  );
  assert.deepEqual(report.failures.map(describeFailure), []);
  assert.equal(report.cases, CASES, "the time cap cut the run short");
});

Deno.test("caseFromSeed rebuilds the same case from its seed", () => {
  const seed = caseSeedOf(SEED, 7);
  assert.deepEqual(caseFromSeed(seed), caseFromSeed(seed));
  assert.notDeepEqual(
    caseFromSeed(seed).bytes,
    caseFromSeed(caseSeedOf(SEED, 8)).bytes,
  );
});

// --- The checker must catch broken handlers (a fuzzer that passes everything proves nothing) ---

const GET_TWO = fromLatin1(
  "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
);
const TWO_ANSWERS = [{ path: "/a", head: false }, { path: "/b", head: false }];
const text = (s: string) => new TextEncoder().encode(s);
const okResponse = (path: string) =>
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: ${
    7 + path.length
  }\r\n\r\nhello, ${path}`;

async function kindOf(
  handler: SessionHandler,
  expected = TWO_ANSWERS,
): Promise<string | undefined> {
  const message = await checkInput(handler, GET_TWO, expected, 1);
  return message && failureKind(message);
}

Deno.test("checkInput passes the engine on a plain pipeline", async () => {
  assert.equal(await checkInput(engine, GET_TWO, TWO_ANSWERS, 1), undefined);
});

Deno.test("checkInput catches a handler that throws", async () => {
  assert.equal(await kindOf(() => Promise.reject(new Error("boom"))), "threw");
});

Deno.test("checkInput catches a handler that reads twice in one call", async () => {
  const twice: SessionHandler = async (sock: Socket, state) => {
    await sock.read(new Uint8Array(1));
    return engine(sock, state);
  };
  assert.equal(await kindOf(twice), "reads");
});

Deno.test("checkInput catches malformed output", async () => {
  const sloppy: SessionHandler = async (sock, state) => {
    const [close, next] = await engine(sock, state);
    if (close) await sock.write(text("HTTP/1.1 200 OK\r\n\r\n"));
    return [close, next];
  };
  assert.equal(await kindOf(sloppy), "malformed output");
});

Deno.test("checkInput catches an error response that does not close", async () => {
  // Returns close one call late: the call that wrote the error said "go on".
  const lingering: SessionHandler = async (sock, state) => {
    const wrapped = state as { inner?: unknown; owed?: boolean } | undefined;
    if (wrapped?.owed) return [true, wrapped];
    const [close, inner] = await engine(sock, wrapped?.inner);
    return [false, { inner, owed: close }];
  };
  const message = await checkInput(
    lingering,
    fromLatin1("GET / HTTP/9.9\r\n\r\n"),
    undefined,
    1,
  );
  assert.equal(message && failureKind(message), "error without close");
});

Deno.test("checkInput catches a handler whose answers depend on the split", async () => {
  // Answers once per read: right when the input comes whole, wrong when cut.
  const perRead: SessionHandler = async (sock) => {
    const n = await sock.read(new Uint8Array(4096));
    if (n === null) return [true, undefined];
    const bytes = text(okResponse("/a"));
    for (let at = 0; at < bytes.length;) {
      at += await sock.write(bytes.subarray(at));
    }
    return [false, undefined];
  };
  const message = await checkInput(
    perRead,
    fromLatin1("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"),
    undefined,
    1,
  );
  assert.equal(message && failureKind(message), "split", message);
});

Deno.test("checkInput catches answers out of order", async () => {
  // Reads to the end, then answers both requests in the wrong order.
  const swapped: SessionHandler = async (sock) => {
    if ((await sock.read(new Uint8Array(4096))) !== null) {
      return [false, undefined];
    }
    const bytes = text(okResponse("/b") + okResponse("/a"));
    for (let at = 0; at < bytes.length;) {
      at += await sock.write(bytes.subarray(at));
    }
    return [true, undefined];
  };
  const message = await checkInput(swapped, GET_TWO, TWO_ANSWERS, 1);
  assert.equal(message && failureKind(message), "answers", message);
});

Deno.test("shrink reduces a failing input to the byte that matters", async () => {
  const input = fromLatin1("GET /" + "a".repeat(300) + "\0" + "b".repeat(300));
  const minimal = await shrink(
    input,
    (candidate) => Promise.resolve(candidate.includes(0)),
  );
  assert.deepEqual([...minimal], [0]);
});
