/**
 * A server's answer to one raw exchange, reduced to what the differential
 * tests compare: the final statuses, with the body named for each 200.
 *
 * @module
 */

import { parseResponseStream } from "../wire/response_parser.ts";

/**
 * Summarizes the bytes a server wrote as `"200 hello, /a | 400"`: interim
 * responses dropped (Node sends 100 Continue even when the body is already
 * there), bodies only for 200, and `!` plus the reason when the bytes do not
 * parse.
 */
export function outcomeOf(bytes: Uint8Array, strict: boolean): string {
  const parsed = parseResponseStream(bytes, { requireEngineHeaders: strict });
  const parts = parsed.responses
    .filter((r) => r.status !== 100)
    .map((
      r,
    ) => (r.status === 200 && !r.bodiless
      ? `200 ${new TextDecoder().decode(r.body)}`
      : String(r.status))
    );
  if (parsed.error) parts.push(`!${parsed.error.slice(0, 60)}`);
  return parts.join(" | ") || "(nothing)";
}
