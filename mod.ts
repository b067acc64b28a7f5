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
 * import { createConnectionHandler, helloApp, memoFor } from "./mod.ts";
 *
 * const plain = createConnectionHandler(helloApp);
 * const fast = createConnectionHandler(helloApp, { memo: memoFor });
 * ```
 *
 * @module
 */

export {
  closeAfterResponse,
  type ConnectionHandler,
  connectionPhase,
  createConnectionHandler,
  handleConnection,
  type HandlerOptions,
  handleTimeout,
  refuseConnection,
} from "./handler.ts";
export type { ConnectionState } from "./http/connection.ts";
export {
  createErrorLog,
  type ErrorHook,
  formatErrorLine,
} from "./http/error_log.ts";
export type { HeadReader, HeadSlot, RequestHead } from "./http/head_reader.ts";
export { ALLOWED_METHODS, helloApp } from "./http/hello_app.ts";
export { holdDateClock } from "./http/http_date.ts";
export { HttpError } from "./http/http_error.ts";
export {
  DEFAULT_LIMITS,
  type Limits,
  MAX_CHUNK_LINE_BYTES,
  MAX_HEAD_BYTES,
  MAX_HEADER_FIELDS,
  MAX_METHOD_BYTES,
  MAX_TARGET_BYTES,
} from "./http/limits.ts";
export { memoFor } from "./http/memo/mod.ts";
export type { ResponseWriter } from "./http/response.ts";
export { plainSeams, type Seams, type SpeedLayer } from "./http/seams.ts";
export type {
  AccessLogEntry,
  App,
  CallReport,
  ConnectionOptions,
  ConnectionPhase,
  HeaderField,
  HttpRequest,
  HttpResponse,
  Socket,
} from "./http/types.ts";
export { newConnectionState } from "./http/watched_connection.ts";
