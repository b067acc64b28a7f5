/**
 * Commands a student can paste to send what a check sent, as codecrafters'
 * tester shows each request as a curl command:
 *
 * - `curl` where curl sends the very request: one GET, or one POST of a
 *   form body, alone on its connection;
 * - otherwise `printf '...' | nc HOST "$PORT"`, byte for byte, with the
 *   pauses the probe made as `sleep` (a wait for an answer is `sleep 1`).
 *   Long runs of one character become `head -c N /dev/zero | tr ...`, and
 *   numbered lines (`X-0: ...` to `X-16383: ...`) a `for` loop, so that a
 *   1 MiB request is a line, not a megabyte.
 *
 * The server's port is written `$PORT` (the probe's own port is a free one
 * picked for the run): set `PORT=8080` in the shell first, or put the port
 * in its place. nc shows what came back and waits until the server closes
 * the connection (Ctrl-C ends it sooner). `docs/probe.md` says the same.
 *
 * @module
 */

import type { ScriptStep } from "./probe_conn.ts";

/** The port as the commands write it. */
export const PORT_PLACEHOLDER = "$PORT";

/** A run of one character at least this long is made by `head | tr`. */
const RUN_MIN = 64;

/** At least this many numbered lines in a row are made by a `for` loop. */
const NUMBERED_MIN = 16;

/**
 * A command that sends `script` to `hostname`, with `hostField` (the Host
 * field's `host:port`) written with `$PORT`. With `raw`, never curl: nc
 * shows bytes that are not HTTP as they came, where curl refuses them.
 */
export function reproduce(
  script: readonly ScriptStep[],
  hostname: string,
  hostField: string,
  raw = false,
): string {
  const only = !raw && script.length === 1 && "write" in script[0]
    ? script[0].write
    : undefined;
  const curl = only === undefined
    ? undefined
    : curlCommand(only, hostname, hostField);
  return curl ?? `${writer(script, hostField)} | ${ncCommand(hostname)}`;
}

/** `nc HOST "$PORT"`. */
export function ncCommand(hostname: string): string {
  return `nc ${hostname} "${PORT_PLACEHOLDER}"`;
}

/** The URL of `target` on the server, for curl, to be written in double quotes. */
export function urlOf(hostname: string, target = "/"): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `http://${host}:${PORT_PLACEHOLDER}${target}`;
}

/**
 * The shell that writes `script` to its stdout: one printf (or several,
 * with sleeps between) in braces. `holdMs` keeps it open that long after
 * the last write (a client that idles).
 */
export function writer(
  script: readonly ScriptStep[],
  hostField: string,
  holdMs = 0,
): string {
  const commands: string[] = [];
  let text = "";
  const flush = () => {
    if (text !== "") commands.push(...writeCommands(text, hostField));
    text = "";
  };
  for (const step of script) {
    if ("write" in step) {
      text += step.write;
      continue;
    }
    flush();
    commands.push(sleep(step.wait === "answer" ? 1000 : step.wait));
  }
  flush();
  if (holdMs > 0) commands.push(sleep(holdMs));
  return commands.length === 1 ? commands[0] : `{ ${commands.join("; ")}; }`;
}

/** `sleep` for `ms`, in seconds to two places at most. */
function sleep(ms: number): string {
  return `sleep ${Number((ms / 1000).toFixed(2))}`;
}

/** One piece of text to write: as it is, a run of one character, or numbered lines. */
type Piece =
  | { text: string }
  | { char: string; count: number }
  | { before: string; after: string; from: number; to: number };

/** The shell commands that write `text`, in order. */
function writeCommands(text: string, hostField: string): string[] {
  const commands: string[] = [];
  for (const piece of pieces(text)) {
    if ("text" in piece) {
      commands.push(printfOf(piece.text, hostField));
    } else if ("char" in piece) {
      commands.push(
        `head -c ${piece.count} /dev/zero | tr '\\000' ${piece.char}`,
      );
    } else {
      commands.push(
        `for i in $(seq ${piece.from} ${piece.to}); do printf '${
          formatEscape(piece.before)
        }%s${formatEscape(piece.after)}' "$i"; done`,
      );
    }
  }
  return commands;
}

/** `text` cut into plain text, long runs of one character, and numbered lines. */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  const addText = (part: string) => {
    for (const piece of runs(part)) {
      const last = out.at(-1);
      if ("text" in piece && last !== undefined && "text" in last) {
        last.text += piece.text;
      } else out.push(piece);
    }
  };
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let i = 0;
  let pending = "";
  while (i < lines.length) {
    const numbered = numberedRun(lines, i);
    if (numbered === undefined) {
      pending += lines[i++];
      continue;
    }
    addText(pending);
    pending = "";
    out.push(numbered.piece);
    i = numbered.next;
  }
  addText(pending);
  return out;
}

