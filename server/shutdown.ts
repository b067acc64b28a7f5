/**
 * Graceful shutdown on SIGINT and SIGTERM, for the command line: the first
 * signal stops the server (finishing requests in flight); a second one
 * exits at once.
 *
 * @module
 */

/** The signals that stop a server. */
export const SHUTDOWN_SIGNALS: readonly Deno.Signal[] =
  Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];

/** Exit status when a second signal cuts a graceful stop short. */
export const FORCED_EXIT_STATUS = 130;

/**
 * Resolves with the signal's name once the first shutdown signal arrives.
 * After it, another signal calls `onSecondSignal` (default: exit at once).
 */
export function waitForShutdownSignal(
  onSecondSignal: () => void = () => Deno.exit(FORCED_EXIT_STATUS),
): Promise<Deno.Signal> {
  return new Promise((resolve) => {
    let received = false;
    for (const signal of SHUTDOWN_SIGNALS) {
      Deno.addSignalListener(signal, () => {
        if (received) return onSecondSignal();
        received = true;
        resolve(signal);
      });
    }
  });
}
