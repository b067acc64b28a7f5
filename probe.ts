/**
 * `deno task probe`: grades any implementation of the brief, in any language,
 * by what goes over the wire. See `probe/cli.ts` and the README's section
 * "Grading an implementation of the brief".
 *
 * @module
 */

import { main } from "./probe/cli.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
