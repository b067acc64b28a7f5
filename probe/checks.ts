/**
 * Every check of a running server, in the order they run: hello, framing,
 * bodies, responses, concurrency, methods. A check's prerequisites come
 * before it (`probe/checks_test.ts` holds that). (Group `structure`
 * looks at a submission's files instead: see `structure.ts`.)
 *
 * @module
 */

import type { Check, Group, Kind } from "./check.ts";
import { BODY_CHECKS } from "./checks_bodies.ts";
import {
  concurrencyChecks,
  type ConcurrencyLimits,
} from "./checks_concurrency.ts";
import { FRAMING_CHECKS } from "./checks_framing.ts";
import { HELLO_CHECKS } from "./checks_hello.ts";
import { METHOD_CHECKS } from "./checks_methods.ts";
import { RESPONSE_CHECKS } from "./checks_responses.ts";

/** The checks of a server of `kind` (unknown: the nb-only ones are skipped), optionally of one group. */
export function serverChecks(
  kind: Kind | undefined,
  only?: Group,
  limits?: ConcurrencyLimits,
): Check[] {
  const all = [
    ...HELLO_CHECKS,
    ...FRAMING_CHECKS,
    ...BODY_CHECKS,
    ...RESPONSE_CHECKS,
    ...concurrencyChecks(kind, limits),
    ...METHOD_CHECKS,
  ];
  return only === undefined ? all : all.filter((check) => check.group === only);
}
