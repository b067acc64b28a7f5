import assert from "node:assert/strict";
import { serve as serveBlocking } from "../webserve.ts";
import { serve as serveNonBlocking } from "../webserve_nb.ts";
import { type ServeFunction, withServer } from "../testing/server_launcher.ts";

/** Where curl is, or undefined when it is not installed. */
function findCurl(): string | undefined {
  for (const path of ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const CURL = findCurl();
if (!CURL) {
  console.log(
    "curl_test: skipped, curl is not installed (apt-get install curl)",
  );
}

/** Runs curl with `args` (no proxy, no config file); resolves to its stdout. */
async function curl(args: string[]): Promise<string> {
  const output = await new Deno.Command(CURL!, {
    args: [
      "-q",
      "--silent",
      "--show-error",
      "--noproxy",
      "*",
      "--max-time",
      "10",
      ...args,
    ],
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  assert.equal(output.code, 0, decoder.decode(output.stderr));
  return decoder.decode(output.stdout);
}

const SERVERS: [string, ServeFunction][] = [["webserve", serveBlocking], [
  "webserve_nb",
  serveNonBlocking,
]];

for (const [name, serve] of SERVERS) {
  Deno.test({
    name:
      `${name} answers curl GET, POST, keep-alive, chunked, 100-continue and HTTP/1.0`,
    ignore: !CURL,
    fn: async () => {
      await withServer(
        serve,
        { hostname: undefined },
        async (_server, port) => {
          const base = `http://127.0.0.1:${port}`;
          assert.equal(
            await curl([`${base}/some/random/url`]),
            "hello, /some/random/url",
          );
          assert.equal(
            await curl(["-d", "a=1&b=2", `${base}/process_form`]),
            "hello, /process_form",
          );
          // Two URLs in one curl run share one keep-alive connection.
          const both = await curl([
            "-w",
            " %{num_connects}\\n",
            `${base}/a`,
            `${base}/b`,
          ]);
          assert.equal(both, "hello, /a 1\nhello, /b 0\n");
          assert.equal(
            await curl([
              "-H",
              "Transfer-Encoding: chunked",
              "--data-binary",
              "x".repeat(5000),
              `${base}/chunked`,
            ]),
            "hello, /chunked",
          );
          assert.equal(
            await curl([
              "-H",
              "Expect: 100-continue",
              "--data-binary",
              "y".repeat(2000),
              `${base}/continue`,
            ]),
            "hello, /continue",
          );
          assert.equal(await curl(["--http1.0", `${base}/old`]), "hello, /old");
          const head = await curl(["-i", `${base}/head?x=1`]);
          assert.match(head, /^HTTP\/1\.1 200 /);
          assert.match(head, /\r\n\r\nhello, \/head$/);
          // Bound to all interfaces: IPv6 reaches it too.
          assert.equal(
            await curl(["-g", `http://[::1]:${port}/v6`]),
            "hello, /v6",
          );
        },
      );
    },
  });
}
