/**
 * The tutorial holds to what `docs/tutorial.md` says of it:
 *
 * - (its listings and commands: `tests/tutorial_page_test.ts`);
 * - every step changes at most {@link STEP_DIFF_CAP} lines of code of the
 *   file it grows from;
 * - the report card is what the probe says of each step now, and the page's
 *   probe commands are the card's;
 * - the demo shows step 3's handler stalling the non-blocking loop, and step
 *   4's not;
 * - what the page only tells: the one-read contract of step 4, step 4b
 *   serving as step 3e does, the 500 for a bug of ours, and HTTP/1.0;
 * - every step imports without starting, and ends in one line on a bad
 *   port;
 * - `docs/brief.md` states the brief in the project's own words.
 */

import assert from "node:assert/strict";
import { fromLatin1 } from "../wire/bytes.ts";
import { bodyText, parseResponseStream } from "../wire/response_parser.ts";
import { ROOT, runDeno, runScript } from "../testing/commands.ts";
import { fetchRaw, get } from "../testing/raw_client.ts";
import { ScriptedSocket } from "../testing/scripted_socket.ts";
import { withListeningScript } from "../testing/server_launcher.ts";
import { STEP_DIFF_CAP, stepDiffs } from "../tools/step_diffs.ts";
import { probeCommand, STEP_SERVERS } from "../tools/tutorial_grades.ts";
import { fences, PAGE } from "../tools/tutorial_page.ts";
import { STEP_FILES } from "../tools/tutorial_steps.ts";
import * as step3e from "../tutorial/step3e_stay_up.ts";
import * as step4b from "../tutorial/step4b_body_phases.ts";
import * as step4 from "../tutorial/step4_webserve.ts";

const page = Deno.readTextFileSync(`${ROOT}${PAGE}`);

/** What a server wrote to a scripted socket, as one stream of responses. */
function responses(socket: ScriptedSocket) {
  return parseResponseStream(socket.output, { requireEngineHeaders: false })
    .responses;
}

/** A handler of the tutorial, over a scripted socket. */
type Handler = (
  sock: ScriptedSocket,
  state?: never,
) => Promise<[close: boolean, state: unknown]>;

/** Calls `handle` over `socket` until it says close; returns how many reads each call made. */
async function readsPerCall(
  handle: Handler,
  socket: ScriptedSocket,
): Promise<number[]> {
  const reads: number[] = [];
  let [close, state] = [false, undefined as unknown];
  while (!close) {
    const before = socket.reads;
    [close, state] = await handle(socket, state as never);
    reads.push(socket.reads - before);
  }
  return reads;
}

Deno.test("every step changes at most 80 lines of code of the file it grows from", async () => {
  assert.equal(STEP_DIFF_CAP, 80);
  for (const { file, after, diff } of await stepDiffs(ROOT)) {
    const changed = diff.added + diff.removed;
    assert.ok(
      changed <= STEP_DIFF_CAP,
      `${file}: ${changed} lines of code changed from ${after ?? "nothing"}`,
    );
  }
});

Deno.test("every file of tutorial/ and examples/ is a step of the tutorial", () => {
  const steps = new Set(STEP_FILES.map((s) => s.file));
  for (const dir of ["tutorial", "examples"]) {
    for (const entry of Deno.readDirSync(`${ROOT}${dir}`)) {
      assert.ok(steps.has(`${dir}/${entry.name}`), `${dir}/${entry.name}`);
    }
  }
});

Deno.test("the page gives the card's probe command for every step, and no other", () => {
  const onPage = fences(page)
    .filter((f) => f.lang === "sh")
    .flatMap((f) => f.text.split("\n"))
    .filter((line) => line.startsWith("deno task probe"));
  const card = STEP_SERVERS.map((step) =>
    probeCommand(step).map((w) => w.includes(" ") ? `"${w}"` : w).join(" ")
  );
  assert.deepEqual(onPage, card);
});

