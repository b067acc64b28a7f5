/**
 * `deno task fuzz`: the property-based fuzzer, run for longer than the test
 * suite does. Prints one summary line, and for each failure the case seed
 * that replays it and a shrunk input; exits 1 when anything failed.
 *
 * ```sh
 * deno task fuzz                         # 60 s from a random seed
 * deno task fuzz --seed 42 --seconds 300
 * deno task fuzz --case-seed 2495943080  # replay one case and show the exchange
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { handleConnection } from "../handler.ts";
import {
  caseFromSeed,
  describeFailure,
  fuzz,
  shrinkFailure,
} from "../robustness/fuzz_loop.ts";
import { checkInput } from "../robustness/properties.ts";
import { latin1 } from "../wire/bytes.ts";
import { runSession, type SessionHandler } from "../testing/session.ts";

const USAGE =
  "usage: deno task fuzz [--seed N] [--seconds S] [--cases N] [--case-seed N]";

function fail(message: string): never {
  console.error(`fuzz: ${message}`);
  Deno.exit(2);
}

function numberFlag(
  value: string | undefined,
  name: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    fail(
      `--${name} must be a non-negative integer, got ${
        JSON.stringify(value)
      }\n${USAGE}`,
    );
  }
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string" },
      seconds: { type: "string" },
      cases: { type: "string" },
      "case-seed": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
if (parsed.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const handler = handleConnection as SessionHandler;
const caseSeed = numberFlag(parsed["case-seed"], "case-seed");

if (caseSeed !== undefined) {
  // Replay one case: show what was sent, what came back whole, and the verdict.
  const fuzzCase = caseFromSeed(caseSeed);
  const session = await runSession(handler, [fuzzCase.bytes]);
  console.log(
    `case ${caseSeed} (${fuzzCase.kind}), ${fuzzCase.bytes.length} bytes sent:`,
  );
  console.log(JSON.stringify(latin1(fuzzCase.bytes)));
  console.log(`answered (whole, close=${session.closed}):`);
  console.log(JSON.stringify(latin1(session.output)));
  const message = await checkInput(
    handler,
    fuzzCase.bytes,
    fuzzCase.expected,
    caseSeed,
  );
  if (message === undefined) {
    console.log("every property holds");
    Deno.exit(0);
  }
  console.log(describeFailure(await shrinkFailure(handler, fuzzCase, message)));
  Deno.exit(1);
}

const seed = numberFlag(parsed.seed, "seed") ??
  Math.floor(Math.random() * 2 ** 32);
const seconds = numberFlag(parsed.seconds, "seconds") ?? 60;
const maxCases = numberFlag(parsed.cases, "cases");
const report = await fuzz(handler, {
  seed,
  durationMs: seconds * 1000,
  maxCases,
});
for (const failure of report.failures) console.log(describeFailure(failure));
console.log(
  `fuzz: seed ${seed}, ${report.cases} cases (${report.mutated} mutated) in ${
    (report.elapsedMs / 1000).toFixed(1)
  } s, ` +
    `${report.failures.length} failure kind(s)`,
);
Deno.exit(report.failures.length > 0 ? 1 : 0);
