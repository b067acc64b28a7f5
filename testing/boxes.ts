/**
 * `deno task probe --class` run as a grader runs it, and what its boxes held,
 * seen from the host once the class is graded: the escape fixtures of
 * `probe/fixtures/fixtures.ts` (a submission that writes, reads or signals
 * where it must not, fills its disk, forks without end) aimed at the
 * grader's real paths, the files they left, the one line each escape
 * reports on its server's stderr (`HOSTILE name: ...`), and the processes
 * left running.
 *
 * @module
 */

import { PROBE_PERMISSIONS } from "../probe/class/sandbox.ts";
import type { StudentResult } from "../probe/class/outcome.ts";
import { listProcesses, type Proc } from "../probe/procs.ts";
import { type CommandResult, runCommand } from "./commands.ts";

/**
 * Runs `deno run probe/main.ts args...` from the project root, its
 * temporary folders under `tmp` (so that what it leaves can be found by
 * name); `env` adds to the environment, `before` goes before deno (e.g.
 * `setpriv --reuid=nobody ...`).
 */
export function runProbe(
  args: string[],
  options: { tmp: string; env?: Record<string, string>; before?: string[] },
): Promise<CommandResult> {
  return runCommand([
    ...options.before ?? [],
    Deno.execPath(),
    "run",
    ...PROBE_PERMISSIONS,
    "probe/main.ts",
    ...args,
  ], { env: { TMPDIR: options.tmp, ...options.env } });
}

/** The processes whose command line holds `text` (a test's own folder): none, once a class is graded. */
export async function processesHolding(text: string): Promise<Proc[]> {
  return (await listProcesses()).filter((p) => p.command.includes(text));
}

/** The escape fixtures, one per way out. */
export const ESCAPES = [
  "writes_outside",
  "reads_outside",
  "attacks_probe",
  "fills_disk",
  "fork_bomb",
] as const;

/** What each escape must say it did (each server says it once) for its box to have held. */
export const HELD: Record<
  (typeof ESCAPES)[number],
  { held: string; line: RegExp }
> = {
  writes_outside: {
    held: "it wrote only into its sandbox's own /tmp and home",
    line:
      /^HOSTILE escape_writes: wrote into 2 of \d+ folders: \['\/tmp', '\/box'\]$/,
  },
  reads_outside: {
    held:
      "it read none of /etc/shadow, the project's or another student's files",
    line: /^HOSTILE escape_reads: read 0 of \d+ files: \[\]$/,
  },
  attacks_probe: {
    held:
      "it never saw the probe, so it wrote into none of its files and signalled nothing",
    line:
      /^HOSTILE escape_probe: saw \d+ other process(es)?, 0 of them the probe's; reached: \[\]$/,
  },
  fills_disk: {
    held: "it stopped at its sandbox's 64 MiB",
    line:
      /^HOSTILE fill_disk: wrote 6\d MiB, then stopped: \[Errno 28\] No space left on device$/,
  },
  fork_bomb: {
    held: "it stopped at the process limit",
    line:
      /^HOSTILE fork_bomb: \d\d? children, then stopped: \[Errno 11\] Resource temporarily unavailable$/,
  },
};

/** The grader's paths, as `hostile-targets.json` tells the fixtures (see hostile.py). */
export interface Targets {
  /** In the name of every file an escape writes: this run's, so that no other run's counts. */
  nonce: string;
  /** Class folders: the escapes write into them and every student's folder there. */
  class: string[];
  /** Other folders to write into and read from: OUTDIRs, the grader's $HOME, the project. */
  dirs: string[];
  /** Files to read: the project's, another student's. */
  files: string[];
}

/** Tells each escape fixture in `classDir` where the grader's things are. */
export async function aimEscapes(
  classDir: string,
  targets: Targets,
): Promise<void> {
  for (const name of ESCAPES) {
    await Deno.writeTextFile(
      `${classDir}/${name}/hostile-targets.json`,
      JSON.stringify(targets),
    );
  }
}

/** The files an escape managed to write where `targets` (and /tmp, /var/tmp) are: none, if the box held. */
export async function escapedFiles(targets: Targets): Promise<string[]> {
  const dirs = ["/tmp", "/var/tmp", ...targets.class, ...targets.dirs];
  for (const parent of targets.class) {
    for await (const entry of Deno.readDir(parent)) {
      if (entry.isDirectory) dirs.push(`${parent}/${entry.name}`);
    }
  }
  const found: string[] = [];
  for (const dir of dirs) {
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.name.startsWith(`ESCAPED-${targets.nonce}-`)) {
          found.push(`${dir}/${entry.name}`);
        }
      }
    } catch { /* gone, or not ours to list */ }
  }
  return found;
}

/** What each of a student's servers said of its escape: the `HOSTILE ...` lines of its stderr, one per server. */
export function escapeLines(result: StudentResult): string[] {
  return (result.probe?.servers ?? []).flatMap((server) => {
    const stderr = server.output?.stderr;
    return `${stderr?.first ?? ""}${stderr?.last ?? ""}`.split("\n")
      .filter((line) => line.startsWith("HOSTILE "));
  });
}
