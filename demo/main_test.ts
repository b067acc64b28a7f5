import assert from "node:assert/strict";
import { UsageError } from "../server/cli.ts";
import { parseDemoArgs } from "./main.ts";

Deno.test("parseDemoArgs defaults to free ports, the full run, no files and no trace", () => {
  assert.deepEqual(parseDemoArgs([]), {
    quick: false,
    ports: [0, 0],
    servers: undefined,
    svg: undefined,
    json: undefined,
    trace: false,
    help: false,
  });
});

Deno.test("parseDemoArgs reads every flag", () => {
  assert.deepEqual(
    parseDemoArgs([
      "--quick",
      "--ports",
      "8080,8081",
      "--svg",
      "t.svg",
      "--json=t.json",
      "--trace",
      "-h",
    ]),
    {
      quick: true,
      ports: [8080, 8081],
      servers: undefined,
      svg: "t.svg",
      json: "t.json",
      trace: true,
      help: true,
    },
  );
});

Deno.test("parseDemoArgs rejects bad flags and ports in one line each", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^unknown option '--bogus'$/],
    [["extra"], /^unexpected argument 'extra'$/],
    [["--svg"], /^option '--svg' argument missing$/],
    [["--svg", ""], /^--svg needs a file name$/],
    [["--ports", "8080"], /^--ports takes two ports/],
    [
      ["--ports", "8080,http"],
      /^port must be a number from 0 to 65535, not 'http'$/,
    ],
    [["--ports", "8080,70000"], /not '70000'/],
    [["--ports", "9000,9000"], /^--ports gives both servers port 9000$/],
    [["--servers", "tutorial/a.ts"], /^--servers takes two scripts/],
    [["--servers", "a.ts,b.ts", "--trace"], /^--trace goes with/],
  ];
  for (const [args, pattern] of cases) {
    assert.throws(
      () => parseDemoArgs(args),
      (error: unknown) => {
        assert.ok(error instanceof UsageError, String(error));
        assert.match(error.message, pattern);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      },
      args.join(" "),
    );
  }
  assert.deepEqual(
    parseDemoArgs(["--servers", "tutorial/a.ts, tutorial/b.ts"]).servers,
    ["tutorial/a.ts", "tutorial/b.ts"],
  );
  // Two free ports are fine: 0 means "any".
  assert.deepEqual(parseDemoArgs(["--ports", "0,0"]).ports, [0, 0]);
});
