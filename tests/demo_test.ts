/**
 * `deno task demo` run as a user runs it: the short mode end to end against
 * both real servers, and its one-line failures.
 */

import assert from "node:assert/strict";
import { runCrowd } from "../demo/crowd.ts";
import { serve as serveNonBlocking } from "../webserve_nb.ts";
import {
  type CommandResult as Run,
  ROOT,
  runDeno,
} from "../testing/commands.ts";

/** `deno task -q demo ...args` (-q: without deno's own "Task demo" line). */
function runTask(args: string[]): Promise<Run> {
  return runDeno(["task", "-q", "demo", ...args]);
}

/**
 * The demo task's own command with write access to `dir` added, as its help
 * tells a user who wants files written without a prompt.
 */
async function runTaskWritingTo(dir: string, args: string[]): Promise<Run> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const [deno, run, ...rest] = String(config.tasks.demo).split(" ");
  assert.deepEqual([deno, run], ["deno", "run"]);
  const script = rest.pop()!;
  return runDeno(["run", ...rest, `--allow-write=${dir}`, script, ...args]);
}

interface DemoJson {
  quick: boolean;
  servers: {
    script: string;
    summary: {
      line: string;
      ordinary: number;
      answered: number;
      slowest?: { waitedMs: number; behind: { role: string }[] };
    };
    run: {
      clients: {
        role: string;
        startedAt: number;
        answeredAt?: number;
        status?: number;
      }[];
    };
  }[];
}

/** The latest answer of the ordinary clients, since they started. */
function lastOrdinaryAnswer(server: DemoJson["servers"][number]): number {
  const ordinary = server.run.clients.filter((c) => c.role === "ordinary");
  const start = Math.min(...ordinary.map((c) => c.startedAt));
  return Math.max(...ordinary.map((c) => c.answeredAt! - start));
}

