/**
 * The {@linkcode ServerHandle} both servers return from `serveOn`: the
 * addresses they listen on, and a `stop` that runs once however often it is
 * called.
 *
 * @module
 */

import type { Listeners } from "./listen.ts";
import type { ServerHandle } from "./options.ts";

/**
 * The handle of a server serving on `listeners` (already listening, so
 * `ready` is resolved) that stops with `stop`; `finished` resolves once
 * `stop` has.
 */
export function serverHandle(
  listeners: Listeners,
  stop: () => Promise<void>,
): ServerHandle {
  let resolveFinished: (reason: undefined) => void;
  const finished = new Promise<undefined>((resolve) =>
    resolveFinished = resolve
  );
  let stopped: Promise<void> | undefined;
  const stopOnce = () =>
    stopped ??= stop().then(() => resolveFinished(undefined));
  const [addr] = listeners.addrs;
  return {
    addr,
    addrs: listeners.addrs,
    families: listeners.families,
    ready: Promise.resolve(),
    finished,
    stop: stopOnce,
    [Symbol.asyncDispose]: stopOnce,
  };
}
