/**
 * The tutorial's files in the order `docs/tutorial.md` builds them: each
 * with the file it grows from (its diff from that file is the step's
 * lesson) and, for a server, its column in the report card and the kind the
 * probe holds it to. The last step, "swap in the engine", lives in
 * `examples/`, since it imports the project's own `handler.ts`.
 *
 * @module
 */

/** What a server promises about serving clients at once (the probe's `--kind`). */
export type StepKind = "blocking" | "nb";

/** One file of the tutorial. */
export interface StepFile {
  /** Its path from the project's root. */
  file: string;
  /** The file it grows from; undefined when it starts from an empty file. */
  after?: string;
  /** Its column in the report card: the heading and the probe's `--kind`. */
  card?: { label: string; kind: StepKind };
}

/**
 * One file a line: the file, the file it grows from, its column in the
 * card and its kind (`-` for none). A column's heading has no spaces: `_`
 * stands for one.
 */
const TABLE = `
tutorial/listen.ts                 -                                  -       -
tutorial/step1_hello_world.ts      -                                  1       blocking
tutorial/step2_parse.ts            tutorial/step1_hello_world.ts      2       blocking
tutorial/step3a_hello_path.ts      tutorial/step2_parse.ts            3a      blocking
tutorial/step3b_keep_alive.ts      tutorial/step3a_hello_path.ts      3b      blocking
tutorial/step3c_content_length.ts  tutorial/step3b_keep_alive.ts      3c      blocking
tutorial/step3d_chunked.ts         tutorial/step3c_content_length.ts  3d      blocking
tutorial/step3e_stay_up.ts         tutorial/step3d_chunked.ts         3e      blocking
tutorial/step4a_nonblocking.ts     -                                  4a,_nb  nb
tutorial/step4b_body_phases.ts     tutorial/step3e_stay_up.ts         4b      blocking
tutorial/step4_webserve.ts         tutorial/step4b_body_phases.ts     4       blocking
tutorial/step4_webserve_nb.ts      tutorial/step4a_nonblocking.ts     4,_nb   nb
examples/step5_webserve.ts         -                                  5       blocking
examples/step5_webserve_nb.ts      tutorial/step4_webserve_nb.ts      5,_nb   nb
`;

/** Every file of the tutorial, in the order the page builds them. */
export const STEP_FILES: readonly StepFile[] = TABLE.trim().split("\n").map(
  (line) => {
    const [file, after, label, kind] = line.split(/\s+/);
    return {
      file,
      after: after === "-" ? undefined : after,
      card: kind === "-"
        ? undefined
        : { label: label.replaceAll("_", " "), kind: kind as StepKind },
    };
  },
);
