import assert from "node:assert/strict";
import { badInputs, unusualInputs } from "./bad_inputs.ts";
import { latin1 } from "./kit.ts";
import type { ScriptStep } from "./probe_conn.ts";
import { reproduce, withFirstClient, writer } from "./reproduce.ts";
import { firefoxPage, get, request } from "./requests.ts";

/** The Host field the probe sent: its own port, which the commands write as $PORT. */
const HOST = "127.0.0.1:41234";

/** What `shell -c command` writes to stdout, with PORT=8080. */
async function run(shell: string, command: string): Promise<string> {
  const output = await new Deno.Command(shell, {
    args: ["-c", command],
    env: { PORT: "8080" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(
    output.success,
    `${shell} -c ${command}: ${new TextDecoder().decode(output.stderr)}`,
  );
  return latin1(output.stdout);
}

const SHELLS = ["sh", "bash"].filter((shell) => {
  try {
    return new Deno.Command(shell, { args: ["-c", "true"] }).outputSync()
      .success;
  } catch {
    return false;
  }
});

Deno.test("reproduce gives curl for one GET or one form POST alone on its connection", () => {
  assert.equal(
    reproduce(
      [{ write: get("/search?q=hello&page=2", HOST) }],
      "127.0.0.1",
      HOST,
    ),
    'curl -i "http://127.0.0.1:$PORT/search?q=hello&page=2"',
  );
  assert.equal(
    reproduce(
      [{
        write: request("POST", "/process_form", {
          host: HOST,
          fields: ["Content-Type: application/x-www-form-urlencoded"],
          body: "firstname=Ada&lastname=Lovelace",
        }),
      }],
      "127.0.0.1",
      HOST,
    ),
    `curl -i -d 'firstname=Ada&lastname=Lovelace' "http://127.0.0.1:$PORT/process_form"`,
  );
  assert.equal(
    reproduce(
      [{ write: get("/close", HOST, ["Connection: close"]) }],
      "::1",
      HOST,
    ),
    `curl -i -H 'Connection: close' "http://[::1]:$PORT/close"`,
  );
});

Deno.test("reproduce gives printf | nc for what curl cannot send alike, with the probe's waits as sleep", () => {
  const first = get("/first", HOST);
  assert.equal(
    reproduce(
      [{ write: first }, { wait: "answer" }, { write: get("/second", HOST) }],
      "127.0.0.1",
      HOST,
    ),
    `{ printf 'GET /first HTTP/1.1\\r\\nHost: 127.0.0.1:%s\\r\\n\\r\\n' "$PORT"; sleep 1; printf 'GET /second HTTP/1.1\\r\\nHost: 127.0.0.1:%s\\r\\n\\r\\n' "$PORT"; } | nc 127.0.0.1 "$PORT"`,
  );
  assert.equal(
    reproduce(
      [{ write: "GET /spl" }, { wait: 150 }, { write: "it HTTP/1.0\r\n\r\n" }],
      "127.0.0.1",
      HOST,
    ),
    `{ printf 'GET /spl'; sleep 0.15; printf 'it HTTP/1.0\\r\\n\\r\\n'; } | nc 127.0.0.1 "$PORT"`,
  );
  // A HEAD, HTTP/1.0, or any GET asked for raw (an answer that is not HTTP): nc.
  for (
    const [text, raw] of [
      [request("HEAD", "/", { host: HOST }), false],
      [request("GET", "/ten", { host: false, version: "HTTP/1.0" }), false],
      [get("/", HOST), true],
    ] as const
  ) {
    assert.match(
      reproduce([{ write: text }], "127.0.0.1", HOST, raw),
      /^printf '.*'( "\$PORT")* \| nc 127\.0\.0\.1 "\$PORT"$/,
    );
  }
});

Deno.test("reproduce makes long runs of one character and numbered lines short", () => {
  const oversized = badInputs().filter((input) => input.class === "oversized");
  for (const input of oversized) {
    const command = reproduce([{ write: input.request }], "127.0.0.1", HOST);
    assert.ok(command.length < 400, `${input.name}: ${command.length} chars`);
  }
  assert.match(
    reproduce([{ write: oversized[0].request }], "127.0.0.1", HOST),
    /head -c 1048576 \/dev\/zero \| tr '\\000' b/,
  );
  assert.match(
    reproduce([{ write: oversized[1].request }], "127.0.0.1", HOST),
    /for i in \$\(seq 0 16383\); do printf 'X-%s: v+\\r\\n' "\$i"; done/,
  );
});

Deno.test({
  name:
    "reproduce's shell writes the very bytes the probe wrote (the port as $PORT), in sh and bash: every bad and unusual input, Firefox's request, a large body, pauses",
  ignore: SHELLS.length === 0,
  async fn() {
    const texts = [
      ...badInputs().map((input) => input.request),
      ...unusualInputs().map((input) => input.request),
      firefoxPage(HOST),
      request("POST", "/large", { host: HOST, body: "x".repeat(256 * 1024) }),
      `GET /'quote'/%41/back\\slash HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`,
    ];
    for (const shell of SHELLS) {
      for (const text of texts) {
        const script: ScriptStep[] = [{ write: text }];
        const wrote = await run(shell, writer(script, HOST));
        assert.equal(
          wrote,
          text.replaceAll(HOST, "127.0.0.1:8080"),
          `${shell}: ${JSON.stringify(text.slice(0, 40))}`,
        );
      }
      const paused: ScriptStep[] = [
        { write: "GET / HTTP/1.1\r\n" },
        { wait: 20 },
        { write: `Host: ${HOST}\r\n\r\n` },
      ];
      assert.equal(
        await run(shell, writer(paused, HOST)),
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
      );
    }
  },
});

Deno.test("withFirstClient sets a first client going, then asks as a second with curl, waiting no longer than the check", () => {
  const command = withFirstClient(
    writer([{ write: get("/first", HOST) }], HOST, 10_000),
    "127.0.0.1",
    3000,
  );
  assert.equal(
    command,
    `{ printf 'GET /first HTTP/1.1\\r\\nHost: 127.0.0.1:%s\\r\\n\\r\\n' "$PORT"; sleep 10; } | nc 127.0.0.1 "$PORT" & sleep 1; curl -i --max-time 3 "http://127.0.0.1:$PORT/second"`,
  );
});
