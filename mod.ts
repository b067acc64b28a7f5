/**
 * A hand-written HTTP/1.1 engine for raw TCP connections, and the hello app
 * it serves.
 *
 * {@linkcode handleConnection} reads at most once per call, answers every
 * whole request received, and returns `[close, state]`. Pass the state back
 * on the next call; close the connection when `close` is true.
 *
 * @example A blocking server in six lines
 * ```ts ignore
 * import { handleConnection } from "./mod.ts";
 *
 * for await (const conn of Deno.listen({ port: 8080 })) {
 *   let [close, state] = await handleConnection(conn);
 *   while (!close) [close, state] = await handleConnection(conn, state);
 *   conn.close();
 * }
 * ```
 *
 * @example Another app on the same engine, with its own error hook
 * ```ts
 * import { createConnectionHandler } from "./mod.ts";
 *
 * const handle = createConnectionHandler(
 *   (request) => ({
 *     status: 200,
 *     body: JSON.stringify({ method: request.method, path: request.path }),
 *     headers: { "Content-Type": "application/json" },
 *   }),
 *   { onError: (error, request) => console.error(request?.target, error) },
 * );
 * ```
 *
 * @example The hello app on the plain engine, and with the speed layer the servers run (same bytes, faster when requests repeat)
 * ```ts
 * import { createConnectionHandler, helloApp } from "./mod.ts";
 * import { memoFor } from "./http/memo/mod.ts";
 *
 * const plain = createConnectionHandler(helloApp);
 * const fast = createConnectionHandler(helloApp, { memo: memoFor(helloApp) });
 * ```
 *
 * @module
 */

export * from "./handler.ts";
