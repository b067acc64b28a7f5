/**
 * The V8 flags `webserve_nb` is launched with: by `deno task start:nb`, by
 * `deno task compile` (which bakes them into the executable) and by
 * `deno task bench`.
 *
 * @module
 */

/**
 * Caps each of V8's two young-generation semi-spaces at 2 MB.
 *
 * V8 doubles its young generation while many long-lived objects arrive at
 * once, as when thousands of connections open together, and keeps that space
 * while the server then sits idle: about 3 KB per connection at 5,000 idle
 * connections. With the cap an idle connection holds about 7 KB instead of
 * about 10 KB (`deno task bench`, rows `nb` and `nb-plain`). Short-lived
 * garbage is collected more often, and each young collection copies what
 * every connection has in flight (about 80 KB at 50 busy connections)
 * whatever the cap: at 1 MB that was about 2.4% of the server's time at
 * keep-alive 50 (`--trace-gc`), at 2 MB about 1.5%, while an idle
 * connection cost 0.1 to 0.3 KB more; at 4 MB it reached 8 KB.
 */
export const NON_BLOCKING_V8_FLAGS: readonly string[] = [
  "--max-semi-space-size=2",
];

/** `flags` as the single argument `deno run` and `deno compile` take. */
export function v8FlagsArgument(flags: readonly string[]): string {
  return `--v8-flags=${flags.join(",")}`;
}
