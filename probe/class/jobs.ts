/**
 * How many submissions `--class` grades at once when `--jobs` is not given:
 * as many as the machine's cores keep busy without a verdict changing.
 *
 * A submission keeps a core busy for a small part of its time only: its two
 * servers and the probe mostly wait (for a server to start, for a client's
 * head start, for an idle client's timeout). Measured on this project's
 * 2-core machine (docs/grading-a-class.md), the twelve answers of the class
 * of 100 take 1.2 CPU seconds each in 8.3 s of wall clock, one at a time: a
 * seventh of a core. Eight per core keep both cores busy while some of them
 * wait; the class of 100 took 94 s with 6 per core, 87 s with 8, and 100 s
 * with 10, its CPU seconds growing with the queue (126, 132, 166). So: eight
 * per core, and no more than memory allows, one box per
 * {@linkcode BOX_MEMORY} of what is available. The verdicts do not depend on
 * it (docs/probe-checks.md, "Checks that depend on time").
 *
 * @module
 */

/** Boxes per core: a submission keeps a core busy about a seventh of its time. */
export const JOBS_PER_CORE = 8;

/** Memory one box may take: two Python servers, a Deno probe, with room (1 GiB address space each is the cap, not the use). */
export const BOX_MEMORY = 512 * 1024 * 1024;

/** The most boxes at once, whatever the machine: beyond it, the class's own overhead (ports, processes) dominates. */
export const MAX_DEFAULT_JOBS = 32;

/**
 * Bytes of memory available now, from /proc/meminfo, read by `cat`: Deno
 * reads /proc only with --allow-all, which the probe does not have
 * (undefined where it cannot be read).
 */
export function availableMemory(): number | undefined {
  try {
    const { success, stdout } = new Deno.Command("cat", {
      args: ["/proc/meminfo"],
      stdin: "null",
      stderr: "null",
    }).outputSync();
    if (!success) return undefined;
    const meminfo = new TextDecoder().decode(stdout);
    const kib = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/** The default `--jobs` for `cores` and `memory` bytes available (this machine's, by default). */
export function defaultJobs(
  cores: number = navigator.hardwareConcurrency,
  memory: number | undefined = availableMemory(),
): number {
  const byCores = Math.max(1, cores) * JOBS_PER_CORE;
  const byMemory = memory === undefined
    ? byCores
    : Math.max(1, Math.floor(memory / BOX_MEMORY));
  return Math.max(1, Math.min(byCores, byMemory, MAX_DEFAULT_JOBS));
}