/** Lines `start`, `start + 1`, ... that differ only in one number counting up by one, if there are enough of them. */
function numberedRun(
  lines: readonly string[],
  start: number,
): { piece: Piece; next: number } | undefined {
  const shape = /^(\D*)(\d+)(\D*)$/s.exec(lines[start]);
  if (shape === null) return undefined;
  const [, before, digits, after] = shape;
  const from = Number(digits);
  if (String(from) !== digits) return undefined;
  let next = start + 1;
  while (
    next < lines.length &&
    lines[next] === `${before}${from + next - start}${after}`
  ) next++;
  if (next - start < NUMBERED_MIN) return undefined;
  return {
    piece: { before, after, from, to: from + next - start - 1 },
    next,
  };
}

/** `text` cut into plain text and runs of one character of {@link RUN_MIN} or more. */
function runs(text: string): Piece[] {
  const out: Piece[] = [];
  // Letters and digits only: tr takes them without quoting.
  const pattern = new RegExp(`([A-Za-z0-9])\\1{${RUN_MIN - 1},}`, "g");
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) out.push({ text: text.slice(at, match.index) });
    out.push({ char: match[1], count: match[0].length });
    at = match.index + match[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

/** `printf 'FORMAT' "$PORT" ...`: `text` byte for byte, the Host field's port as `$PORT`. */
export function printfOf(text: string, hostField: string): string {
  const [host] = splitHostField(hostField);
  const parts = text.split(hostField);
  const format = parts.map(formatEscape).join(`${formatEscape(host)}:%s`);
  const ports = ` "${PORT_PLACEHOLDER}"`.repeat(parts.length - 1);
  return `printf '${format}'${ports}`;
}

/** `127.0.0.1:8080` as its host and port. */
function splitHostField(hostField: string): [string, string] {
  const colon = hostField.lastIndexOf(":");
  return [hostField.slice(0, colon), hostField.slice(colon + 1)];
}

/** Bytes (one char each) as a printf format in single quotes: escapes for `\`, `%`, `'`, CR, LF, tab and every unprintable byte. */
export function formatEscape(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char === "\\") out += "\\\\";
    else if (char === "%") out += "%%";
    else if (char === "'") out += "\\047";
    else if (char === "\r") out += "\\r";
    else if (char === "\n") out += "\\n";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code >= 0x7f) {
      out += `\\${code.toString(8).padStart(3, "0")}`;
    } else out += char;
  }
  return out;
}

/** Header fields curl sends on its own, or that `-d` implies. */
const CURL_OWN = new Set(["host", "content-length", "content-type"]);

/**
 * `curl -i ...` for `text` when it is one GET, or one POST of a printable
 * form body, in HTTP/1.1 with a Host field, whose other fields curl can send
 * with `-H`; otherwise undefined.
 */
function curlCommand(
  text: string,
  hostname: string,
  hostField: string,
): string | undefined {
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const [line, ...fields] = text.slice(0, headEnd).split("\r\n");
  const body = text.slice(headEnd + 4);
  const request = /^(GET|POST) (\/[!#-~]*) HTTP\/1\.1$/.exec(line);
  if (request === null) return undefined;
  const [, method, target] = request;
  if (/["$`\\!]/.test(target)) return undefined; // each means something inside double quotes
  const args = ["curl", "-i"];
  let host = false;
  let length: number | undefined;
  for (const field of fields) {
    // A token, then a value curl takes in single quotes (no quote, no control byte).
    const parsed = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([ -&(-~]*?)[ \t]*$/
      .exec(field);
    if (parsed === null) return undefined;
    const [, name, value] = parsed;
    const lower = name.toLowerCase();
    if (lower === "host") host = value === hostField;
    else if (lower === "content-length") length = Number(value);
    else if (lower === "content-type") {
      if (value !== "application/x-www-form-urlencoded") return undefined;
    } else if (!CURL_OWN.has(lower)) args.push(`-H '${name}: ${value}'`);
  }
  if (!host) return undefined;
  if (method === "GET") {
    if (body !== "" || length !== undefined) return undefined;
  } else {
    if (length !== body.length || !/^[ -&(-~]+$/.test(body)) return undefined;
    args.push(`-d '${body}'`);
  }
  args.push(`"${urlOf(hostname, target)}"`);
  return args.join(" ");
}

/**
 * A first client (`firstWriter`, into nc; with `unread`, nothing reads its
 * answers) set going in the background, then curl as a second client that
 * waits at most `waitMs`: what a concurrency check does.
 */
export function withFirstClient(
  firstWriter: string,
  hostname: string,
  waitMs: number,
  unread = false,
): string {
  return `${firstWriter} | ${ncCommand(hostname)}${
    unread ? " | sleep 10" : ""
  } & sleep 1; curl -i --max-time ${Number((waitMs / 1000).toFixed(2))} "${
    urlOf(hostname, "/second")
  }"`;
}