Deno.test("deno task demo --quick: both servers answer every ordinary client, the non-blocking one all before the blocking one's slowest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "demo_test_" });
  try {
    const json = `${dir}/demo.json`;
    const svg = `${dir}/timeline.svg`;
    const result = await runTaskWritingTo(dir, [
      "--quick",
      "--json",
      json,
      "--svg",
      svg,
    ]);
    assert.equal(result.code, 0, result.stderr);
    // Not a terminal: no progress line, no colour (NO_COLOR is set too; that
    // a pipe alone gets no colour is paletteFor's unit test), only the files
    // it wrote.
    assert.equal(
      result.stderr,
      `demo: wrote ${svg}\ndemo: wrote ${json}\n`,
    );
    assert.ok(!result.stdout.includes("\x1b"), "colour codes in a pipe");

    const report: DemoJson = JSON.parse(await Deno.readTextFile(json));
    assert.equal(report.quick, true);
    const [blocking, nonBlocking] = report.servers;
    assert.equal(blocking.script, "webserve.ts");
    assert.equal(nonBlocking.script, "webserve_nb.ts");
    for (const server of report.servers) {
      assert.equal(server.summary.ordinary, 8);
      assert.equal(server.summary.answered, 8, server.summary.line);
      const ordinary = server.run.clients.filter((c) => c.role === "ordinary");
      assert.ok(ordinary.every((c) => c.status === 200), server.script);
      // The printed summary is the one in the JSON.
      assert.ok(
        result.stdout.includes(`\n${server.summary.line}\n`),
        server.summary.line,
      );
    }
    assert.ok(
      lastOrdinaryAnswer(nonBlocking) < lastOrdinaryAnswer(blocking),
      `${nonBlocking.summary.line} / ${blocking.summary.line}`,
    );
    // The blocking server served the idle client until its 0.5 s idle
    // timeout, then the trickling one until its 0.5 s head deadline, while
    // the ordinary clients (started 0.1 s in) waited: the summary says so.
    const behind = blocking.summary.slowest!.behind.map((hold) => hold.role);
    assert.deepEqual(
      behind.slice(0, 2),
      ["idle", "trickling"],
      blocking.summary.line,
    );
    assert.ok(blocking.summary.slowest!.waitedMs >= 800, blocking.summary.line);
    assert.match(
      blocking.summary.line,
      /behind the idle client, then .* behind the trickling client/,
    );

    // One timeline per server, each with its ten clients, then the legend.
    for (const label of ["webserve (blocking)", "webserve_nb (non-blocking)"]) {
      assert.match(
        result.stdout,
        new RegExp(
          `^${
            label.replace(/[()]/g, "\\$&")
          } on port \\d+: deno run --allow-net`,
          "m",
        ),
      );
    }
    assert.equal(result.stdout.match(/^ordinary \d /gm)?.length, 16);
    assert.match(result.stdout, /^legend: /m);

    const picture = await Deno.readTextFile(svg);
    assert.ok(picture.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(picture.trimEnd().endsWith("</svg>"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task demo reports a busy port in one line and exits 1", async () => {
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = busy.addr.port;
    for (
      const [ports, script] of [[`${port},0`, "webserve.ts"], [
        `0,${port}`,
        "webserve_nb.ts",
      ]]
    ) {
      const result = await runTask(["--quick", "--ports", ports]);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, "");
      const lines = result.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.equal(
        lines[0],
        `demo: ${script} did not start: cannot listen on 127.0.0.1 port ${port}: ` +
          "it is already in use (choose another port, or 0 for any free one)",
      );
    }
  } finally {
    busy.close();
  }
});

Deno.test("deno task demo rejects a bad flag in one line with exit 2, and --help shows the flags", async () => {
  const bad = await runTask(["--bogus"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, "");
  assert.equal(
    bad.stderr,
    "demo: unknown option '--bogus' (try 'deno task demo --help')\n",
  );
  const help = await runTask(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: deno task demo \[options\]/);
  for (const flag of ["--quick", "--ports", "--svg", "--json", "--trace"]) {
    assert.ok(help.stdout.includes(flag), flag);
  }
});

Deno.test("deno task demo asks for write access before it starts, and says how in one line when refused", async () => {
  const result = await runTask(["--svg", "refused.svg"]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^demo: --svg needs write access to \/.*refused\.svg: answer Deno's prompt in a terminal, or run deno run .*--allow-write=.*\n$/,
  );
  await assert.rejects(Deno.stat(`${ROOT}refused.svg`));
});

Deno.test("runCrowd closes the clients still open at the end of its hold and leaves nothing running", async () => {
  // In-process, so the test's sanitizers see every timer and socket the crowd uses.
  const server = serveNonBlocking({
    port: 0,
    hostname: "127.0.0.1",
    quiet: true,
  });
  try {
    const run = await runCrowd({ port: server.addr.port, holdMs: 600 });
    const [idle, trickling, ...ordinary] = run.clients;
    assert.equal(ordinary.length, 8);
    for (const client of ordinary) {
      assert.equal(client.status, 200, client.name);
      assert.equal(client.end, "client", client.name);
    }
    // The server's idle timeout (5 s) and head deadline (10 s) are far off: the demo ended both.
    assert.equal(idle.status, 200);
    assert.equal(idle.end, "demo");
    assert.equal(trickling.answeredAt, undefined);
    assert.equal(trickling.end, "demo");
    assert.ok(
      trickling.bytesSent > 0 && trickling.bytesSent < trickling.requestBytes,
      `${trickling.bytesSent} of ${trickling.requestBytes} bytes`,
    );
    assert.ok(
      run.durationMs >= 600 && run.durationMs < 2_000,
      `${run.durationMs} ms`,
    );
  } finally {
    await server.stop();
  }
});

Deno.test("deno task demo --quick --trace shows each server's calls behind its timeline", async () => {
  const result = await runTask(["--quick", "--trace"]);
  assert.equal(result.code, 0, result.stderr);
  for (const script of ["webserve.ts", "webserve_nb.ts"]) {
    const block = result.stdout.split(`${script} on stderr`)[1];
    assert.ok(block !== undefined, `no trace block for ${script}`);
    // The idle client's connection: opened, answered once, then timed out.
    assert.match(
      block,
      /\n {2}trace conn=1 open peer=127\.0\.0\.1:\d+\n {2}trace conn=1 call=1 read=\d+ phase=idle->idle responses=1 close=false us=\d+\n/,
    );
    assert.match(block, /trace conn=\d+ timeout phase=head answered=408/);
    assert.match(block, /trace conn=\d+ close reason=eof calls=2/);
  }
});
