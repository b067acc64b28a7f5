/**
 * The fuzz loop: seeded cases (valid pipelines, and mutations of them) run
 * through {@link checkInput} until a time or case budget runs out. Every
 * failure carries the case seed that replays it and a shrunk input.
 *
 * @module
 */

import { latin1 } from "../wire/bytes.ts";
import { Prng } from "../wire/prng.ts";
import type { SessionHandler } from "../testing/session.ts";
import {
  type ExpectedAnswer,
  generateRequest,
  type GeneratorOptions,
} from "./generator.ts";
import { mutate } from "./mutator.ts";
import { checkInput } from "./properties.ts";
import { failureKind, shrink } from "./shrink.ts";

/** One fuzz case, rebuilt from its seed. */
export interface FuzzCase {
  /** The seed that rebuilds this case. */
  caseSeed: number;
  /** `valid` cases must be answered as generated; `mutated` ones only keep the general properties. */
  kind: "valid" | "mutated";
  /** The bytes sent. */
  bytes: Uint8Array;
  /** The answers owed (valid cases only). */
  expected?: ExpectedAnswer[];
}

/** A failing case, with its shrunk form. */
export interface FuzzFailure {
  /** The case that failed. */
  fuzzCase: FuzzCase;
  /** Why it failed. */
  message: string;
  /** The smallest input found that fails the same way. */
  minimal: Uint8Array;
  /** Why the minimal input fails. */
  minimalMessage: string;
}

/** What a fuzz run did. */
export interface FuzzReport {
  /** Cases run. */
  cases: number;
  /** Of which mutated. */
  mutated: number;
  /** Failures, at most one per failure kind. */
  failures: FuzzFailure[];
  /** Wall time of the run. */
  elapsedMs: number;
}

/** Budget and reporting for {@link fuzz}. */
export interface FuzzOptions {
  /** The run's seed; case `i` uses {@link caseSeedOf}(seed, i). */
  seed: number;
  /** Stop after this many milliseconds. */
  durationMs?: number;
  /** Stop after this many cases. */
  maxCases?: number;
  /** Stop at the first failure (tests) instead of collecting one per kind. */
  stopAtFirstFailure?: boolean;
  /** Share of cases that are mutated. Default 0.6. */
  mutatedShare?: number;
  /** Generator features (all on by default). */
  generator?: GeneratorOptions;
}

/** The seed of case `index` of a run seeded `seed`. */
export function caseSeedOf(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** Rebuilds a case from its seed. */
export function caseFromSeed(
  caseSeed: number,
  mutatedShare = 0.6,
  generator: GeneratorOptions = {},
): FuzzCase {
  const rng = new Prng(caseSeed);
  const request = generateRequest(rng, generator);
  if (rng.chance(mutatedShare)) {
    return { caseSeed, kind: "mutated", bytes: mutate(rng, request.bytes) };
  }
  return {
    caseSeed,
    kind: "valid",
    bytes: request.bytes,
    expected: request.expected,
  };
}

/** Shrinks a failing case; valid cases shrink under the general properties only, so a failure only they show stays unshrunk. */
export async function shrinkFailure(
  handler: SessionHandler,
  fuzzCase: FuzzCase,
  message: string,
): Promise<FuzzFailure> {
  const kind = failureKind(message);
  let minimalMessage = message;
  const generalMessage = fuzzCase.expected
    ? await checkInput(handler, fuzzCase.bytes, undefined, fuzzCase.caseSeed)
    : message;
  if (!generalMessage || failureKind(generalMessage) !== kind) {
    return { fuzzCase, message, minimal: fuzzCase.bytes, minimalMessage };
  }
  const minimal = await shrink(fuzzCase.bytes, async (candidate) => {
    const result = await checkInput(
      handler,
      candidate,
      undefined,
      fuzzCase.caseSeed,
    );
    if (result === undefined || failureKind(result) !== kind) return false;
    minimalMessage = result;
    return true;
  });
  return { fuzzCase, message, minimal, minimalMessage };
}

/** Runs cases until the budget is spent. */
export async function fuzz(
  handler: SessionHandler,
  options: FuzzOptions,
): Promise<FuzzReport> {
  const started = performance.now();
  const deadline = started + (options.durationMs ?? Infinity);
  const maxCases = options.maxCases ?? Infinity;
  const failures: FuzzFailure[] = [];
  const seenKinds = new Set<string>();
  let cases = 0;
  let mutated = 0;
  while (cases < maxCases && performance.now() < deadline) {
    const fuzzCase = caseFromSeed(
      caseSeedOf(options.seed, cases),
      options.mutatedShare,
      options.generator,
    );
    cases++;
    if (fuzzCase.kind === "mutated") mutated++;
    const message = await checkInput(
      handler,
      fuzzCase.bytes,
      fuzzCase.expected,
      fuzzCase.caseSeed,
    );
    if (message === undefined || seenKinds.has(failureKind(message))) continue;
    seenKinds.add(failureKind(message));
    failures.push(await shrinkFailure(handler, fuzzCase, message));
    if (options.stopAtFirstFailure) break;
  }
  return { cases, mutated, failures, elapsedMs: performance.now() - started };
}

/** A failure as lines a person can act on: how to replay it and the minimal input. */
export function describeFailure(failure: FuzzFailure): string {
  const { fuzzCase } = failure;
  return [
    `fuzz failure (${fuzzCase.kind} case, case seed ${fuzzCase.caseSeed}; replay: deno task fuzz --case-seed ${fuzzCase.caseSeed})`,
    `  ${failure.message.split("\n")[0]}`,
    `  input (${fuzzCase.bytes.length} bytes): ${
      JSON.stringify(latin1(fuzzCase.bytes)).slice(0, 2000)
    }`,
    `  minimal (${failure.minimal.length} bytes): ${
      JSON.stringify(latin1(failure.minimal))
    }`,
    `  minimal fails with: ${failure.minimalMessage.split("\n")[0]}`,
  ].join("\n");
}
