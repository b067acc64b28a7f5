/**
 * Command-line arguments of `deno task render`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { RenderError } from "./render_error.ts";

/** The template rendered when none is named. */
export const DEFAULT_TEMPLATE = "process_form.html";

/** One line of usage, printed by `--help`. */
export const USAGE =
  "usage: deno task render [template] [name=value ...] [--out FILE] [--templates DIR]";

/** What the command line asked for. */
export interface RenderArgs {
  /** Template name inside the templates folder. */
  template: string;
  /** Variables given as `name=value`, in no particular order. */
  values: Record<string, string>;
  /** File to write the page to, instead of stdout. */
  out?: string;
  /** Templates folder, when not the default one beside render/. */
  templatesDir?: string;
  /** `--help` was given: print usage and do nothing else. */
  help: boolean;
}

/** A template variable name, as both Jinja2 and nunjucks accept it. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses `[template] [name=value ...] [--out FILE] [--templates DIR]`.
 *
 * @param argv The arguments after the script name.
 * @returns The parsed request.
 * @throws {RenderError} For an unknown flag, a second template name, a bad
 *   variable name or a variable given twice.
 */
export function parseRenderArgs(argv: string[]): RenderArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: "string", short: "o" },
        templates: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    // node's messages run on with advice about `--`; its first sentence
    // ("Unknown option '--bogus'") is the part the user needs.
    const firstSentence = (error as Error).message.split(". ")[0];
    throw new RenderError(`${firstSentence} (${USAGE})`);
  }

  const templates: string[] = [];
  const values: Record<string, string> = {};
  for (const argument of parsed.positionals) {
    const equals = argument.indexOf("=");
    if (equals < 0) {
      templates.push(argument);
      continue;
    }
    const name = argument.slice(0, equals);
    if (!VARIABLE_NAME.test(name)) {
      throw new RenderError(
        `"${name}" is not a variable name (in "${argument}")`,
      );
    }
    if (Object.hasOwn(values, name)) {
      throw new RenderError(`variable "${name}" given twice`);
    }
    values[name] = argument.slice(equals + 1);
  }
  if (templates.length > 1) {
    throw new RenderError(
      `one template at a time, got ${
        templates.map((t) => `"${t}"`).join(" and ")
      }`,
    );
  }

  return {
    template: templates[0] ?? DEFAULT_TEMPLATE,
    values,
    out: parsed.values.out,
    templatesDir: parsed.values.templates,
    help: parsed.values.help ?? false,
  };
}
