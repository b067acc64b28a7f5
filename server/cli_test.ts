import assert from "node:assert/strict";
import { parseCommandLine, UsageError } from "./cli.ts";

Deno.test("parseCommandLine reads the port, the flags in seconds and --quiet", () => {
  const request = parseCommandLine(
    [
      "0",
      "--host",
      "::1",
      "--idle-timeout",
      "2.5",
      "--head-timeout",
      "3",
      "--slice",
      "0.5",
      "-q",
    ],
    "blocking",
  );
  assert.deepEqual(request, {
    action: "serve",
    options: {
      port: 0,
      hostname: "::1",
      quiet: true,
      idleTimeoutMs: 2500,
      headTimeoutMs: 3000,
      sliceMs: 500,
    },
  });
  assert.deepEqual(
    parseCommandLine(["8080", "--max-connections", "20"], "non-blocking"),
    {
      action: "serve",
      options: { port: 8080, maxConnections: 20 },
    },
  );
  assert.deepEqual(
    parseCommandLine(["8080", "--workers", "auto"], "blocking"),
    { action: "serve", options: { port: 8080, workers: "auto" } },
  );
  assert.deepEqual(
    parseCommandLine(["8080", "--workers", "4"], "non-blocking"),
    { action: "serve", options: { port: 8080, workers: 4 } },
  );
  assert.deepEqual(parseCommandLine(["-h"], "non-blocking"), {
    action: "help",
  });
});

Deno.test("parseCommandLine rejects each server's foreign flag and bad values with a UsageError", () => {
  const cases: [string[], "blocking" | "non-blocking", RegExp][] = [
    [
      ["80", "--max-connections", "5"],
      "blocking",
      /unknown option '--max-connections'/,
    ],
    [["80", "--slice", "1"], "non-blocking", /unknown option '--slice'/],
    [["80", "--max-connections", "0"], "non-blocking", /positive whole number/],
    [
      ["80", "--grace", "-1"],
      "blocking",
      /option '--grace' needs a value/,
    ],
    [
      ["80", "--body-timeout", "0"],
      "blocking",
      /--body-timeout must be a number of seconds above 0/,
    ],
    [["80", "81"], "blocking", /unexpected argument '81'/],
    [["-5"], "blocking", /unknown option '-5'/],
    [["1e3"], "blocking", /port must be a number/],
    [["80", "--host="], "blocking", /--host needs an address/],
    [["80", "--quiet=yes"], "blocking", /option '--quiet' takes no value/],
  ];
  for (const [args, kind, message] of cases) {
    assert.throws(() => parseCommandLine(args, kind), (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, message, args.join(" "));
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  }
});
