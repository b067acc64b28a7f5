/**
 * The one error the engine raises for bad input. It carries the status to
 * answer with; the connection turns it into an error response and closes.
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
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}
