/**
 * The tutorial's steps (`tutorial/`), each started as `docs/tutorial.md`
 * tells a learner to start it, holding to what its step promises: step 1
 * answers any path with its hard-coded body; step 2 reads a head however
 * many writes it comes in and answers 400 to one that does not parse; step
 * 3 keeps connections alive, reads bodies away, refuses bad input and lets
 * an idle client go; step 4's handler reads at most once per call, and its
 * two servers pass every check of `deno task probe` for their kind. Plus:
 * every step imports without starting, stays within its lines of code, and
 * the report card in `docs/tutorial.md` is what the probe says now.
 */

import assert from "node:assert/strict";
import { delay } from "../wire/timers.ts";
import { fromLatin1 } from "../wire/bytes.ts";
import { runDeno, runScript } from "../testing/commands.ts";
import {
  fetchRaw,
  get,
  RawClient,
  readUntilClosed,
} from "../testing/raw_client.ts";
import {
  bodyText,
  headerValue,
  parseResponseStream,
} from "../wire/response_parser.ts";
import { ScriptedSocket } from "../testing/scripted_socket.ts";
import {
  type ServerProcess,
  withListeningScript,
} from "../testing/server_launcher.ts";
import { countCodeLines } from "../tools/code_lines.ts";
import * as step3 from "../tutorial/step3_handle.ts";
import * as step4 from "../tutorial/step4_handler.ts";

const SERVERS = [
  "step1_hello_world",
  "step2_parse",
  "step3_handle",
  "step4_webserve",
  "step4_webserve_nb",
];

/** Starts `tutorial/<name>.ts 0` as a learner does, checks its one line, and stops it after `body`. */
function withStep(
  name: string,
  body: (port: number, server: ServerProcess) => Promise<void>,
): Promise<void> {
  return withListeningScript(`tutorial/${name}.ts`, body);
}

/** The one response of a connection the server closes after it. */
function onlyResponse(text: string) {
  const parsed = parseResponseStream(fromLatin1(text), {
    requireEngineHeaders: false,
  });
  assert.equal(parsed.error, undefined, text);
  assert.equal(parsed.responses.length, 1, text);
  return parsed.responses[0];
}

Deno.test("tutorial step 1 answers any path with the hard-coded hello, world, then closes", async () => {
  await withStep("step1_hello_world", async (port) => {
    for (
      const request of [
        get("/some/random/url"),
        "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\na=b",
      ]
    ) {
      const response = onlyResponse(await fetchRaw(port, request));
      assert.equal(response.status, 200);
      assert.equal(bodyText(response), "hello, world");
      assert.equal(headerValue(response, "connection"), "close");
    }
  });
});

Deno.test("tutorial step 2 parses a head sent in three writes, and answers 400 to a head that does not parse", async () => {
  await withStep("step2_parse", async (port, server) => {
    const client = await RawClient.connect(port);
    try {
      const head = get("/three/writes", "User-Agent: test\r\n");
      for (
        const piece of [head.slice(0, 7), head.slice(7, 30), head.slice(30)]
      ) {
        await client.send(piece);
        await delay(100);
      }
      const answer = await readUntilClosed(client.conn, 2000);
      assert.equal(answer.end, "closed", "closed after the answer");
      assert.equal(bodyText(onlyResponse(answer.text)), "hello, world");
    } finally {
      client.close();
    }
    assert.ok(
      await server.waitForStdout(
        /parsed: GET \/three\/writes HTTP\/1\.1; fields: host, user-agent\n/,
        2000,
      ),
      `the parsed request is printed: ${server.stdout}`,
    );
    for (
      const bad of [
        "GET /no-version\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
      ]
    ) {
      const response = onlyResponse(await fetchRaw(port, bad));
      assert.equal(response.status, 400, bad);
    }
  });
});

