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
import { type ProgramBox, unboxed } from "./class/bubblewrap.ts";
import { raceTimeout, TIMED_OUT } from "./kit.ts";
import { describeStatus } from "./launch.ts";
import {
  cannotCompare,
  handlerTakes,
  handlerUnseen,
  importGot,
  importSent,
  pythonSilent,
  sharedGot,
} from "./messages.ts";

/** The script python3 runs, bound into a submission's sandbox. */
export const STRUCTURE_SCRIPT: string = decodeURIComponent(
  new URL("./structure_check.py", import.meta.url).pathname,
);
const MARKER = "probe-structure-result:";

/** The most of structure_check.py's stdout kept: its answer, the last line, is far shorter. */
const ANSWER_BYTES = 64 * 1024;

/**
 * How long one python3 run may take in all: a safety net only, since its
 * imports are bounded at 2 s each inside it. On a busy machine (a class
 * graded with --jobs, a test suite beside it) python3's own start can take
 * seconds, which must not fail the check.
 */
const PYTHON_MS = 30_000;

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

/** Runs the structure script with `args` in `box`; resolves to its JSON answer or to why there is none. */
async function runScript<T>(
  python: string,
  args: string[],
  box: ProgramBox,
): Promise<T | string> {
  const argv = [
    ...box.prefix,
    python,
    box.file(STRUCTURE_SCRIPT),
    box.dir,
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
    return pythonSilent({ withinMs: PYTHON_MS });
  }
  await raceTimeout(drained, PYTHON_MS); // a child it left may hold the pipes open
  const line = stdout.end().split("\n").findLast((l) => l.startsWith(MARKER));
  if (line === undefined) {
    return pythonSilent({
      ended: describeStatus(status, box.sandboxed),
      stderr: stderr.lastLines(2).join(" | "),
    });
  }
  return JSON.parse(line.slice(MARKER.length)) as T;
}

function handlerVerdict(
  module: string,
  info: HandlerInfo | null,
  why: string,
): Verdict {
  const sent = `inspect.signature(${module}.handle_connection)`;
  const unseen = info === null
    ? { importFailed: why }
    : !info.found
    ? "missing"
    : !info.callable
    ? "not callable"
    : undefined;
  if (unseen !== undefined) {
    return { pass: false, sent, got: handlerUnseen(module, unseen) };
  }
  if (info?.signature_error) {
    return { pass: false, sent, got: info.signature_error };
  }
  return {
    pass: info?.takes_1 === true && info.takes_2 === true,
    sent,
    got: handlerTakes(
      info?.signature ?? "",
      info?.defined_at,
      info?.takes_1 === true,
      info?.takes_2 === true,
    ),
  };
}

function importVerdict(module: string, answer: ImportAnswer | string): Verdict {
  const sent = importSent(module);
  if (typeof answer === "string") return { pass: false, sent, got: answer };
  const got = importGot(
    answer.returned
      ? { returned: true, ...(answer.error ? { error: answer.error } : {}) }
      : { returned: false, error: answer.error ?? "the import did not return" },
    answer.listening,
  );
  return {
    pass: answer.returned && !answer.error && answer.listening.length === 0,
    sent,
    got,
  };
}

function sharedVerdict(answer: SharedAnswer | string): Verdict {
  const sent = "webserve_nb.handle_connection is webserve.handle_connection";
  if (typeof answer === "string") return { pass: false, sent, got: answer };
  if (answer.error) {
    return { pass: false, sent, got: cannotCompare(answer.error) };
  }
  const at = (info?: HandlerInfo) =>
    info?.found ? `${info.module}, ${info.defined_at}` : "none";
  return {
    pass: answer.same === true,
    sent,
    got: sharedGot(
      answer.same === true,
      at(answer.webserve),
      at(answer.webserve_nb),
    ),
  };
}

