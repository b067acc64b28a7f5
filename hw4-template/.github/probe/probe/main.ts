/**
 * `deno task probe`: grades any implementation of the brief, in any language,
 * by what goes over the wire. See `probe/cli.ts`, `docs/probe.md` (how to use
 * it) and `docs/probe-checks.md` (every check).
 *
 * @module
 */

import { main } from "./cli.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
