/**
 * The one error the engine raises for bad input. It carries the status to
 * answer with; the connection turns it into an error response and closes.
 * Any other exception inside the engine is a bug, answered 500 and reported
 * through the handler's `onError`.
 *
 * @module
 */

/** A request the engine refuses, with the status that says why. */
export class HttpError extends Error {
  /** The 4xx or 5xx status to answer with. */
  readonly status: number;

  /**
   * @param status the status to answer with
   * @param message a short reason, sent in the response body
   * @param options `cause`: the error behind this one, kept for the log
   */
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HttpError";
    this.status = status;
  }
}

/** The engine's answer to input that breaks the grammar or the framing rules: a 400 saying why. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}
