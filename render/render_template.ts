/**
 * Renders one template to a string, turning every failure into a one-line
 * {@link RenderError}.
 *
 * @module
 */
import { createEnvironment } from "./environment.ts";
import { fromNunjucksError, RenderError } from "./render_error.ts";

/** What to render and with what. */
export interface RenderRequest {
  /** Absolute path of the templates folder. */
  templatesDir: string;
  /** Template name inside that folder, e.g. `process_form.html`. */
  template: string;
  /** The context: each name a template variable, each value a string. */
  values: Readonly<Record<string, string>>;
}

/**
 * Renders `template` from `templatesDir` with `values`, autoescaped, with
 * undefined variables an error.
 *
 * @param request What to render.
 * @returns The rendered page.
 * @throws {RenderError} For a missing template, a syntax error or an
 *   undefined variable; the message is one line naming the template.
 */
export function renderTemplate(request: RenderRequest): string {
  const { templatesDir, template, values } = request;
  try {
    // A fresh object with no prototype, so a template reading `constructor`
    // or `toString` finds nothing instead of Object.prototype's members.
    const context: Record<string, string> = Object.assign(
      Object.create(null),
      values,
    );
    return createEnvironment(templatesDir).render(template, context);
  } catch (error) {
    if (error instanceof RenderError) throw error;
    throw fromNunjucksError(error, templatesDir, values);
  }
}