Deno.test("tutorial step 3 keeps the connection through bodies, pipelining and HEAD, closes when asked, and refuses bad input", async () => {
  await withStep("step3_handle", async (port) => {
    const client = await RawClient.connect(port);
    try {
      await client.send(
        "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\nx=1&y=2",
      );
      assert.equal(bodyText(await client.readResponse()), "hello, /form");
      await client.send(
        "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
          "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n",
      );
      assert.equal(bodyText(await client.readResponse()), "hello, /up");
      await client.send(get("/1?q=1") + get("/2") + get("/3")); // pipelined
      for (const path of ["/1", "/2", "/3"]) {
        assert.equal(bodyText(await client.readResponse()), `hello, ${path}`);
      }
      await client.send("HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n");
      const head = await client.readResponse(true);
      assert.equal(head.status, 200);
      assert.equal(headerValue(head, "content-length"), "9");
      await client.send(get("/last", "Connection: close\r\n"));
      assert.equal(bodyText(await client.readResponse()), "hello, /last");
      assert.ok(await client.closedWithin(2000), "Connection: close honoured");
    } finally {
      client.close();
    }
    const old = onlyResponse(await fetchRaw(port, "GET /ten HTTP/1.0\r\n\r\n"));
    assert.equal(
      bodyText(old),
      "hello, /ten",
      "HTTP/1.0 answered, then closed",
    );
    for (
      const bad of [
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET / HTTP/1.1\r\n\r\n", // no Host
      ]
    ) {
      const response = onlyResponse(await fetchRaw(port, bad));
      assert.equal(response.status, 400, bad);
    }
  });
});

Deno.test("tutorial step 3 lets an idle client go after its timeout, so the next client is served", async () => {
  await withStep("step3_handle", async (port) => {
    const idle = await RawClient.connect(port);
    try {
      await idle.send(get("/first"));
      assert.equal(bodyText(await idle.readResponse()), "hello, /first");
      const started = performance.now();
      const next = await fetchRaw(port, get("/next", "Connection: close\r\n"));
      assert.equal(bodyText(onlyResponse(next)), "hello, /next");
      const waited = performance.now() - started;
      assert.ok(waited > 1000 && waited < 5000, `waited ${waited} ms`);
      assert.ok(await idle.closedWithin(1000), "the idle client was closed");
    } finally {
      idle.close();
    }
  });
});

/** Runs `handleConnection` over `socket` until it says close; returns how many reads each call made. */
async function readsPerCall(
  handle: (conn: Deno.Conn, state?: never) => Promise<[boolean, unknown]>,
  socket: ScriptedSocket,
): Promise<number[]> {
  const reads: number[] = [];
  let [close, state] = [false, undefined as unknown];
  while (!close) {
    const before = socket.reads;
    [close, state] = await handle(
      socket as unknown as Deno.Conn,
      state as never,
    );
    reads.push(socket.reads - before);
  }
  return reads;
}

Deno.test("tutorial step 4's handleConnection reads at most once per call, where step 3's reads until a request is whole", async () => {
  const request = fromLatin1(
    "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabcdef" +
      get("/after", "Connection: close\r\n"),
  );
  const pieces = () => [
    request.subarray(0, 5),
    request.subarray(5, 40),
    request.subarray(40, 50),
    request.subarray(50),
  ];
  const four = new ScriptedSocket(pieces());
  const fourReads = await readsPerCall(step4.handleConnection, four);
  assert.ok(fourReads.every((n) => n <= 1), `reads per call: ${fourReads}`);
  const three = new ScriptedSocket(pieces());
  const threeReads = await readsPerCall(step3.handleConnection, three);
  assert.ok(threeReads.some((n) => n > 1), `reads per call: ${threeReads}`);
  for (const socket of [four, three]) {
    const responses = parseResponseStream(socket.output).responses;
    assert.deepEqual(responses.map(bodyText), ["hello, /p", "hello, /after"]);
  }
});

