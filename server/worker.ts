/**
 * One worker: the module each worker thread runs (`new Worker` in
 * `workers.ts`). It opens its own sockets on the server's addresses with
 * `SO_REUSEPORT`, runs the server's own loop on them (`serveOn` of
 * `webserve.ts` or `webserve_nb.ts`, the same code as with one worker) and
 * sends its access log to the supervisor; on `stop` it drains and closes
 * itself. The messages are in `worker_protocol.ts`.
 *
 * @module
 */

import { listenShared } from "./listen.ts";
import { LogRelay } from "./log_relay.ts";
import type { ServerHandle } from "./options.ts";
import {
  describeError,
  type FromWorker,
  type LineStream,
  type ServerModule,
  type StartMessage,
  type ToWorker,
} from "./worker_protocol.ts";

/** The parts of a worker's global scope used here (the `deno.worker` lib, without mixing libs). */
interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  addEventListener(
    type: "error" | "unhandledrejection",
    listener: (event: ErrorEvent | PromiseRejectionEvent) => void,
  ): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;

/** The writer of one line stream, through the supervisor. */
function relayFor(stream: LineStream): LogRelay {
  return new LogRelay((bytes) =>
    scope.postMessage({ type: "lines", stream, bytes }, [bytes.buffer])
  );
}

const relays: Record<LineStream, LogRelay> = {
  log: relayFor("log"),
  trace: relayFor("trace"),
};

/** The server, once started; `undefined` if it could not listen. */
let started: Promise<ServerHandle | undefined> = Promise.resolve(undefined);

async function start(message: StartMessage): Promise<ServerHandle | undefined> {
  const module = await import(message.serverModule) as ServerModule;
  let listeners;
  try {
    listeners = listenShared(message.addrs, message.families);
  } catch (error) {
    scope.postMessage({ type: "failed", error: describeError(error) });
    return undefined;
  }
  const options = {
    ...message.options,
    logWriter: message.options.quiet ? undefined : relays.log,
    traceWriter: message.options.trace ? relays.trace : undefined,
  };
  const server = module.serveOn(listeners, options, message.share);
  scope.postMessage({ type: "listening" });
  // Stopped on its own (its sockets gave up): a death, for the supervisor to restart.
  server.finished.then((reason) => {
    if (reason !== undefined) die(reason);
  });
  return server;
}

async function stop(): Promise<void> {
  const server = await started;
  await server?.stop();
  scope.postMessage({ type: "stopped" });
  scope.close();
}

/** Whatever a worker did not catch ends it: said in one line to the supervisor, no stack printed. */
function uncaught(event: ErrorEvent | PromiseRejectionEvent): void {
  event.preventDefault();
  die(
    "reason" in event
      ? `unhandled rejection: ${describeError(event.reason).message}`
      : event.message,
  );
}

/** Ends this worker, telling the supervisor why. */
function die(reason: string): void {
  scope.postMessage({ type: "died", reason });
  scope.close();
}

scope.addEventListener("error", uncaught);
scope.addEventListener("unhandledrejection", uncaught);

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case "start":
      started = start(message);
      break;
    case "written":
      relays[message.stream].written();
      break;
    case "stop":
      stop();
      break;
  }
};
