/**
 * Group `structure` (`--submission` only): the brief's rules on the shape of
 * the code, checked by `python3` itself (`structure_check.py`): each module
 * imports without starting a server, each has a `handle_connection` that
 * takes one or two arguments, and both servers use the very same one.
 *
 * @module
 */

import type { Check, Verdict } from "./check.ts";
import { OutputCapture } from "./capture.ts";
import { raceTimeout, TIMED_OUT } from "./kit.ts";

const SCRIPT = new URL("./structure_check.py", import.meta.url);
const MARKER = "probe-structure-result:";

/** The most of structure_check.py's stdout kept: its answer, the last line, is far shorter. */
const ANSWER_BYTES = 64 * 1024;

/** How long one python3 run may take in all (its imports are bounded at 2 s each). */
const PYTHON_MS = 8000;

/** What `structure_check.py` tells of a handle_connection. */
interface HandlerInfo {
  found: boolean;
  callable?: boolean;
  signature?: string;
  signature_error?: string;
  takes_1?: boolean;
  takes_2?: boolean;
  defined_at?: string;
  module?: string;
}

/** What `structure_check.py DIR PORT import MODULE` prints. */
interface ImportAnswer {
  returned: boolean;
  error: string | null;
  listening: string[];
  handler: HandlerInfo | null;
}

/** What `structure_check.py DIR PORT shared` prints. */
interface SharedAnswer {
  error?: string;
  same?: boolean;
  webserve?: HandlerInfo;
  webserve_nb?: HandlerInfo;
}

/** Runs the structure script with `args`; resolves to its JSON answer or to why there is none. */
async function runScript<T>(
  python: string,
  args: string[],
  prefix: string[],
): Promise<T | string> {
  const argv = [
    ...prefix,
    python,
    decodeURIComponent(SCRIPT.pathname),
    ...args,
  ];
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { PYTHONDONTWRITEBYTECODE: "1" },
  }).spawn();
  // Capped: a submission may flood its output at import. The answer is the last line.
  const stdout = new OutputCapture(ANSWER_BYTES);
  const stderr = new OutputCapture();
  const drained = Promise.all([
    stdout.drain(child.stdout),
    stderr.drain(child.stderr),
  ]);
  const status = await raceTimeout(child.status, PYTHON_MS);
  if (status === TIMED_OUT) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone meanwhile */ }
    await child.status;
    return `python3 did not finish within ${PYTHON_MS / 1000} s`;
  }
  await raceTimeout(drained, PYTHON_MS); // a child it left may hold the pipes open
  const line = stdout.end().split("\n").findLast((l) => l.startsWith(MARKER));
  if (line === undefined) {
    return `python3 gave no answer (${
      status.signal ? `killed by ${status.signal}` : `exit ${status.code}`
    }): ${stderr.lastLines(2).join(" | ")}`;
  }
  return JSON.parse(line.slice(MARKER.length)) as T;
}

function handlerVerdict(
  module: string,
  info: HandlerInfo | null,
  why: string,
): Verdict {
  const sent = `inspect.signature(${module}.handle_connection)`;
  if (info === null) return { pass: false, sent, got: `cannot look: ${why}` };
  if (!info.found) {
    return { pass: false, sent, got: `${module} has no handle_connection` };
  }
  if (!info.callable) {
    return {
      pass: false,
      sent,
      got: `${module}.handle_connection is not a function`,
    };
  }
  if (info.signature_error) {
    return { pass: false, sent, got: info.signature_error };
  }
  const where = info.defined_at ? `, defined at ${info.defined_at}` : "";
  const takes = [info.takes_1 ? "one" : "", info.takes_2 ? "two" : ""].filter(
    Boolean,
  );
  return {
    pass: info.takes_1 === true && info.takes_2 === true,
    sent,
    got: `${info.signature}${where}: takes ${
      takes.length ? takes.join(" and ") : "neither one nor two"
    } argument${takes.length === 1 && takes[0] === "one" ? "" : "s"}`,
  };
}