Deno.test("the report card in docs/tutorial.md is what deno task tutorial:grades finds now", async () => {
  const run = await runDeno(["task", "tutorial:grades", "--check"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
});

/** Runs `deno task demo --quick --servers A,B` and reads back what each server's ordinary clients saw. */
async function demo(servers: string) {
  const dir = await Deno.makeTempDir({ prefix: "tutorial_demo_" });
  try {
    const json = `${dir}/demo.json`;
    const run = await runDeno([
      "run",
      "--allow-net=127.0.0.1",
      "--allow-run",
      `--allow-write=${dir}`,
      "demo/main.ts",
      "--quick",
      "--servers",
      servers,
      "--json",
      json,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(await Deno.readTextFile(json)) as {
      servers: {
        summary: { line: string; answered: number; ordinary: number };
      }[];
    };
    return result.servers.map((s) => s.summary);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the demo shows step 3's handler stalling the non-blocking loop, and step 4's not", async () => {
  const [blocking3, stalled] = await demo(
    "tutorial/step3e_stay_up.ts,tutorial/step4a_nonblocking.ts",
  );
  assert.equal(blocking3.answered, 0, blocking3.line);
  assert.equal(stalled.answered, 0, stalled.line);
  const [blocking4, nonBlocking4] = await demo(
    "tutorial/step4_webserve.ts,tutorial/step4_webserve_nb.ts",
  );
  assert.equal(blocking4.answered, 0, blocking4.line);
  assert.equal(nonBlocking4.answered, nonBlocking4.ordinary, nonBlocking4.line);
});

/** A POST with a body, then a GET that asks to close, as one stream of bytes. */
const TWO_REQUESTS = fromLatin1(
  "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabcdef" +
    get("/after", "Connection: close\r\n"),
);

/** `bytes` cut into pieces at `cuts`. */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  return [0, ...cuts].map((at, i) =>
    bytes.subarray(at, [...cuts, undefined][i])
  );
}

Deno.test("step 4's handleConnection reads at most once per call, where step 3e's reads until a request is whole", async () => {
  const four = new ScriptedSocket(pieces(TWO_REQUESTS, [5, 40, 50]));
  const fourReads = await readsPerCall(step4.handleConnection as Handler, four);
  assert.ok(fourReads.every((n) => n <= 1), `reads per call: ${fourReads}`);
  const three = new ScriptedSocket(pieces(TWO_REQUESTS, [5, 40, 50]));
  const threeReads = await readsPerCall(
    step3e.handleConnection as Handler,
    three,
  );
  assert.ok(threeReads.some((n) => n > 1), `reads per call: ${threeReads}`);
  for (const socket of [four, three]) {
    assert.deepEqual(responses(socket).map(bodyText), [
      "hello, /p",
      "hello, /after",
    ]);
  }
});

Deno.test("step 4b serves a chunked body in pieces exactly as step 3e does", async () => {
  const request = fromLatin1(
    "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n" +
      get("/next", "Connection: close\r\n"),
  );
  for (const cuts of [[1, 2, 3], [60, 61, 70, 75, 90], [58, 100, 110]]) {
    const texts: string[] = [];
    for (const handle of [step3e.handleConnection, step4b.handleConnection]) {
      const socket = new ScriptedSocket(pieces(request, cuts));
      await readsPerCall(handle as Handler, socket);
      texts.push(socket.text.replace(/^Date: .*$/gm, "Date: <date>"));
    }
    assert.equal(texts[1], texts[0], `cut at ${cuts}`);
    assert.match(texts[0], /hello, \/c[^]*hello, \/next$/);
  }
});

Deno.test("step 4 skips a body of 2,000 one-byte chunks that comes in one read", async () => {
  const request =
    "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
    "1\r\nx\r\n".repeat(2000) + "0\r\n\r\n" +
    get("/next", "Connection: close\r\n");
  const socket = new ScriptedSocket([fromLatin1(request)]);
  await readsPerCall(step4.handleConnection as Handler, socket);
  assert.deepEqual(responses(socket).map(bodyText), [
    "hello, /c",
    "hello, /next",
  ]);
});

Deno.test("steps 3e, 4b and 4 answer an exception of their own with a 500, and log its cause", async () => {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    // A state that is not one: the handler's own code throws on it.
    const cases: [Handler, unknown][] = [
      [step3e.handleConnection as Handler, { buffer: 42 }],
      [step4b.handleConnection as Handler, { phase: "head", buffer: 42 }],
      [step4.handleConnection as Handler, { phase: "nowhere", buffer: "" }],
    ];
    for (const [handle, state] of cases) {
      const socket = new ScriptedSocket([fromLatin1(get("/x"))]);
      const [close] = await handle(socket, state as never);
      assert.equal(close, true);
      assert.deepEqual(responses(socket).map((r) => r.status), [500]);
    }
  } finally {
    console.error = original;
  }
  assert.equal(logged.length, 3);
  assert.ok(logged.every((args) => args.some((a) => a instanceof Error)));
});

Deno.test("step 4 answers HTTP/1.0 and closes, and keeps HTTP/1.0 that asks for keep-alive", async () => {
  await withListeningScript("tutorial/step4_webserve.ts", async (port) => {
    const old = await fetchRaw(port, "GET /ten HTTP/1.0\r\n\r\n");
    assert.match(old, /Connection: close\r\n\r\nhello, \/ten$/);
  });
  const socket = new ScriptedSocket([
    fromLatin1(
      "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
    ),
  ]);
  await readsPerCall(step4.handleConnection as Handler, socket);
  const answers = responses(socket);
  assert.deepEqual(answers.map(bodyText), ["hello, /a", "hello, /b"]);
});

Deno.test("every step imports without starting a server", async () => {
  const imports = STEP_FILES.map(({ file }) => `await import("./${file}");`)
    .join("");
  // Given a port, as if started: an import must still not listen on it.
  const run = await runDeno([
    "eval",
    `${imports} console.log("imported");`,
    "0",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "imported\n");
});

Deno.test("every step's server ends in one line and exit 2 on a bad port", async () => {
  for (const { file } of STEP_SERVERS) {
    const run = await runScript(file, ["x"]);
    assert.equal(run.code, 2, file);
    assert.equal(run.stderr, `usage: deno run --allow-net ${file} <port>\n`);
  }
});

Deno.test("docs/brief.md states the brief in the project's own words, and the docs cite it", async () => {
  const ours = Deno.readTextFileSync(`${ROOT}docs/brief.md`);
  for (
    const section of [
      "## What to build",
      "## The contract of `handle_connection`",
      "## The four suggested steps",
      "## The template exercise",
    ]
  ) {
    assert.ok(ours.includes(`${section}\n`), section);
  }
  const pages = [
    "README.md",
    ...[...Deno.readDirSync(`${ROOT}docs`)].map((e) => `docs/${e.name}`),
  ];
  const cited = pages.filter((p) =>
    Deno.readTextFileSync(`${ROOT}${p}`).includes("../shared/BRIEF.md")
  );
  assert.deepEqual(cited, [], "cite docs/brief.md instead");
  let original: string;
  try {
    original = await Deno.readTextFile(`${ROOT}../shared/BRIEF.md`);
  } catch {
    console.log(
      "skipped the copy check: ../shared/BRIEF.md is not beside the project",
    );
    return;
  }
  // No run of eight words of the original stands in ours.
  const words = (text: string) =>
    text.toLowerCase().match(/[a-z0-9_']+/g) ?? [];
  const ourText = ` ${words(ours).join(" ")} `;
  const theirs = words(original);
  const copied = [];
  for (let i = 0; i + 8 <= theirs.length; i++) {
    const run = theirs.slice(i, i + 8).join(" ");
    if (ourText.includes(` ${run} `)) copied.push(run);
  }
  assert.deepEqual(copied, []);
});
