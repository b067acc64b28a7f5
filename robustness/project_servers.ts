/**
 * Starts the project's servers in-process on a free loopback port, for the
 * differential and fault tests.
 *
 * @module
 */

import type { RunningPeer } from "./peers.ts";

/** The two servers: `webserve.ts` (blocking) and `webserve_nb.ts` (non-blocking). */
export type ServerKind = "blocking" | "non-blocking";

/** The module of each server. */
export const SERVER_MODULES: Record<ServerKind, string> = {
  blocking: "webserve.ts",
  "non-blocking": "webserve_nb.ts",
};

interface ServerModule {
  serve(
    options: Record<string, unknown>,
  ): { addr: Deno.NetAddr; stop(): Promise<void> };
}

/** Why a server cannot be started here, or `undefined` when it can. */
export function serverMissing(kind: ServerKind): string | undefined {
  const url = new URL(`../${SERVER_MODULES[kind]}`, import.meta.url);
  try {
    Deno.statSync(url);
    return undefined;
  } catch {
    return `${SERVER_MODULES[kind]} is not there yet`;
  }
}

/** Starts a server on 127.0.0.1 with a free port, quiet, with any extra `options`. */
export async function startProjectServer(
  kind: ServerKind,
  options: Record<string, unknown> = {},
): Promise<RunningPeer> {
  const module = await import(
    new URL(`../${SERVER_MODULES[kind]}`, import.meta.url).href
  ) as ServerModule;
  const server = module.serve({
    port: 0,
    hostname: "127.0.0.1",
    quiet: true,
    ...options,
  });
  return { port: server.addr.port, stop: () => server.stop() };
}
