/**
 * The one nunjucks environment the render tool uses, configured explicitly so
 * that nothing depends on nunjucks' defaults.
 *
 * @module
 */
// @ts-types="@types/nunjucks"
import nunjucks from "nunjucks";

/**
 * Creates a nunjucks environment that loads templates from `templatesDir`.
 *
 * - autoescape on: every `{{ value }}` is HTML-escaped, as Jinja2 does with
 *   `autoescape=True`;
 * - throwOnUndefined: outputting a variable the context lacks is an error,
 *   the nearest nunjucks has to Jinja2's `StrictUndefined`;
 * - trimBlocks and lstripBlocks off, matching Jinja2's defaults, so both
 *   engines give the same whitespace around tags.
 *
 * @param templatesDir Absolute path of the folder holding the templates; the
 *   loader refuses names that resolve outside it (such as `../x`).
 * @returns A ready environment; `render(name, context)` throws on any error.
 */
export function createEnvironment(templatesDir: string): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(templatesDir, {
    watch: false,
    noCache: true,
  });
  return new nunjucks.Environment(loader, {
    autoescape: true,
    throwOnUndefined: true,
    trimBlocks: false,
    lstripBlocks: false,
  });
}
