/**
 * The command-line entry shared by both servers: parse the arguments, start
 * the server, print where it listens, and stop it gracefully on a signal.
 * Every user mistake ends as one line on stderr and a non-zero status.
 *
 * @module
 */

import {
  helpText,
  parseCommandLine,
  programName,
  type ServerKind,
  UsageError,
  usageHint,
} from "./cli.ts";
import { addressUrl, describeListenError } from "./listen.ts";
import type {
  BlockingServeOptions,
  NonBlockingServeOptions,
  ServerHandle,
} from "./options.ts";
import { waitForShutdownSignal } from "./shutdown.ts";
import {
  resolveWorkers,
  workersUnavailable,
  WorkersUnavailableError,
} from "./worker_count.ts";

/** Exit status for a bad command line (as in many Unix tools). */
export const USAGE_EXIT_STATUS = 2;

/** Exit status when the server cannot start. */
export const START_FAILURE_EXIT_STATUS = 1;

const encoder = new TextEncoder();

/** Writes one line to stdout or stderr synchronously, so it precedes any log batch. */
function writeLine(
  stream: typeof Deno.stdout | typeof Deno.stderr,
  line: string,
): void {
  const bytes = encoder.encode(line + "\n");
  let offset = 0;
  while (offset < bytes.length) {
    offset += stream.writeSync(bytes.subarray(offset));
  }
}

/**
 * The start-up line: `webserve_nb (non-blocking) listening on
 * http://[::]:8080/ (IPv4 and IPv6)`, with `; 2 workers` inside the
 * parentheses when there are several.
 */
export function startupLine(
  kind: ServerKind,
  server: ServerHandle,
  workers = 1,
): string {
  const name = kind === "blocking" ? "webserve" : "webserve_nb";
  const count = workers > 1 ? `; ${workers} workers` : "";
  return `${name} (${kind}) listening on ${
    addressUrl(server.addr)
  } (${server.families}${count})`;
}

/**
 * Runs a server from the command line until SIGINT or SIGTERM; resolves to
 * the exit status.
 */
export async function runServerCli(
  kind: ServerKind,
  args: readonly string[],
  serve: (
    options: BlockingServeOptions & NonBlockingServeOptions,
  ) => ServerHandle,
): Promise<number> {
  const name = programName(kind);
  let request;
  try {
    request = parseCommandLine(args, kind);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    writeLine(Deno.stderr, `${name}: ${error.message}`);
    writeLine(Deno.stderr, usageHint(kind));
    return USAGE_EXIT_STATUS;
  }
  if (request.action === "help") {
    writeLine(Deno.stdout, helpText(kind));
    return 0;
  }
  const { options } = request;
  const workers = resolveWorkers(options.workers);
  const unavailable = workers > 1 ? workersUnavailable() : undefined;
  if (unavailable !== undefined) {
    writeLine(
      Deno.stderr,
      `${name}: ${new WorkersUnavailableError(workers, unavailable).message}`,
    );
    writeLine(Deno.stderr, usageHint(kind));
    return USAGE_EXIT_STATUS;
  }
  let server: ServerHandle;
  try {
    server = serve(options);
    await server.ready;
  } catch (error) {
    writeLine(
      Deno.stderr,
      `${name}: ${
        describeListenError(error, options.port ?? 0, options.hostname)
      }`,
    );
    writeLine(Deno.stderr, usageHint(kind));
    return START_FAILURE_EXIT_STATUS;
  }
  // Listening for the signals before the line is out: a client that reads
  // the line may signal at once.
  const signalled = waitForShutdownSignal().then((signal) => ({ signal }));
  writeLine(Deno.stdout, startupLine(kind, server, workers));
  const ended = await Promise.race([
    signalled,
    server.finished.then((failure) => ({ failure })),
  ]);
  if (!("signal" in ended)) {
    // Stopped on its own: sockets that cannot accept, or workers that kept
    // dying (each death is on stderr).
    writeLine(Deno.stderr, `${name}: ${ended.failure ?? "stopped"}`);
    return START_FAILURE_EXIT_STATUS;
  }
  const { signal } = ended;
  writeLine(
    Deno.stdout,
    `${name}: ${signal} received; finishing requests in flight`,
  );
  await server.stop();
  return 0;
}
