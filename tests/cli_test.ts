import assert from "node:assert/strict";
import { ROOT, runScript } from "../testing/commands.ts";
import { get, RawClient, since } from "../testing/raw_client.ts";
import { bodyText } from "../wire/response_parser.ts";
import { ServerProcess } from "../testing/server_launcher.ts";
import { delay } from "../wire/timers.ts";

const SCRIPTS = ["webserve.ts", "webserve_nb.ts"] as const;

/** Asserts a failed start: a non-zero status, one line naming the problem, a usage hint, no stack trace. */
function assertOneLineError(
  result: { code: number; stderr: string },
  pattern: RegExp,
): void {
  assert.notEqual(result.code, 0);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 2, result.stderr);
  assert.match(lines[0], pattern);
  assert.match(lines[1], /--help/);
  assert.doesNotMatch(result.stderr, /\bat .*:\d+:\d+|Error:/);
}

for (const script of SCRIPTS) {
  const name = script.replace(".ts", "");

  Deno.test(`${name} command line --help prints usage and exits 0`, async () => {
    const result = await runScript(script, ["--help"]);
    assert.equal(result.code, 0);
    assert.match(
      result.stdout,
      new RegExp(`^Usage: deno run --allow-net ${script} <port>`),
    );
    assert.match(result.stdout, /--idle-timeout/);
    assert.match(result.stdout, /--quiet/);
  });

  Deno.test(`${name} command line rejects a missing port, a bad port and an unknown flag`, async () => {
    assertOneLineError(
      await runScript(script, []),
      /^webserve(_nb)?\.ts: missing <port>/,
    );
    assertOneLineError(
      await runScript(script, ["65536"]),
      /port must be a number from 0 to 65535, not '65536'/,
    );
    assertOneLineError(
      await runScript(script, ["http"]),
      /port must be a number/,
    );
    assertOneLineError(
      await runScript(script, ["8080", "--bogus"]),
      /unknown option '--bogus'/,
    );
    assertOneLineError(
      await runScript(script, ["8080", "--idle-timeout", "soon"]),
      /--idle-timeout must be/,
    );
  });

  Deno.test(`${name} command line reports a port in use and missing network permission in one line`, async () => {
    const busy = Deno.listen({ hostname: "0.0.0.0", port: 0 });
    try {
      const result = await runScript(script, [String(busy.addr.port)]);
      assertOneLineError(result, /already in use/);
    } finally {
      busy.close();
    }
    assertOneLineError(
      await runScript(script, ["0"], []),
      /network access not granted \(run with --allow-net\)/,
    );
  });

  Deno.test(`${name} command line refuses --workers it cannot run in one line and exit 2`, async () => {
    for (const bad of ["0", "x", "65", "1.5"]) {
      const result = await runScript(script, ["0", "--workers", bad]);
      assert.equal(result.code, 2);
      assertOneLineError(
        result,
        /--workers must be a whole number from 1 to 64, or 'auto'/,
      );
    }
    // Without --unstable-net (no deno.json found): no SO_REUSEPORT.
    const noUnstable = await runScript(script, ["0", "--workers", "2"], [
      "--no-config",
      "--allow-net",
      "--allow-read",
    ]);
    assert.equal(noUnstable.code, 2);
    assertOneLineError(
      noUnstable,
      /--workers 2 needs Deno's --unstable-net flag/,
    );
    // A worker's modules are read with permission checks.
    const noRead = await runScript(script, ["0", "--workers", "2"]);
    assert.equal(noRead.code, 2);
    assertOneLineError(
      noRead,
      /--workers 2 needs read access to the server's own modules, .*--allow-read=\//,
    );
    // One worker is the plain server: nothing more is needed.
    const one = await ServerProcess.start(script, [
      "0",
      "--host",
      "127.0.0.1",
      "--quiet",
      "--workers",
      "1",
    ]);
    one.kill("SIGTERM");
    assert.equal((await one.finish()).code, 0);
    assert.doesNotMatch(one.startLine, /workers/);
  });

  Deno.test(`${name} command line logs requests to stdout, and not with --quiet`, async () => {
    for (const quiet of [false, true]) {
      const server = await ServerProcess.start(script, [
        "0",
        "--host",
        "127.0.0.1",
        ...(quiet ? ["-q"] : []),
      ]);
      try {
        assert.match(
          server.startLine,
          new RegExp(
            `^${name} \\((non-)?blocking\\) listening on http://127\\.0\\.0\\.1:\\d+/`,
          ),
        );
        const response = await fetch(`http://127.0.0.1:${server.port}/logged`);
        assert.equal(await response.text(), "hello, /logged");
      } finally {
        server.kill("SIGTERM");
        assert.equal((await server.finish()).code, 0);
      }
      if (quiet) {
        assert.doesNotMatch(server.stdout, /"GET \/logged"/);
      } else {
        assert.match(server.stdout, /127\.0\.0\.1 "GET \/logged" 200 \d+/);
      }
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.test(`${name} on ${signal} finishes the request in flight and exits 0 within 2 s`, async () => {
      const server = await ServerProcess.start(script, ["0", "--quiet"]);
      const client = await RawClient.connect(server.port);
      try {
        await client.send(
          "POST /in-flight HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345",
        );
        await delay(100);
        const start = performance.now();
        server.kill(signal);
        await server.waitForStdout(new RegExp(`${signal} received`), 2_000);
        await client.send("67890");
        const response = await client.readResponse();
        assert.equal(bodyText(response), "hello, /in-flight");
        const status = await server.finish();
        assert.equal(status.code, 0);
        assert.ok(
          since(start) < 2_000,
          `exited after ${since(start).toFixed(0)} ms`,
        );
      } finally {
        client.close();
      }
    });
  }

  Deno.test(`${name} on SIGTERM closes idle keep-alive connections and exits 0 promptly`, async () => {
    const server = await ServerProcess.start(script, [
      "0",
      "--quiet",
      "--idle-timeout",
      "30",
    ]);
    const client = await RawClient.connect(server.port);
    try {
      await client.send(get("/idle"));
      await client.readResponse();
      const start = performance.now();
      server.kill("SIGTERM");
      assert.ok(await client.closedWithin(2_000), "idle connection closed");
      assert.equal((await server.finish()).code, 0);
      assert.ok(
        since(start) < 1_000,
        `exited after ${since(start).toFixed(0)} ms`,
      );
    } finally {
      client.close();
    }
  });
}

/** The tasks of deno.json, as a user runs them. */
const TASKS = (JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as {
  tasks: Record<string, string>;
}).tasks;

Deno.test("the start:nb task's command starts a webserve_nb that serves hello", async () => {
  // The task's own words, but on a free port: V8 refuses a flag it does not
  // know, so this fails if the flags stop being valid.
  const words = TASKS["start:nb"].split(" ");
  assert.equal(words[0], "deno");
  const command = [Deno.execPath(), ...words.slice(1, -1)];
  const server = await ServerProcess.start("webserve_nb.ts", [
    "0",
    "--host",
    "127.0.0.1",
    "--quiet",
  ], command);
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/flags`);
    assert.equal(await response.text(), "hello, /flags");
  } finally {
    server.child.kill("SIGTERM");
    await server.finish();
  }
});
