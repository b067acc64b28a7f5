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

/** Every file of the tutorial, in the order the page builds them. */
export const STEP_FILES: readonly StepFile[] = [
  { file: "tutorial/listen.ts" },
  {
    file: "tutorial/step1_hello_world.ts",
    card: { label: "1", kind: "blocking" },
  },
  {
    file: "tutorial/step2_parse.ts",
    after: "tutorial/step1_hello_world.ts",
    card: { label: "2", kind: "blocking" },
  },
  {
    file: "tutorial/step3a_hello_path.ts",
    after: "tutorial/step2_parse.ts",
    card: { label: "3a", kind: "blocking" },
  },
  {
    file: "tutorial/step3b_keep_alive.ts",
    after: "tutorial/step3a_hello_path.ts",
    card: { label: "3b", kind: "blocking" },
  },
  {
    file: "tutorial/step3c_content_length.ts",
    after: "tutorial/step3b_keep_alive.ts",
    card: { label: "3c", kind: "blocking" },
  },
  {
    file: "tutorial/step3d_chunked.ts",
    after: "tutorial/step3c_content_length.ts",
    card: { label: "3d", kind: "blocking" },
  },
  {
    file: "tutorial/step3e_stay_up.ts",
    after: "tutorial/step3d_chunked.ts",
    card: { label: "3e", kind: "blocking" },
  },
  {
    file: "tutorial/step4a_nonblocking.ts",
    card: { label: "4a, nb", kind: "nb" },
  },
  {
    file: "tutorial/step4b_body_phases.ts",
    after: "tutorial/step3e_stay_up.ts",
    card: { label: "4b", kind: "blocking" },
  },
  {
    file: "tutorial/step4_webserve.ts",
    after: "tutorial/step4b_body_phases.ts",
    card: { label: "4", kind: "blocking" },
  },
  {
    file: "tutorial/step4_webserve_nb.ts",
    after: "tutorial/step4a_nonblocking.ts",
    card: { label: "4, nb", kind: "nb" },
  },
  {
    file: "examples/step5_webserve.ts",
    card: { label: "5", kind: "blocking" },
  },
  {
    file: "examples/step5_webserve_nb.ts",
    after: "tutorial/step4_webserve_nb.ts",
    card: { label: "5, nb", kind: "nb" },
  },
];
