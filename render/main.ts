/**
 * `deno task render [template] [name=value ...] [--out FILE]`: renders a
 * Jinja2-style template from `templates/` with nunjucks and prints the page.
 *
 * The task grants only `--allow-read=templates`. `--out FILE` asks Deno for
 * write access to that one file when it is used: a terminal prompts, anything
 * else is refused with the flag to pass instead (or redirect stdout).
 *
 * @example
 * ```sh
 * deno task render process_form.html firstname=Ada lastname=Lovelace
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";
import { parseRenderArgs, USAGE } from "./cli_args.ts";
import { RenderError } from "./render_error.ts";
import { renderTemplate } from "./render_template.ts";

/** Exit status for a bad command line. */
const EXIT_USAGE = 2;
/** Exit status for a failed render or write. */
const EXIT_FAILURE = 1;

/**
 * Runs the render command.
 *
 * @param argv Arguments after the script name.
 * @returns The process exit status; errors are already printed, one line
 *   each, on stderr.
 */
export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseRenderArgs(argv);
  } catch (error) {
    if (!(error instanceof RenderError)) throw error;
    console.error(`render: ${error.message}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  try {
    const templatesDir = resolve(args.templatesDir ?? defaultTemplatesDir());
    await requirePermission(
      { name: "read", path: templatesDir },
      `read access to ${templatesDir}: run with --allow-read=${templatesDir}`,
    );
    const page = renderTemplate({
      templatesDir,
      template: args.template,
      values: args.values,
    });
    if (args.out === undefined) {
      await writeStdout(page);
    } else {
      await writePage(args.out, page);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof RenderError)) throw error;
    console.error(`render: ${error.message}`);
    return EXIT_FAILURE;
  }
}

/** `templates/` beside this file, wherever the command is started from. */
function defaultTemplatesDir(): string {
  if (import.meta.dirname === undefined) {
    throw new RenderError(
      "render/main.ts is not a local file: give the templates folder with --templates DIR",
    );
  }
  return join(import.meta.dirname, "..", "templates");
}

/**
 * Asks for a permission the task may not have granted: granted at once if it
 * was, prompted for in a terminal, refused elsewhere.
 */
async function requirePermission(
  descriptor: Deno.PermissionDescriptor,
  needed: string,
): Promise<void> {
  const status = await Deno.permissions.request(descriptor);
  if (status.state !== "granted") throw new RenderError(`needs ${needed}`);
}

async function writePage(out: string, page: string): Promise<void> {
  const path = resolve(out);
  await requirePermission(
    { name: "write", path },
    `write access to ${path} for --out: answer Deno's prompt in a terminal, ` +
      `run deno run --allow-read=templates --allow-write=${path} render/main.ts, ` +
      `or redirect stdout instead`,
  );
  try {
    await Deno.writeTextFile(path, page);
  } catch (error) {
    throw new RenderError(`cannot write ${path}: ${(error as Error).message}`);
  }
  console.error(`render: wrote ${path}`);
}

/** `Deno.stdout.write` may write part of the buffer: loop until all is out. */
async function writeStdout(page: string): Promise<void> {
  const bytes = new TextEncoder().encode(page);
  for (let offset = 0; offset < bytes.length;) {
    offset += await Deno.stdout.write(bytes.subarray(offset));
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
