/**
 * `deno task soak`: runs the soak against the non-blocking server (or the
 * blocking one with `--server blocking`) and prints its one summary line;
 * exits 1 when a check failed, listing the first problems.
 *
 * ```sh
 * deno task soak                          # 60 s, 32 clients
 * deno task soak --seconds 300 --clients 64
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runSoak, soakSummary } from "../robustness/soak.ts";
import {
  procAvailable,
  type ServerKind,
  serverMissing,
} from "../testing/server_launcher.ts";

const USAGE =
  "usage: deno task soak [--seconds S] [--clients N] [--seed N] [--server non-blocking|blocking]";

function fail(message: string): never {
  console.error(`soak: ${message}`);
  Deno.exit(2);
}

let values;
try {
  values = parseArgs({
    args: Deno.args,
    options: {
      seconds: { type: "string", default: "60" },
      clients: { type: "string", default: "32" },
      seed: { type: "string", default: "1" },
      server: { type: "string", default: "non-blocking" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    fail(
      `--${name} must be a positive integer, got ${
        JSON.stringify(text)
      }\n${USAGE}`,
    );
  }
  return n;
}

const seconds = positive(values.seconds, "seconds");
const clients = positive(values.clients, "clients");
const seed = positive(values.seed, "seed");
if (values.server !== "non-blocking" && values.server !== "blocking") {
  fail(`--server must be non-blocking or blocking\n${USAGE}`);
}
const kind = values.server as ServerKind;
const missing = serverMissing(kind);
if (missing) fail(missing);
if (!(await procAvailable())) {
  fail("needs /proc to read the server's open files and memory (Linux)");
}

const result = await runSoak({
  kind,
  durationMs: seconds * 1000,
  clients,
  seed,
});
for (const problem of result.problems) console.log(`  problem: ${problem}`);
console.log(soakSummary(result, kind, clients));
Deno.exit(result.ok ? 0 : 1);
