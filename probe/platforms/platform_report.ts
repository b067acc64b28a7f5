/**
 * The platforms' results files of one `--submission` run (`--gradescope`,
 * `--prairielearn`), kept true while it runs: written first with every check
 * not reached, again after each result, and last when the run is over (see
 * `results_file.ts`).
 *
 * @module
 */

import type { Rubric } from "../class/rubric.ts";
import type { ServerReport } from "../report.ts";
import type { CheckResult } from "../runner.ts";
import type { PendingCheck, PlatformRun } from "./platform_run.ts";
import { ResultsFile } from "./results_file.ts";

/** A check's key: its server and id. */
function keyOf(check: { id: string; server?: string }): string {
  return `${check.server ?? ""}:${check.id}`;
}

/** Every results file of one run. */
export class PlatformReport {
  readonly #files: ResultsFile[];
  readonly #rubric: Rubric;
  readonly #planned: readonly PendingCheck[];
  readonly #servers: readonly ServerReport[];
  readonly #notes: readonly string[];
  #version?: string;
  readonly #started = performance.now();
  readonly #results: CheckResult[] = [];
  #failure: unknown;
  readonly #versionKnown: Promise<void>;

  /**
   * `files` are written for the checks `planned`, on `rubric`; `servers` is
   * the run's own list, read at each write.
   */
  constructor(
    files: { path: string; render: (run: PlatformRun) => unknown }[],
    options: {
      rubric: Rubric;
      planned: readonly PendingCheck[];
      servers: readonly ServerReport[];
      /** The probe's version: written in as soon as it is known (finding it must not hold up the first write). */
      version?: Promise<string | undefined>;
      /** Lines about how the run was made (the sandbox's fallback). */
      notes?: readonly string[];
    },
  ) {
    this.#files = files.map((f) => new ResultsFile(f.path, f.render));
    this.#rubric = options.rubric;
    this.#planned = options.planned;
    this.#servers = options.servers;
    this.#notes = options.notes ?? [];
    this.#versionKnown = (options.version ?? Promise.resolve(undefined)).then(
      (version) => {
        if (version) this.#version = version;
      },
      () => {},
    );
  }

  /** Whether there is any file to write. */
  get active(): boolean {
    return this.#files.length > 0;
  }

  #run(over: boolean): PlatformRun {
    const done = new Set(this.#results.map(keyOf));
    return {
      rubric: this.#rubric,
      results: [...this.#results],
      pending: over ? [] : this.#planned.filter((c) => !done.has(keyOf(c))),
      servers: this.#servers,
      seconds: (performance.now() - this.#started) / 1000,
      notes: this.#notes,
      ...(this.#version ? { version: this.#version } : {}),
    };
  }

  #write(over: boolean): Promise<void> {
    const run = this.#run(over);
    return Promise.all(this.#files.map((file) => file.write(run))).then(
      () => {},
      (error) => {
        this.#failure ??= error;
      },
    );
  }

  /** Writes the files with every check not reached yet. */
  start(): Promise<void> {
    return this.#write(false);
  }

  /** Adds `result` and writes the files again (in the background: {@link finish} waits). */
  record(result: CheckResult): void {
    this.#results.push(result);
    this.#write(false);
  }

  /** Writes the files for the whole run; rejects with the first write that failed. */
  async finish(): Promise<void> {
    await this.#versionKnown;
    await this.#write(true);
    if (this.#failure !== undefined) throw this.#failure;
  }
}
