/**
 * What every mode of `deno task probe` shares about its command line: the
 * usage error (one line, exit status 2), and paths taken from the folder the
 * user ran the command in.
 *
 * @module
 */

/** A usage error: `message` is its one line. */
export class UsageError extends Error {}

/**
 * The folder the user ran the command in: `deno task` runs in the project's
 * root but says where it was started in `INIT_CWD`. Relative paths and
 * `--start` commands are taken from there.
 */
export function userDir(): string {
  return Deno.env.get("INIT_CWD") ?? Deno.cwd();
}

/** `path` taken from the user's folder unless it is absolute. */
export function fromUserDir(path: string): string {
  return path.startsWith("/") ? path : `${userDir()}/${path}`;
}
