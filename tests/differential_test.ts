/**
 * Differential tests: the same bytes sent over loopback to each of the
 * project's servers and to Node's HTTP server (llhttp, strict mode). Valid
 * requests must be answered with the same paths; on the corpus, every
 * disagreement must be one listed, with its RFC justification, in
 * `robustness/known_differences.ts`.
 */

import assert from "node:assert/strict";
import { BAD_REQUESTS, VALID_EDGE_CASES } from "../wire/corpus.ts";
import { generateRequest } from "../robustness/generator.ts";
import { KNOWN_DIFFERENCES } from "../robustness/known_differences.ts";
import { outcomeOf } from "../robustness/outcome.ts";
import { nodeAvailable, startNodePeer } from "../robustness/peers.ts";
import { fromLatin1, latin1 } from "../wire/bytes.ts";
import { Prng } from "../wire/prng.ts";
import { exchange } from "../testing/raw_client.ts";
import {
  type RunningServer,
  SERVER_MODULES,
  type ServerKind,
  serverMissing,
  startProjectServer,
} from "../testing/server_launcher.ts";

const hasNode = await nodeAvailable();
if (!hasNode) {
  console.log(
    "differential tests skipped: no `node` executable to compare with",
  );
}

/** Final statuses only: `"200,400"`. */
const statuses = (outcome: string) =>
  outcome.split(" | ").map((part) => part.slice(0, 3)).join(",");

async function withPeers(
  kind: ServerKind,
  body: (ours: RunningServer, node: RunningServer) => Promise<void>,
): Promise<void> {
  const node = await startNodePeer();
  const ours = await startProjectServer(kind);
  try {
    await body(ours, node);
  } finally {
    await ours.stop();
    await node.stop();
  }
}

for (const kind of ["blocking", "non-blocking"] as const) {
  const module = SERVER_MODULES[kind];
  const missing = serverMissing(kind);
  if (missing) {
    console.log(`differential tests of ${module} skipped: ${missing}`);
  }
  const ignore = !hasNode || missing !== undefined;

  Deno.test({
    name:
      `${module} and Node's llhttp differ on the corpus only where RFC 9112 justifies it`,
    ignore,
    fn: () =>
      withPeers(kind, async (ours, node) => {
        const unexplained: string[] = [];
        const wrong: string[] = [];
        const stale: string[] = [];
        let differences = 0;
        for (const testCase of [...BAD_REQUESTS, ...VALID_EDGE_CASES]) {
          const request = fromLatin1(testCase.request);
          const oursOutcome = outcomeOf(
            (await exchange(ours.port, request)).bytes,
            true,
          );
          const nodeOutcome = outcomeOf(
            (await exchange(node.port, request)).bytes,
            false,
          );
          const want = "status" in testCase
            ? [...(testCase.before ?? []), testCase.status].join(",")
            : testCase.paths.map(() => "200").join(",");
          if (statuses(oursOutcome) !== want) {
            wrong.push(`${testCase.name}: ${oursOutcome}, want ${want}`);
          }
          const known = KNOWN_DIFFERENCES[testCase.name];
          if (oursOutcome === nodeOutcome) {
            if (known) stale.push(testCase.name);
            continue;
          }
          differences++;
          if (!known || known.node !== statuses(nodeOutcome)) {
            unexplained.push(
              `${testCase.name}: ours ${oursOutcome.slice(0, 80)}, node ${
                nodeOutcome.slice(0, 80)
              }`,
            );
          }
        }
        console.log(
          `differential (${module}): ${
            BAD_REQUESTS.length + VALID_EDGE_CASES.length
          } corpus cases, ` +
            `${differences} justified differences from Node`,
        );
        if (stale.length > 0) {
          console.log(
            `  listed differences that now agree (Node changed?): ${
              stale.join("; ")
            }`,
          );
        }
        assert.deepEqual(
          wrong,
          [],
          "the server answers the corpus as the engine does",
        );
        assert.deepEqual(
          unexplained,
          [],
          "every disagreement is listed in robustness/known_differences.ts",
        );
      }),
  });

  Deno.test({
    name:
      `${module} and Node's llhttp answer seeded valid requests with the same paths`,
    ignore,
    fn: () =>
      withPeers(kind, async (ours, node) => {
        const rng = new Prng(611);
        for (let i = 0; i < 200; i++) {
          // Features llhttp's strict mode lacks (bare LF, whitespace before a chunk extension) stay out.
          const generated = generateRequest(rng, {
            bareLf: false,
            chunkExtBws: false,
          });
          const want = generated.expected.map((
            e,
          ) => (e.head ? "200" : `200 hello, ${e.path}`)).join(" | ");
          const oursOutcome = outcomeOf(
            (await exchange(ours.port, generated.bytes)).bytes,
            true,
          );
          const nodeOutcome = outcomeOf(
            (await exchange(node.port, generated.bytes)).bytes,
            false,
          );
          const shown = JSON.stringify(latin1(generated.bytes)).slice(0, 300);
          assert.equal(oursOutcome, want, `ours, request ${i}: ${shown}`);
          assert.equal(nodeOutcome, want, `node, request ${i}: ${shown}`);
        }
      }),
  });
}