function importVerdict(module: string, answer: ImportAnswer | string): Verdict {
  const sent = `import ${module} (with sys.argv = ["${module}.py", PORT])`;
  if (typeof answer === "string") return { pass: false, sent, got: answer };
  const listens = answer.listening.length
    ? `; it listens on ${answer.listening.join(", ")}`
    : "";
  if (!answer.returned) {
    return {
      pass: false,
      sent,
      got:
        `${answer.error}${listens}: the code that starts the server belongs under if __name__ == '__main__'`,
    };
  }
  if (answer.error) {
    return {
      pass: false,
      sent,
      got: `the import raised ${answer.error}${listens}`,
    };
  }
  if (listens) {
    return { pass: false, sent, got: `the import returned${listens}` };
  }
  return { pass: true, sent, got: "returned at once; nothing listens" };
}

function sharedVerdict(answer: SharedAnswer | string): Verdict {
  const sent = "webserve_nb.handle_connection is webserve.handle_connection";
  if (typeof answer === "string") return { pass: false, sent, got: answer };
  if (answer.error) {
    return { pass: false, sent, got: `cannot compare: ${answer.error}` };
  }
  const at = (info?: HandlerInfo) =>
    info?.found ? `${info.module}, ${info.defined_at}` : "none";
  return answer.same
    ? { pass: true, sent, got: `the same function (${at(answer.webserve)})` }
    : {
      pass: false,
      sent,
      got: `not the same function: webserve's is ${
        at(answer.webserve)
      }, webserve_nb's is ${at(answer.webserve_nb)}`,
    };
}

/** A port nothing listens on now, for the sys.argv of imports. */
function unusedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The checks of group `structure` for the submission in `dir`, run with `python` (after `prefix`, e.g. prlimit's words). */
export function structureChecks(
  dir: string,
  python: string,
  prefix: string[] = [],
): Check[] {
  let runs:
    | Promise<
      [ImportAnswer | string, ImportAnswer | string, SharedAnswer | string]
    >
    | undefined;
  const results = () =>
    runs ??= Promise.all([
      runScript<ImportAnswer>(python, [
        dir,
        String(unusedPort()),
        "import",
        "webserve",
      ], prefix),
      runScript<ImportAnswer>(python, [
        dir,
        String(unusedPort()),
        "import",
        "webserve_nb",
      ], prefix),
      runScript<SharedAnswer>(
        python,
        [dir, String(unusedPort()), "shared"],
        prefix,
      ),
    ]);
  const check = (
    name: string,
    title: string,
    expected: string,
    judge: (r: Awaited<ReturnType<typeof results>>) => Verdict,
  ): Check => ({
    name,
    group: "structure",
    title,
    expected,
    timeoutMs: PYTHON_MS + 2000,
    run: async () => judge(await results()),
  });
  const whyNot = (answer: ImportAnswer | string) =>
    typeof answer === "string" ? answer : answer.error ?? "the import failed";
  return [
    check(
      "webserve-importable",
      "import webserve returns within 2 s and starts no server",
      "the import returns; nothing listens",
      ([blocking]) => importVerdict("webserve", blocking),
    ),
    check(
      "webserve-handle-connection",
      "webserve.handle_connection takes (client_sock) and (client_sock, stuff)",
      "handle_connection(client_sock, stuff=None)",
      ([blocking]) =>
        handlerVerdict(
          "webserve",
          typeof blocking === "string" ? null : blocking.handler,
          whyNot(blocking),
        ),
    ),
    check(
      "webserve_nb-importable",
      "import webserve_nb returns within 2 s and starts no server",
      "the import returns; nothing listens",
      ([, nb]) => importVerdict("webserve_nb", nb),
    ),
    check(
      "webserve_nb-handle-connection",
      "webserve_nb.handle_connection takes (client_sock) and (client_sock, stuff)",
      "handle_connection(client_sock, stuff=None)",
      ([, nb]) =>
        handlerVerdict(
          "webserve_nb",
          typeof nb === "string" ? null : nb.handler,
          whyNot(nb),
        ),
    ),
    check(
      "one-shared-handle-connection",
      "webserve_nb.handle_connection is the very same function as webserve.handle_connection",
      "the same function object (one shared module, or one imported from the other)",
      ([, , shared]) => sharedVerdict(shared),
    ),
  ];
}
