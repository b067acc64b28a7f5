/**
 * Measures the engine's own heap across many connections, in a process
 * started with `--v8-flags=--expose-gc`: RSS moves with V8's heap sizing,
 * the live heap after a full collection does not, unless something leaks.
 * Prints one JSON line: `{ "sessions": n, "heapAfterWarmup": bytes, "heapAtEnd": bytes }`.
 *
 * @module
 */

import { handleConnection } from "../handler.ts";
import { Prng } from "../wire/prng.ts";
import { runSession } from "../testing/session.ts";
import { generateRequest } from "./generator.ts";
import { mutate } from "./mutator.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("heap_probe: run with --v8-flags=--expose-gc");
  Deno.exit(2);
}
const sessions = Number(Deno.args[0] ?? 20_000);
const rng = new Prng(Number(Deno.args[1] ?? 1));

async function round(): Promise<number> {
  for (let i = 0; i < sessions; i++) {
    const generated = generateRequest(rng);
    await runSession(handleConnection, [
      rng.chance(0.3) ? mutate(rng, generated.bytes) : generated.bytes,
    ]);
  }
  gc!();
  gc!();
  return Deno.memoryUsage().heapUsed;
}

const heapAfterWarmup = await round();
await round();
const heapAtEnd = await round();
console.log(
  JSON.stringify({ sessions: sessions * 3, heapAfterWarmup, heapAtEnd }),
);
