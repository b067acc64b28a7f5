/**
 * The servers' command line: `<script> <port> [options]`, parsed with
 * `node:util` `parseArgs`. Mistakes become a `UsageError` whose message is one
 * line for stderr.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { BLOCKING_DEFAULTS, NON_BLOCKING_DEFAULTS } from "./options.ts";
import type {
  BlockingServeOptions,
  NonBlockingServeOptions,
} from "./options.ts";
import { MAX_WORKERS, type WorkersOption } from "./worker_count.ts";

/** Which server a command line is for. */
export type ServerKind = "blocking" | "non-blocking";

/** A command-line mistake; the message is one line naming it. */
export class UsageError extends Error {
  /** Creates the error; `message` is shown to the user as is. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What a command line asks for: help, or a server with these options. */
export type CliRequest =
  | { readonly action: "help" }
  | {
    readonly action: "serve";
    readonly options: BlockingServeOptions & NonBlockingServeOptions;
  };

/** The program's name as the user typed it: `webserve.ts`, or `webserve` when compiled. */
export function programName(kind: ServerKind): string {
  const base = kind === "blocking" ? "webserve" : "webserve_nb";
  return Deno.build.standalone ? base : `${base}.ts`;
}

/** How to run the program, for usage lines. */
function invocation(kind: ServerKind): string {
  const name = programName(kind);
  return Deno.build.standalone ? `./${name}` : `deno run --allow-net ${name}`;
}

/** The hint that follows a usage error. */
export function usageHint(kind: ServerKind): string {
  return `Try '${invocation(kind)} --help' for more information.`;
}

/** The `--help` text. */
export function helpText(kind: ServerKind): string {
  const blocking = kind === "blocking";
  const d = blocking ? BLOCKING_DEFAULTS : NON_BLOCKING_DEFAULTS;
  const seconds = (ms: number) => `${ms / 1000}`;
  const lines = [
    `Usage: ${invocation(kind)} <port> [options]`,
    "",
    blocking
      ? "A blocking HTTP/1.1 server: one connection at a time. Answers every GET and POST with 'hello, <path>'."
      : "A non-blocking HTTP/1.1 server: every connection at once, on one event loop. Answers every GET and POST with 'hello, <path>'.",
    "",
    "Arguments:",
    "  <port>                   TCP port to listen on (0 picks a free one)",
    "",
    "Options:",
    "  --host <address>         interface to bind (default: all, IPv4 and IPv6)",
    `  --idle-timeout <s>       keep-alive idle timeout in seconds (default ${
      seconds(d.idleTimeoutMs)
    })`,
    `  --head-timeout <s>       deadline for a request head, then 408 (default ${
      seconds(d.headTimeoutMs)
    })`,
    `  --body-timeout <s>       longest pause in a request body, then 408 (default ${
      seconds(d.bodyTimeoutMs)
    })`,
    ...(blocking
      ? [
        `  --slice <s>              time one connection may hold the server before it is asked to close (default ${
          seconds(BLOCKING_DEFAULTS.sliceMs)
        })`,
      ]
      : [
        `  --max-connections <n>    most open connections, in total over all workers; beyond it 503 (default ${NON_BLOCKING_DEFAULTS.maxConnections})`,
      ]),
    blocking
      ? "  --workers <n|auto>       run n blocking loops on the port, each one connection at a time (auto: one per CPU; default 1)"
      : "  --workers <n|auto>       run n event loops on the port, one thread each (auto: one per CPU; default 1)",
    `  --grace <s>              on SIGINT/SIGTERM, time to finish requests in flight (default ${
      seconds(d.graceMs)
    })`,
    "  -q, --quiet              no access log",
    "  --trace                  one line on stderr per connection event and per handleConnection call",
    "  -h, --help               show this help",
    "",
    "Logs one line per request to stdout: time, address, request, status, bytes, duration.",
  ];
  return lines.join("\n");
}

const SECONDS_FLAGS = {
  "idle-timeout": "idleTimeoutMs",
  "head-timeout": "headTimeoutMs",
  "body-timeout": "bodyTimeoutMs",
  "slice": "sliceMs",
  "grace": "graceMs",
} as const;

/** Longest timeout accepted: a day, which also keeps `setTimeout` in range. */
const MAX_SECONDS = 86_400;

/**
 * Parses a command line (without the program name). Throws `UsageError` for
 * a missing or bad port, an unknown flag or a bad value.
 */
export function parseCommandLine(
  args: readonly string[],
  kind: ServerKind,
): CliRequest {
  const blocking = kind === "blocking";
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        quiet: { type: "boolean", short: "q" },
        trace: { type: "boolean" },
        host: { type: "string" },
        "idle-timeout": { type: "string" },
        "head-timeout": { type: "string" },
        "body-timeout": { type: "string" },
        grace: { type: "string" },
        workers: { type: "string" },
        ...(blocking
          ? { slice: { type: "string" } }
          : { "max-connections": { type: "string" } }),
      },
    });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { action: "help" };

  const [portText, ...extra] = parsed.positionals;
  if (portText === undefined) {
    throw new UsageError(
      "missing <port>: give a TCP port, e.g. 8080 (or 0 for any free port)",
    );
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument '${extra[0]}'`);
  }
  const options: BlockingServeOptions & NonBlockingServeOptions = {
    port: parsePort(portText),
  };

  if (typeof values.host === "string") {
    if (values.host === "") {
      throw new UsageError("--host needs an address, e.g. 127.0.0.1 or ::1");
    }
    options.hostname = values.host;
  }
  if (values.quiet) options.quiet = true;
  if (values.trace) options.trace = true;
  for (const [flag, key] of Object.entries(SECONDS_FLAGS)) {
    const text = values[flag];
    if (typeof text === "string") options[key] = parseSeconds(flag, text);
  }
  if (typeof values.workers === "string") {
    options.workers = parseWorkers(values.workers);
  }
  const max = values["max-connections"];
  if (typeof max === "string") {
    if (
      !/^[0-9]+$/.test(max) || Number(max) < 1 ||
      !Number.isSafeInteger(Number(max))
    ) {
      throw new UsageError(
        `--max-connections must be a positive whole number, not '${max}'`,
      );
    }
    options.maxConnections = Number(max);
  }
  return { action: "serve", options };
}

/** Parses a port: decimal digits, 0 to 65535. */
export function parsePort(text: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(
      `port must be a number from 0 to 65535, not '${text}'`,
    );
  }
  return Number(text);
}

/** Parses `--workers`: a whole number from 1 to {@linkcode MAX_WORKERS}, or `auto`. */
export function parseWorkers(text: string): WorkersOption {
  if (text === "auto") return "auto";
  if (
    !/^[0-9]{1,3}$/.test(text) || Number(text) < 1 || Number(text) > MAX_WORKERS
  ) {
    throw new UsageError(
      `--workers must be a whole number from 1 to ${MAX_WORKERS}, or 'auto', not '${text}'`,
    );
  }
  return Number(text);
}

function parseSeconds(flag: string, text: string): number {
  const seconds = /^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$/.test(text)
    ? Number(text)
    : NaN;
  if (!(seconds > 0) || seconds > MAX_SECONDS) {
    throw new UsageError(
      `--${flag} must be a number of seconds above 0 (at most ${MAX_SECONDS}), not '${text}'`,
    );
  }
  return Math.round(seconds * 1000);
}

/** Rewords Node's parseArgs errors, which carry a code and a long message. */
function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  // Node quotes the option as "'--idle-timeout <value>'" or "'-q, --quiet'".
  const quoted = message.match(/'([^']+)'/)?.[1]?.replace(/ <value>$/, "")
    .split(", ").pop();
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${quoted ?? message}'`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/argument missing/i.test(message)) {
        return `option '${quoted}' needs a value`;
      }
      if (/ambiguous/i.test(message)) {
        return `option '${quoted}' needs a value (one starting with '-' is written ${quoted}=-...)`;
      }
      return `option '${quoted}' takes no value`;
    default:
      return message.split("\n")[0];
  }
}