/** A port nothing listens on now, for the sys.argv of imports. */
function unusedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** What `structure_check.py DIR PORT all PORT_NB` prints: the answers it got before it ended. */
interface AllAnswers {
  webserve?: ImportAnswer;
  webserve_nb?: ImportAnswer;
  shared?: SharedAnswer;
}

type Answers = [
  ImportAnswer | string,
  ImportAnswer | string,
  SharedAnswer | string,
];

/** The three answers, each from a python3 of its own (the plain way), but for those already `got`. */
function answersApart(
  python: string,
  box: ProgramBox,
  got: AllAnswers = {},
): Promise<Answers> {
  const port = () => String(unusedPort());
  return Promise.all([
    got.webserve ??
      runScript<ImportAnswer>(python, [port(), "import", "webserve"], box),
    got.webserve_nb ??
      runScript<ImportAnswer>(python, [port(), "import", "webserve_nb"], box),
    got.shared ?? runScript<SharedAnswer>(python, [port(), "shared"], box),
  ]);
}

/**
 * The three answers from one python3 (its start costs more than the three
 * checks together); what it did not answer (a module ended the process at
 * import, or it ran out of time) is asked again of a python3 of its own.
 */
async function answersTogether(
  python: string,
  box: ProgramBox,
): Promise<Answers> {
  const port = String(unusedPort());
  const all = await runScript<AllAnswers>(
    python,
    [port, "all", String(unusedPort())],
    box,
  );
  return answersApart(python, box, typeof all === "string" ? {} : all);
}

/** The checks of group `structure` for the submission in `where` (a folder, run as it is, or a program's sandbox), run with `python`; `together: false` runs one python3 per answer. */
export function structureChecks(
  where: ProgramBox | string,
  python: string,
  { together = true }: { together?: boolean } = {},
): Check[] {
  const box = typeof where === "string" ? unboxed(where) : where;
  let runs: Promise<Answers> | undefined;
  const results = () =>
    runs ??= together
      ? answersTogether(python, box)
      : answersApart(python, box);
  const check = (
    name: string,
    title: string,
    expected: string,
    hint: string,
    needs: string[],
    judge: (r: Awaited<ReturnType<typeof results>>) => Verdict,
  ): Check => ({
    name,
    group: "structure",
    title,
    expected,
    hint,
    ...(needs.length ? { needs } : {}),
    timeoutMs: 2 * PYTHON_MS + 2000, // one run, and the runs of what it left unanswered
    run: async () => judge(await results()),
  });
  const importable = (module: string) =>
    `importing ${module} must not start a server: put the code that starts it in an if __name__ == "__main__" block`;
  const handler = (module: string) =>
    `the brief's contract is handle_connection(client_sock, stuff=None), returning (close_flag, stuff): define it in ${module}.py, or import it there`;
  const whyNot = (answer: ImportAnswer | string) =>
    typeof answer === "string" ? answer : answer.error ?? "the import failed";
  return [
    check(
      "webserve-importable",
      "import webserve returns within 2 s and starts no server",
      "the import returns; nothing listens",
      importable("webserve"),
      [],
      ([blocking]) => importVerdict("webserve", blocking),
    ),
    check(
      "webserve-handle-connection",
      "webserve.handle_connection takes (client_sock) and (client_sock, stuff)",
      "handle_connection(client_sock, stuff=None)",
      handler("webserve"),
      ["structure.webserve-importable"],
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
      importable("webserve_nb"),
      [],
      ([, nb]) => importVerdict("webserve_nb", nb),
    ),
    check(
      "webserve_nb-handle-connection",
      "webserve_nb.handle_connection takes (client_sock) and (client_sock, stuff)",
      "handle_connection(client_sock, stuff=None)",
      handler("webserve_nb"),
      ["structure.webserve_nb-importable"],
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
      "both servers use the very same handle_connection: define it once (in webserve.py, or a module of its own) and import it in the other",
      [
        "structure.webserve-handle-connection",
        "structure.webserve_nb-handle-connection",
      ],
      ([, , shared]) => sharedVerdict(shared),
    ),
  ];
}
