/**
 * Every sentence the probe makes from parts: what was sent, what came back,
 * why a check did not run. The checks call these instead of gluing strings,
 * so that `tests/probe_messages_test.ts` can render each with sample values
 * and hold it to one sentence that fits the line it is printed on (no "got
 * the first client got 200"). Each returns a fragment for one field of a
 * result (`sent`, `got`, `expected`, ...); the card puts the field's name
 * before it.
 *
 * @module
 */

/** Milliseconds as "250 ms" or "2.0 s". */
export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A latin1 string as a short quoted preview: JSON escapes, cut at `max` chars. */
export function quote(text: string, max = 60): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  return JSON.stringify(cut) +
    (text.length > max ? `... (${text.length} bytes)` : "");
}

/** `sent`: a request by its first line (or first bytes) and its size. */
export function requestSent(line: string, bytes: number): string {
  return `${quote(line, 70)}${line.length === bytes ? "" : `, ${bytes} bytes`}`;
}

/** `sent`: one request, then another on the same connection. */
export function thenSent(first: string, next: string): string {
  return `${first}; then ${next}`;
}

/** `sent`: a request whose head or body went in several writes. */
export function sentInWrites(
  request: string,
  part: "head" | "body",
  writes: number,
  pauseMs: number,
): string {
  return `${request}, the ${part} in ${writes} writes ${
    seconds(pauseMs)
  } apart`;
}

/** `sent`: a head alone, then its body once the server answered. */
export function bodyAfterAnswer(head: string, answer: "100" | "final"): string {
  return `${head}, then the body once ${
    answer === "100" ? "100 Continue came" : "the answer came"
  }`;
}

/** `sent`: a head alone, its body held back until the server answers. */
export function headAlone(head: string): string {
  return `${head}, the body held back for 100 Continue`;
}

/** `sent`: the case of a several-case check that failed first. */
export function caseSent(name: string, request: string): string {
  return `${name}: ${request}`;
}

/** `sent`: every case of a several-case check. */
export function casesSent(names: readonly string[]): string {
  return `${names.length} requests: ${names.join(", ")}`;
}

/** `sent`: a second client's request while a first holds the server. */
export function secondClientSent(firstDoes: string): string {
  return `GET /second from a second client while a first ${firstDoes}`;
}

/** One answer: `200 "hello, /"`, `200 (no body)`, `100`; `(HTTP/1.0)` when so. */
export function answerSaid(
  status: number,
  body: string | undefined,
  http10: boolean,
): string {
  const shown = body === undefined || body === ""
    ? status < 200 ? "" : " (no body)"
    : ` ${quote(body, 50)}`;
  return `${status}${shown}${http10 ? " (HTTP/1.0)" : ""}`;
}

/** How reading stopped, after the answers `seen` (a list, or empty). */
export type Ending =
  | { stop: "closed"; cutOff?: string }
  | { stop: "reset" }
  | { stop: "timeout"; ms: number; had?: string }
  | { stop: "not-http"; error: string };

/** `got`: the answers seen, then how reading stopped, if it did. */
export function exchangeGot(seen: readonly string[], ending?: Ending): string {
  const answers = seen.join(", ");
  if (ending === undefined) return answers || "nothing";
  const then = answers ? `${answers}; then ` : "";
  switch (ending.stop) {
    case "closed":
      return ending.cutOff
        ? `${then}the connection closed mid-response (${ending.cutOff})`
        : answers
        ? `${then}the connection closed`
        : "no answer: the connection closed";
    case "reset":
      return answers
        ? `${then}the connection was reset`
        : "no answer: the connection was reset";
    case "timeout":
      return `${then}${answers ? "nothing more" : "no answer"} within ${
        seconds(ending.ms)
      }${ending.had ? ` (only ${ending.had} came)` : ""}`;
    case "not-http":
      return `${then}${ending.error}`;
  }
}

/** `got`: one step's answer, then the next's, on one connection. */
export function thenGot(first: string, next: string): string {
  return `${first}; then ${next}`;
}

/** `got`: bytes that came after an answer that should have been the last. */
export function moreBytes(
  got: string,
  count: number,
  preview: string,
  after: "head" | "answer",
): string {
  return `${got}, then ${count} more byte${count === 1 ? "" : "s"} after the ${
    after === "head" ? "head (a body)" : "answer"
  }: ${preview}`;
}

/** `got`: the server kept a connection open that it should have closed. */
export function stillOpen(got: string, ms: number): string {
  return `${got}; the connection was still open ${seconds(ms)} later`;
}

/** `got`: the server closed, as it should. */
export function closedAfter(got: string, ms: number): string {
  return `${got}; then the server closed the connection (after ${seconds(ms)})`;
}

/** `got`: no 100 Continue (nor an answer) for a head that asked for one. */
export function noContinue(got: string): string {
  return `${got} instead of 100 Continue, so a client such as curl stalls`;
}

/** `got`: the first failed case, and how many others failed. */
export function casesGot(
  first: string,
  others: readonly string[],
  total: number,
): string {
  return others.length === 0
    ? first
    : `${first} (and ${others.length} more of ${total} failed: ${
      others.join(", ")
    })`;
}

/** `got`: a second client answered, with how long it took. */
export function secondAnswered(
  ms: number,
  whileHeld: boolean,
  boundMs: number,
): string {
  return `200 "hello, /second" after ${seconds(ms)}${
    whileHeld ? ", while the first still held the server" : ""
  } (at most ${seconds(boundMs)} expected)`;
}

/** `got`: a second client answered, but only once the first let go. */
export function answeredOnlyOnce(ms: number, letGo: string): string {
  return `200 "hello, /second" after ${seconds(ms)}, but only once ${letGo}`;
}

