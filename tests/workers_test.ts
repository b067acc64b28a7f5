import assert from "node:assert/strict";
import { serve as serveBlocking } from "../webserve.ts";
import { serve as serveNonBlocking } from "../webserve_nb.ts";
import { delay, raceTimeout, TIMED_OUT } from "../wire/timers.ts";
import { MemoryLog } from "./server_conformance.ts";
import { get, RawClient, since } from "../testing/raw_client.ts";
import { bodyText } from "../wire/response_parser.ts";
import { ROOT } from "../testing/commands.ts";
import { ServerProcess } from "../testing/server_launcher.ts";

/** `deno run` as a user runs a server with workers: they need read access to its modules. */
function withWorkers(script: string): string[] {
  return [
    Deno.execPath(),
    "run",
    "--allow-net",
    `--allow-read=${ROOT}`,
    script,
  ];
}

/**
 * Sends a `Connection: close` GET on `client`; resolves to the body if it
 * comes within `ms`, else rejects with an error whose `body` is the answer
 * still to come.
 */
async function answeredWithin(
  client: RawClient,
  path: string,
  ms: number,
): Promise<string> {
  await client.send(get(path, "Connection: close\r\n"));
  const body = client.readResponse().then(bodyText);
  const first = await raceTimeout(body, ms);
  if (first === TIMED_OUT) throw Object.assign(new Error("late"), { body });
  return first;
}

Deno.test("webserve --workers 2 answers the new clients hashed to the free worker at once while the other holds an idle connection", async () => {
  const server = serveBlocking({
    port: 0,
    hostname: "127.0.0.1",
    quiet: true,
    workers: 2,
    idleTimeoutMs: 30_000,
  });
  await server.ready;
  const port = server.addr.port;
  const holder = await RawClient.connect(port);
  // 16 clients rather than 10: the chance that the kernel hashes every one
  // to the busy worker (and the test cannot tell) is then 1 in 65,536.
  const clients = await Promise.all(
    Array.from({ length: 16 }, () => RawClient.connect(port)),
  );
  try {
    await holder.send(get("/hold"));
    assert.equal(bodyText(await holder.readResponse()), "hello, /hold");
    // The holder's worker now waits up to 30 s for its next request.
    const outcomes = await Promise.allSettled(
      clients.map((client, i) => answeredWithin(client, `/new/${i}`, 2_000)),
    );
    const atOnce = outcomes.filter((o) => o.status === "fulfilled").length;
    assert.ok(atOnce >= 1, "the free worker answered its clients at once");
    const waiting = outcomes.flatMap((o) =>
      o.status === "rejected" ? [o.reason.body as Promise<string>] : []
    );
    // The rest sit in the busy worker's own queue until the holder leaves.
    holder.close();
    const start = performance.now();
    const late = await Promise.all(waiting);
    assert.ok(since(start) < 5_000);
    assert.equal(atOnce + late.length, clients.length);
    for (const body of late) assert.match(body, /^hello, \/new\/\d+$/);
  } finally {
    holder.close();
    for (const client of clients) client.close();
    await server.stop();
  }
});

Deno.test("webserve_nb --workers 2 serves from both worker threads", async () => {
  const server = await ServerProcess.start(
    "webserve_nb.ts",
    ["0", "--host", "127.0.0.1", "--quiet", "--workers", "2"],
    withWorkers("webserve_nb.ts"),
  );
  try {
    assert.match(server.startLine, /\(IPv4; 2 workers\)$/);
    const before = await threadTicks(server.child.pid);
    // 16 keep-alive clients for a second: the kernel spreads them over both.
    const clients = await Promise.all(
      Array.from({ length: 16 }, () => RawClient.connect(server.port)),
    );
    const until = performance.now() + 1_000;
    await Promise.all(clients.map(async (client, i) => {
      while (performance.now() < until) {
        await client.send(get(`/load/${i}`));
        assert.equal(
          bodyText(await client.readResponse()),
          `hello, /load/${i}`,
        );
      }
      client.close();
    }));
    const after = await threadTicks(server.child.pid);
    const busy = [...after].filter(([thread, ticks]) =>
      /^worker-/.test(thread) && ticks - (before.get(thread) ?? 0) >= 2
    );
    assert.ok(
      busy.length >= 2,
      `worker threads with CPU time: ${JSON.stringify([...after])}`,
    );
  } finally {
    server.kill("SIGTERM");
    assert.equal((await server.finish()).code, 0);
  }
});

