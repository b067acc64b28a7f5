/**
 * The {@linkcode ServerHandle} every server returns, built in one place: one
 * server's `serveOn` and the workers' supervisor alike. It holds the
 * addresses listened on, and a `stop` that runs once however often it is
 * called (by the user, or by the server itself when it cannot go on);
 * `finished` resolves when it has.
 *
 * @module
 */

import type { ServerHandle } from "./options.ts";

/** Where a server listens: its sockets (`Listeners`), or the addresses its workers share. */
export interface ListeningOn {
  /** The addresses listened on, the first being the main one. */
  readonly addrs: readonly Deno.NetAddr[];
  /** Which IP families reach the server, e.g. `"IPv4 and IPv6"`. */
  readonly families: string;
  /** Resolves to why, if the sockets can no longer accept: the server then stops on its own. */
  readonly gaveUp?: Promise<string>;
}

/**
 * The handle of a server listening on `on` that stops with `stop`, and
 * stops on its own if its sockets give up accepting.
 *
 * @param stop stops the server; resolves to why it stopped on its own, if
 * it did (what `finished` then resolves to), else to nothing
 * @param ready resolves once the server listens; by default it already does
 */
export function serverHandle(
  on: ListeningOn,
  stop: () => Promise<string | undefined | void>,
  ready: Promise<void> = Promise.resolve(),
): ServerHandle {
  const finished = Promise.withResolvers<string | undefined>();
  let stopped: Promise<void> | undefined;
  let gaveUp: string | undefined;
  const stopOnce = () =>
    stopped ??= stop().then((reason) =>
      finished.resolve(reason ?? gaveUp ?? undefined)
    );
  on.gaveUp?.then((reason) => {
    gaveUp = reason;
    stopOnce();
  });
  const addrs = on.addrs;
  return {
    addr: addrs[0],
    addrs,
    families: on.families,
    ready,
    finished: finished.promise,
    stop: stopOnce,
    [Symbol.asyncDispose]: stopOnce,
  };
}