/** How a first client stopped holding the server (a clause after "only once"). */
export function letGo(
  how: "closed" | "reset" | "sent",
  who: "first" | "flooding",
): string {
  if (how === "sent") return "the first client's head was all sent";
  return `the server had ${how === "reset" ? "reset" : "closed"} the ${
    who === "first" ? "first" : "flooding"
  } client`;
}

/** `got`: a check ran out of its own time. */
export function noVerdictWithin(ms: number): string {
  return `no verdict within ${seconds(ms)} (the check's time limit)`;
}

/** `got`: a connection was refused. */
export function refused(host: string): string {
  return `the connection was refused: nothing is listening on ${host}`;
}

/** `got`: the check itself stopped on an error (a bug of the probe's, or the machine's). */
export function probeError(message: string): string {
  return `an error in the probe itself: ${message}`;
}

/** `got`: a check that was not run. */
export function notRun(because: string): string {
  return `not run, because ${because}`;
}

/** Why a check was not run: a check it needs (itself, or through others) failed. */
export function prerequisiteFailed(id: string): string {
  return `${id} failed`;
}

/** Why a check was not run: its server never started. */
export function serverDidNotStart(why: string): string {
  return `the server did not start (${why})`;
}

/** `difference`: where a byte answer first differs from the expected one. */
export function differsAt(
  offset: number,
  where: "body" | "answer",
  before: string,
  expected: string | undefined,
  got: string | undefined,
): string {
  const show = (text: string | undefined) =>
    text === undefined || text === "" ? "the end" : quote(text);
  return `at byte ${offset} of the ${where}${
    before ? `, after ${quote(before)}` : ""
  }: expected ${show(expected)}, got ${show(got)}`;
}

/** What a count leaves out: `, 4 not run, 1 skipped`, or nothing. */
function besides(notRunCount: number, skipped: number): string {
  const extra = [
    notRunCount ? `${notRunCount} not run` : "",
    skipped ? `${skipped} skipped` : "",
  ].filter(Boolean);
  return extra.length ? `, ${extra.join(", ")}` : "";
}

/** The card's summary line of one rubric line's checks. */
export function rubricCount(
  passed: number,
  run: number,
  skipped: number,
  notRunCount: number,
): string {
  return `${passed}/${run}${besides(notRunCount, skipped)}`;
}

/** The card's last line. */
export function checksPassed(
  passed: number,
  counted: number,
  skipped: number,
  notRunCount: number,
): string {
  return `${passed}/${counted} checks passed${besides(notRunCount, skipped)}`;
}

/** The card's note under "Fix this first": what else it explains. */
export function explains(
  notRunCount: number,
  alsoOn: readonly string[],
): string {
  const parts = [
    notRunCount
      ? `${notRunCount} check${
        notRunCount === 1 ? " was" : "s were"
      } not run because of it`
      : "",
    alsoOn.length ? `it fails on ${alsoOn.join(" and ")} too` : "",
  ].filter(Boolean);
  return parts.join("; ");
}

/** One line for a target that refuses every connection (the probe's exit 2). */
export function nothingListening(host: string): string {
  return `nothing is listening on ${host}`;
}

/** `sent`: the import of a submission's module, as the structure checks make it. */
export function importSent(module: string): string {
  return `import ${module} (with sys.argv = ["${module}.py", PORT])`;
}

/** `got`: what the import of a module did, when it did not return cleanly (or started a server). */
export function importGot(
  what: { returned: false; error: string } | {
    returned: true;
    error?: string;
  },
  listening: readonly string[],
): string {
  const listens = listening.length
    ? `; it listens on ${listening.join(", ")}`
    : "";
  if (!what.returned) return `${what.error}${listens}`;
  if (what.error) return `the import raised ${what.error}${listens}`;
  return listens
    ? `the import returned${listens}`
    : "the import returned at once; nothing listens";
}

/** `got`: a module's handle_connection could not be looked at. */
export function handlerUnseen(
  module: string,
  why: "missing" | "not callable" | { importFailed: string },
): string {
  if (why === "missing") return `${module} has no handle_connection`;
  if (why === "not callable") {
    return `${module}.handle_connection is not a function`;
  }
  return `no handle_connection to look at, as the import failed (${why.importFailed})`;
}

/** `got`: a handle_connection's signature, and how many arguments it takes. */
export function handlerTakes(
  signature: string,
  definedAt: string | undefined,
  one: boolean,
  two: boolean,
): string {
  const takes = one && two
    ? "one or two arguments"
    : one
    ? "one argument only"
    : two
    ? "two arguments only"
    : "neither one nor two arguments";
  return `handle_connection${signature}${
    definedAt ? `, defined at ${definedAt}` : ""
  }, which takes ${takes}`;
}

/** `got`: whether both modules' handle_connection are one function (each as "module, file:line"). */
export function sharedGot(
  same: boolean,
  webserve: string,
  webserveNb: string,
): string {
  return same
    ? `the same function (${webserve})`
    : `two functions: webserve's is ${webserve}, webserve_nb's is ${webserveNb}`;
}

/** `got`: the modules could not be compared. */
export function cannotCompare(error: string): string {
  return `no comparison, as the import failed (${error})`;
}

/** `got`: python3, run to look at a submission's structure, gave no answer. */
export function pythonSilent(
  how: { withinMs: number } | { ended: string; stderr: string },
): string {
  return "withinMs" in how
    ? `python3 did not finish within ${seconds(how.withinMs)}`
    : `python3 gave no answer (${how.ended})${
      how.stderr ? `, its stderr ending ${quote(how.stderr, 120)}` : ""
    }`;
}

/** `got`: bytes that are not an HTTP response, quoted. */
export function notHttpResponse(preview: string): string {
  return `not an HTTP response: ${preview}`;
}