/** CPU time (user and system, in clock ticks) of each thread of `pid`, by `name/tid`, read through `cat` (Deno allows /proc/<pid> only to --allow-all). */
async function threadTicks(pid: number): Promise<Map<string, number>> {
  const output = await new Deno.Command("sh", {
    args: [
      "-c",
      `for t in /proc/${pid}/task/*; do echo "$(cat $t/comm)/\${t##*/} $(cat $t/stat)"; done`,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const ticks = new Map<string, number>();
  for (const line of new TextDecoder().decode(output.stdout).split("\n")) {
    const name = line.slice(0, line.indexOf(" ("));
    const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat; the first after ")" is 3.
    if (name) ticks.set(name, Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

for (const script of ["webserve.ts", "webserve_nb.ts"]) {
  Deno.test(`${script.replace(".ts", "")} --workers 2 on SIGTERM finishes the request in flight, closes idle connections and exits 0`, async () => {
    const server = await ServerProcess.start(
      script,
      ["0", "--host", "127.0.0.1", "--quiet", "--workers", "2"],
      withWorkers(script),
    );
    const busy = await RawClient.connect(server.port);
    let idle: RawClient | undefined;
    try {
      await busy.send(
        "POST /in-flight HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345",
      );
      await delay(200);
      // An idle keep-alive client: answered by the other worker, or queued
      // behind the busy one (a blocking worker serves one at a time).
      idle = await RawClient.connect(server.port);
      await idle.send(get("/idle"));
      const start = performance.now();
      server.kill("SIGTERM");
      assert.ok(await server.waitForStdout(/SIGTERM received/, 2_000));
      await busy.send("67890");
      assert.equal(bodyText(await busy.readResponse()), "hello, /in-flight");
      assert.ok(await idle.closedWithin(3_000), "the idle connection closed");
      const status = await server.finish();
      assert.equal(status.code, 0);
      assert.ok(since(start) < 4_000, `exited after ${since(start)} ms`);
      assert.equal(server.stdout.match(/listening on/g)?.length, 1);
    } finally {
      busy.close();
      idle?.close();
    }
  });
}

Deno.test("webserve_nb with workers caps open connections in total, not per worker", async () => {
  const server = serveNonBlocking({
    port: 0,
    hostname: "127.0.0.1",
    quiet: true,
    workers: 2,
    maxConnections: 2,
  });
  await server.ready;
  const port = server.addr.port;
  const held = await Promise.all([
    RawClient.connect(port),
    RawClient.connect(port),
  ]);
  try {
    await Promise.all(held.map((client) => client.send(get("/held"))));
    await Promise.all(held.map((client) => client.readResponse()));
    // Wherever the kernel puts the next ones, the total is already 2.
    for (let i = 0; i < 4; i++) {
      const extra = await RawClient.connect(port);
      try {
        assert.equal((await extra.readResponse()).status, 503);
      } finally {
        extra.close();
      }
    }
  } finally {
    for (const client of held) client.close();
    await server.stop();
  }
});

Deno.test("webserve_nb with workers writes every worker's access log through one writer in whole lines", async () => {
  const log = new MemoryLog();
  const server = serveNonBlocking({
    port: 0,
    hostname: "127.0.0.1",
    workers: 2,
    logWriter: log,
  });
  await server.ready;
  const clients = await Promise.all(
    Array.from({ length: 8 }, () => RawClient.connect(server.addr.port)),
  );
  try {
    await Promise.all(clients.map(async (client, c) => {
      for (let i = 0; i < 50; i++) {
        await client.send(get(`/log/${c}/${i}`));
        await client.readResponse();
      }
    }));
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
  const lines = log.text.trimEnd().split("\n");
  assert.equal(lines.length, 8 * 50);
  for (const line of lines) {
    assert.match(
      line,
      /^\d{4}-\d\d-\d\dT[\d:.]+Z 127\.0\.0\.1 "GET \/log\/\d\/\d+" 200 \d+ [\d.]+ms$/,
    );
  }
  for (let c = 0; c < 8; c++) {
    const mine = lines.filter((line) => line.includes(` /log/${c}/`));
    assert.deepEqual(
      mine.map((line) => Number(/\/log\/\d\/(\d+)/.exec(line)![1])),
      Array.from({ length: 50 }, (_, i) => i),
      "each connection's lines in order",
    );
  }
});
