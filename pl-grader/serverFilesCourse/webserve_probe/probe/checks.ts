/**
 * Every check of a running server, in the order they run: hello, bodies,
 * framing, responses, concurrency. (Group `structure` looks at a
 * submission's files instead: see `structure.ts`.)
 *
 * @module
 */

import type { Check, Group, Kind } from "./check.ts";
import { BODY_CHECKS } from "./checks_bodies.ts";
import { concurrencyChecks } from "./checks_concurrency.ts";
import { FRAMING_CHECKS } from "./checks_framing.ts";
import { HELLO_CHECKS } from "./checks_hello.ts";
import { RESPONSE_CHECKS } from "./checks_responses.ts";

/** The checks of a server of `kind` (unknown: the nb-only ones are skipped), optionally of one group. */
export function serverChecks(kind: Kind | undefined, only?: Group): Check[] {
  const all = [
    ...HELLO_CHECKS,
    ...BODY_CHECKS,
    ...FRAMING_CHECKS,
    ...RESPONSE_CHECKS,
    ...concurrencyChecks(kind),
  ];
  return only === undefined ? all : all.filter((check) => check.group === only);
}
