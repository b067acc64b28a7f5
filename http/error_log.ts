/**
 * The engine's default `onError`: every internal error (an app that throws,
 * a malformed response, a bug in the engine) is one line on stderr with its
 * message and stack, so no 500 goes unexplained. A flood of failing requests
 * must neither flood the terminal nor slow the server, so lines are rate
 * limited and the ones left out are counted and the count reported.
 *
 * @module
 */

import type { HttpRequest } from "./types.ts";

/** Called with every internal error the engine answers 500 for, and the request it was answering, if any. */
export type ErrorHook = (error: unknown, request?: HttpRequest) => void;

/** Lines written per window at most; the rest are counted. */
export const ERROR_LINES_PER_WINDOW = 10;
/** The window over which lines are counted, in milliseconds. */
export const ERROR_WINDOW_MS = 10_000;

/**
 * One line for an internal error: what was being answered, the error's
 * message, and its stack with the frames joined by " | ".
 */
export function formatErrorLine(error: unknown, request?: HttpRequest): string {
  const where = request === undefined
    ? "internal error"
    : `internal error answering ${request.method} ${request.target}`;
  const described = error instanceof Error
    ? (error.stack ?? `${error.name}: ${error.message}`)
    : `thrown value: ${String(error)}`;
  const cause = error instanceof Error && error.cause !== undefined
    ? ` | caused by: ${
      error.cause instanceof Error ? error.cause.stack : String(error.cause)
    }`
    : "";
  return `${where}: ${described}${cause}`.replace(/\s*\n\s*/g, " | ");
}

/** Writes a line to stderr, whole and at once (so it precedes any log batch). */
export function writeStderr(line: string): void {
  const bytes = new TextEncoder().encode(line + "\n");
  for (let offset = 0; offset < bytes.length;) {
    offset += Deno.stderr.writeSync(bytes.subarray(offset));
  }
}

/**
 * A rate-limited error log: up to {@linkcode ERROR_LINES_PER_WINDOW} lines
 * per {@linkcode ERROR_WINDOW_MS}; past that, errors are counted, and the
 * count is written when the window ends.
 *
 * @param write where lines go (default: stderr)
 * @param now the monotonic clock, in milliseconds
 */
export function createErrorLog(
  write: (line: string) => void = writeStderr,
  now: () => number = () => performance.now(),
): ErrorHook {
  let windowStart = -Infinity;
  let written = 0;
  let suppressed = 0;
  let flush: ReturnType<typeof setTimeout> | undefined;

  function reportSuppressed(): void {
    clearTimeout(flush);
    flush = undefined;
    if (suppressed === 0) return;
    write(
      `internal error: ${suppressed} more in the last ${
        ERROR_WINDOW_MS / 1000
      } s not shown`,
    );
    suppressed = 0;
  }

  return (error, request) => {
    const t = now();
    if (t - windowStart >= ERROR_WINDOW_MS) {
      reportSuppressed();
      windowStart = t;
      written = 0;
    }
    if (written < ERROR_LINES_PER_WINDOW) {
      written++;
      write(formatErrorLine(error, request));
      return;
    }
    if (suppressed++ === 0) {
      const timer = setTimeout(
        reportSuppressed,
        windowStart + ERROR_WINDOW_MS - t,
      );
      Deno.unrefTimer(timer);
      flush = timer;
    }
  };
}

/**
 * Gives `onError` an error; a hook that throws is ignored, so that it
 * cannot take the connection down with it.
 */
export function reportError(
  onError: ErrorHook,
  error: unknown,
  request?: HttpRequest,
): void {
  try {
    onError(error, request);
  } catch {
    // Ignored, as the handler's `onError` option says.
  }
}

/** The default hook of every handler: {@linkcode createErrorLog} to stderr. */
export const logInternalError: ErrorHook = createErrorLog();
