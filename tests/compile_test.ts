import assert from "node:assert/strict";
import { ROOT } from "../testing/commands.ts";
import { ServerProcess } from "../testing/server_launcher.ts";

/**
 * Builds both executables once, into a temporary folder, with a short
 * timeout: where Deno's runtime download host (or DENORT_BIN) is not
 * available the build fails fast and the tests below skip, saying why.
 */
async function buildExecutables(): Promise<{ dir: string; failure?: string }> {
  const dir = await Deno.makeTempDir({ prefix: "webserve_compile_" });
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "tools/compile.ts",
      "--out-dir",
      dir,
      "--timeout",
      "90",
    ],
    cwd: ROOT,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(output.stderr).trim();
  return output.success
    ? { dir }
    : { dir, failure: stderr || `exit status ${output.code}` };
}

const build = await buildExecutables();
if (build.failure) {
  console.log(
    `compile_test: skipped, the executables could not be built here: ${build.failure}`,
  );
  await Deno.remove(build.dir, { recursive: true });
}

Deno.test({
  name:
    "deno task compile builds executables that serve hello and stop on SIGTERM",
  ignore: build.failure !== undefined,
  fn: async (t) => {
    try {
      for (const name of ["webserve", "webserve_nb"]) {
        await t.step(name, async () => {
          const executable = `${build.dir}/${name}`;
          const server = await ServerProcess.start(name, [
            "0",
            "--host",
            "127.0.0.1",
            "--quiet",
          ], [executable]);
          try {
            assert.match(
              server.startLine,
              new RegExp(`^${name} \\((non-)?blocking\\) listening on `),
            );
            const response = await fetch(
              `http://127.0.0.1:${server.port}/some/random/url`,
            );
            assert.equal(await response.text(), "hello, /some/random/url");
          } finally {
            server.kill("SIGTERM");
            assert.equal((await server.finish()).code, 0);
          }
          const usage = await new Deno.Command(executable, {
            args: ["--bogus"],
            stdin: "null",
          }).output();
          assert.equal(usage.code, 2);
          assert.match(
            new TextDecoder().decode(usage.stderr),
            new RegExp(
              `^${name}: unknown option '--bogus'\\nTry '\\./${name} --help'`,
            ),
          );
        });
      }
    } finally {
      await Deno.remove(build.dir, { recursive: true });
    }
  },
});
