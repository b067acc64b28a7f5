/**
 * The V8 flags `webserve_nb` is launched with: by `deno task start:nb`, by
 * `deno task compile` (which bakes them into the executable) and by
 * `deno task bench`.
 *
 * @module
 */

/**
 * Caps each of V8's two young-generation semi-spaces at 1 MB.
 *
 * V8 doubles its young generation while many long-lived objects arrive at
 * once, as when thousands of connections open together, and keeps that space
 * while the server then sits idle: about 3 KB per connection at 5,000 idle
 * connections. With the cap an idle connection holds about 7 KB instead of
 * about 10 KB (`deno task bench`, rows `nb` and `nb-plain`). Short-lived garbage is collected more often: at most a few
 * percent of the server's time under keep-alive load, as the bench's
 * `nb-plain` row shows beside `nb`.
 */
export const NON_BLOCKING_V8_FLAGS: readonly string[] = [
  "--max-semi-space-size=1",
];

/** `flags` as the single argument `deno run` and `deno compile` take. */
export function v8FlagsArgument(flags: readonly string[]): string {
  return `--v8-flags=${flags.join(",")}`;
}