Deno.test("tutorial step 4 reads a body of 2,000 one-byte chunks that comes in one read", async () => {
  const request =
    "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
    "1\r\nx\r\n".repeat(2000) + "0\r\n\r\n" +
    get("/next", "Connection: close\r\n");
  const socket = new ScriptedSocket([fromLatin1(request)]);
  let [close, state] = await step4.handleConnection(
    socket as unknown as Deno.Conn,
  );
  while (!close) {
    [close, state] = await step4.handleConnection(
      socket as unknown as Deno.Conn,
      state,
    );
  }
  const responses = parseResponseStream(socket.output).responses;
  assert.deepEqual(responses.map(bodyText), ["hello, /c", "hello, /next"]);
});

Deno.test("tutorial steps 3 and 4 answer an exception of their own with a 500, and log its cause", async () => {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const cases: [
      (conn: Deno.Conn, state: never) => Promise<[boolean, unknown]>,
      unknown,
    ][] = [
      // A state that is not one: the handler's own code throws on it.
      [step3.handleConnection, { buffer: 42 }],
      [step4.handleConnection, { phase: "nowhere", buffer: "", left: 0 }],
    ];
    for (const [handle, state] of cases) {
      const socket = new ScriptedSocket([fromLatin1(get("/x"))]);
      const [close] = await handle(
        socket as unknown as Deno.Conn,
        state as never,
      );
      assert.equal(close, true);
      const response = onlyResponse(socket.text);
      assert.equal(response.status, 500, socket.text);
    }
  } finally {
    console.error = original;
  }
  assert.equal(logged.length, 2);
  assert.ok(logged.every((args) => args.some((a) => a instanceof Error)));
});

const PROBE_PERMISSIONS = [
  "--allow-net",
  "--allow-run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
];

for (
  const [file, kind, checks] of [
    ["step4_webserve.ts", "blocking", 26],
    ["step4_webserve_nb.ts", "nb", 28],
  ] as const
) {
  Deno.test(`tutorial/${file} passes every check of deno task probe --kind ${kind}`, async () => {
    const run = await runScript("probe/main.ts", [
      "-q",
      "--start",
      `deno run --allow-net tutorial/${file} {port}`,
      "--kind",
      kind,
    ], PROBE_PERMISSIONS);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`${checks}/${checks} checks passed`));
  });
}

Deno.test("the report card in docs/tutorial.md is what deno task tutorial:grades finds now", async () => {
  const run = await runDeno(["task", "tutorial:grades", "--check"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
});

Deno.test("every tutorial step imports without starting a server", async () => {
  const imports = SERVERS.map((name) =>
    `await import("./tutorial/${name}.ts");`
  ).join("");
  // Given a port, as if started: an import must still not listen on it.
  const run = await runDeno([
    "eval",
    `${imports} console.log("imported");`,
    "0",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "imported\n");
});

Deno.test("every tutorial step ends in one line and exit 2 on a bad port", async () => {
  for (const name of SERVERS) {
    const run = await runScript(`tutorial/${name}.ts`, ["x"]);
    assert.equal(run.code, 2, name);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.match(run.stderr, /^usage: deno run --allow-net tutorial\//);
  }
});

Deno.test("every tutorial step is at most 150 lines of code, step 4's handler at most 200", async () => {
  const limits: Record<string, number> = {
    "step1_hello_world.ts": 150,
    "step2_parse.ts": 150,
    "step3_handle.ts": 150,
    "step4_handler.ts": 200,
    "step4_webserve.ts": 150,
    "step4_webserve_nb.ts": 150,
    "listen.ts": 150,
  };
  for (
    const entry of Deno.readDirSync(new URL("../tutorial/", import.meta.url))
  ) {
    assert.ok(entry.name in limits, `a limit for tutorial/${entry.name}`);
  }
  for (const [file, limit] of Object.entries(limits)) {
    const text = await Deno.readTextFile(
      new URL(`../tutorial/${file}`, import.meta.url),
    );
    const lines = countCodeLines(text);
    assert.ok(lines <= limit, `${file}: ${lines} lines of code`);
  }
});
