/**
 * A platform's results file, written again after every check: first with
 * every check not reached yet, then with each result as it comes, and last
 * with the whole run. Each write goes to a file beside it and is renamed into
 * place, so the file is always one whole, valid document. If the grading is
 * stopped (a deadline, a crash), the last one written stands: the checks
 * done so far count, the rest score 0 and say why. Gradescope's best
 * practices ask for this ("Ensure that a results.json file is written out in
 * some way even if the autograder fails ... output partial results.json
 * files as each test is run", docs/best_practices.md of
 * gradescope/autograder_samples).
 *
 * @module
 */

import type { PlatformRun } from "./platform_run.ts";

/** Writes `render(run)` to one path, whole every time. */
export class ResultsFile {
  readonly #path: string;
  readonly #render: (run: PlatformRun) => unknown;
  #writing: Promise<void> = Promise.resolve();

  /** `path` is where the platform reads the results; `render` makes its document. */
  constructor(path: string, render: (run: PlatformRun) => unknown) {
    this.#path = path;
    this.#render = render;
  }

  /** Writes the document for `run` (after any write still under way); rejects if it cannot. */
  write(run: PlatformRun): Promise<void> {
    const text = JSON.stringify(this.#render(run), null, 2) + "\n";
    this.#writing = this.#writing.then(async () => {
      const beside = `${this.#path}.partial`;
      await Deno.writeTextFile(beside, text);
      await Deno.rename(beside, this.#path);
    });
    return this.#writing;
  }
}
