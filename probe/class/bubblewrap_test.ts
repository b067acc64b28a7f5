import assert from "node:assert/strict";
import { DEFAULT_LIMITS } from "./limits.ts";
import {
  BOX_UID_BASE,
  chooseSandbox,
  programBox,
  rootOverUids,
  type Sandbox,
} from "./bubblewrap.ts";
import { findPython } from "../python_path.ts";
import { writeFixture } from "../fixtures/fixtures.ts";
import { PROBE_PERMISSIONS } from "./sandbox.ts";

const python = await findPython();
const root = await rootOverUids();
const { sandbox } = await chooseSandbox({ sandbox: true, required: false });
const why = python === undefined
  ? "no python3"
  : !sandbox.bwrap
  ? "bwrap cannot run here"
  : !root
  ? "not root (the job slots' uids are root's to give)"
  : undefined;
if (why) console.log(`bubblewrap_test: skipped, ${why}`);

/** Runs the python `script` in a sandbox as `uid`, with the default limits; resolves to what it printed. */
async function inSandbox(uid: number, script: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/script.py`, script);
    await Deno.chown(dir, uid, uid);
    const box = await programBox({ bwrap: true, uid } satisfies Sandbox, {
      dir,
      limits: DEFAULT_LIMITS,
      python: python!,
      files: [],
    });
    const argv = [...box.prefix, "python3", "script.py", String(Deno.pid)];
    const { stdout } = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stderr: "inherit",
    }).output();
    return new TextDecoder().decode(stdout).trim();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Forks sleepers until fork fails; prints how many, once the other slot has started too. */
const FORKS = `
import os, sys, time
count = 0
try:
    while count < 200:
        if os.fork() == 0:
            time.sleep(60)  # ended with the sandbox when the script ends
            os._exit(0)
        count += 1
except OSError:
    pass
print(count)
`;

Deno.test({
  name:
    "programBox as root: a fork bomb stops at the process limit of its own job slot's uid, and the other slot's sandbox still forks as many",
  ignore: why !== undefined,
  async fn() {
    const [one, two] = await Promise.all([
      inSandbox(BOX_UID_BASE + 1, FORKS),
      inSandbox(BOX_UID_BASE + 2, FORKS),
    ]);
    for (const count of [Number(one), Number(two)]) {
      assert.ok(count > 50 && count < DEFAULT_LIMITS.nproc, `${one}, ${two}`);
    }
  },
});

Deno.test({
  name:
    "programBox: a sandboxed program sees no process but its sandbox's init, so the probe's /proc/PID/fd and signals are out of its reach",
  ignore: why !== undefined,
  async fn() {
    const out = await inSandbox(
      BOX_UID_BASE + 1,
      `
import os, signal, sys
others = sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid())
reached = []
for target in [int(sys.argv[1]), *others]:
    try:
        open(f"/proc/{target}/fd/1", "w").write("x")
        reached.append(f"fd of {target}")
    except OSError:
        pass
    try:
        os.kill(target, signal.SIGINT)
        reached.append(f"signal to {target}")
    except OSError:
        pass
print(others, reached, os.getuid())
`,
    );
    assert.equal(out, `[1] [] ${BOX_UID_BASE + 1}`);
  },
});

/** A stand-in for `program` in `dir`: logs its arguments to `dir/program.log`, then runs the real one. */
async function loggingShim(dir: string, program: string, real: string) {
  await Deno.writeTextFile(
    `${dir}/${program}`,
    `#!/bin/sh\nprintf '%s\\n' "$*" >>'${dir}/${program}.log'\nexec '${real}' "$@"\n`,
    { mode: 0o755 },
  );
  return async () =>
    (await Deno.readTextFile(`${dir}/${program}.log`)).split("\n");
}

Deno.test({
  name:
    "a class asks python3 where it is and tries bwrap once, and tells each submission's probe instead of each asking again",
  ignore: why !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "asked-once-" });
    try {
      for (const student of ["ada", "bob", "cy"]) {
        await writeFixture("no_status_line", `${dir}/class/${student}`);
      }
      const bwrap = new TextDecoder().decode(
        (await new Deno.Command("sh", { args: ["-c", "command -v bwrap"] })
          .output()).stdout,
      ).trim();
      await Deno.mkdir(`${dir}/shims`);
      const bwrapAsked = await loggingShim(`${dir}/shims`, "bwrap", bwrap);
      const pythonAsked = await loggingShim(
        `${dir}/shims`,
        "python3",
        `${python!.bin}/python3`,
      );
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          ...PROBE_PERMISSIONS,
          new URL("../main.ts", import.meta.url).pathname,
          ...["--class", `${dir}/class`, "--out", `${dir}/out`, "--jobs", "3"],
        ],
        env: {
          // As is: every python3 of every probe goes through the stand-in, and is counted.
          PROBE_PYTHON_AS_IS: "1",
          PATH: `${dir}/shims:${Deno.env.get("PATH")}`,
          NO_COLOR: "1",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      const asks = (await pythonAsked()).filter((line) =>
        line.startsWith("-c import os, platform, sys;")
      );
      assert.equal(asks.length, 1, asks.join(" | "));
      const versions = (await bwrapAsked()).filter((a) => a === "--version");
      assert.equal(versions.length, 1);
      const grades = await Deno.readTextFile(`${dir}/out/grades.csv`);
      assert.equal(grades.trim().split("\n").length, 4, grades);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
