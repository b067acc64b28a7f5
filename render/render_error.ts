/**
 * Turns nunjucks' nested, multi-line error messages into one line naming the
 * template, its line and column where known, and what went wrong.
 *
 * @module
 */
import { relative } from "node:path";

/** Where in which template an error happened, as far as it is known. */
export interface TemplateLocation {
  /** Template name relative to the templates folder, e.g. `base.html`. */
  template?: string;
  /** 1-based line in that template. */
  line?: number;
  /** 1-based column in that line. */
  column?: number;
}

/**
 * A user-caused rendering failure: missing template, undefined variable,
 * syntax error, bad argument. Its `message` is the whole one-line report,
 * e.g. `process_form.html:2:41: undefined variable "lastname"`.
 */
export class RenderError extends Error {
  /** Where the error happened; empty for errors outside any template. */
  readonly location: TemplateLocation;
  /** What went wrong, without the location prefix. */
  readonly detail: string;

  /**
   * @param detail What went wrong, one line.
   * @param location Where, when known.
   */
  constructor(detail: string, location: TemplateLocation = {}) {
    super(formatLocation(location) + detail);
    this.name = "RenderError";
    this.detail = detail;
    this.location = location;
  }
}

function formatLocation({ template, line, column }: TemplateLocation): string {
  if (template === undefined) return "";
  if (line === undefined) return `${template}: `;
  return column === undefined
    ? `${template}:${line}: `
    : `${template}:${line}:${column}: `;
}

/**
 * nunjucks wraps an error once per template it passes through, each time
 * prefixing `(path) [Line L, Column C]`; the last prefix is the innermost
 * template, where the error really is.
 */
const NUNJUCKS_LOCATION = /\((.+?)\)(?: \[Line (\d+)(?:, Column (\d+))?\])?\n/g;

/** The message nunjucks' `throwOnUndefined` check throws. */
const UNDEFINED_OUTPUT = "attempted to output null or undefined value";

const NOT_FOUND = /^template not found: (.*)$/;

/**
 * Converts an error thrown by `Environment.render` into a {@link RenderError}.
 *
 * @param error What nunjucks threw.
 * @param templatesDir Absolute templates folder, to shorten paths to names
 *   and to read the failing line back for an undefined variable's name.
 * @param values The context the template was rendered with.
 * @returns A one-line error; anything that is not a nunjucks error is
 *   returned as its own message so no stack trace reaches the user.
 */
export function fromNunjucksError(
  error: unknown,
  templatesDir: string,
  values: Readonly<Record<string, string>>,
): RenderError {
  const message = error instanceof Error ? error.message : String(error);
  const location: TemplateLocation & { path?: string } = {};
  for (const match of message.matchAll(NUNJUCKS_LOCATION)) {
    location.path = match[1];
    location.line = match[2] === undefined ? undefined : Number(match[2]);
    location.column = match[3] === undefined ? undefined : Number(match[3]);
  }
  if (location.path !== undefined) {
    location.template = relative(templatesDir, location.path);
  }
  const lastLine = message.split("\n").at(-1)!.trim()
    .replace(/^(Template render error: |Error: )+/, "");
  const where: TemplateLocation = {
    template: location.template,
    line: location.line,
    column: location.column,
  };

  const notFound = NOT_FOUND.exec(lastLine);
  if (notFound) {
    return new RenderError(
      `template "${notFound[1]}" not found in ${templatesDir}`,
      where,
    );
  }
  if (lastLine === UNDEFINED_OUTPUT && location.path !== undefined) {
    return new RenderError(
      describeUndefined(location.path, where, values),
      where,
    );
  }
  return new RenderError(lastLine, where);
}

/**
 * nunjucks reports only where the `{{ ... }}` starts, not which name was
 * missing; read that expression back and name its variables the context
 * lacks, so the user knows what to pass.
 */
function describeUndefined(
  path: string,
  { line, column }: TemplateLocation,
  values: Readonly<Record<string, string>>,
): string {
  const expression = readExpression(path, line, column);
  if (expression === undefined) return "undefined variable";
  const missing = freeNames(expression).filter((name) => !(name in values));
  if (missing.length === 0) return `undefined value in {{${expression}}}`;
  const quoted = missing.map((name) => `"${name}"`).join(", ");
  const hint = missing.map((name) => `${name}=VALUE`).join(" ");
  return `undefined variable ${quoted} (give it as ${hint})`;
}

function readExpression(
  path: string,
  line: number | undefined,
  column: number | undefined,
): string | undefined {
  if (line === undefined || column === undefined) return undefined;
  let source: string;
  try {
    source = Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
  const lines = source.split("\n");
  const rest = [lines[line - 1]?.slice(column - 1) ?? "", ...lines.slice(line)]
    .join("\n");
  return /^\{\{-?([\s\S]*?)-?\}\}/.exec(rest)?.[1];
}

const KEYWORDS = new Set([
  "and",
  "or",
  "not",
  "in",
  "is",
  "if",
  "else",
  "true",
  "false",
  "none",
  "True",
  "False",
  "None",
]);

/**
 * Variable names an expression reads: identifiers that are not attributes
 * (`.name`), filters (`| upper`), tests (`is defined`), keyword arguments or
 * keywords. Good enough for a message; the render already failed.
 */
function freeNames(expression: string): string[] {
  const withoutStrings = expression.replace(/"[^"]*"|'[^']*'/g, '""');
  const names: string[] = [];
  for (const match of withoutStrings.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const before = withoutStrings.slice(0, match.index).trimEnd();
    const after = withoutStrings.slice(match.index + match[0].length)
      .trimStart();
    const isMember = /[.|]$/.test(before) || /\bis(\s+not)?$/.test(before);
    const isKeywordArgument = after.startsWith("=") && !after.startsWith("==");
    if (isMember || isKeywordArgument || KEYWORDS.has(match[0])) continue;
    if (!names.includes(match[0])) names.push(match[0]);
  }
  return names;
}
