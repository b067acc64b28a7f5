/**
 * The class run's progress line: how many students are done of how many, who
 * is being graded, and an estimate of the time left. The estimate is the
 * time per student so far (wall clock over the students graded in this run,
 * so N at a time counts N times faster) times the students left; students
 * kept from an earlier run (`--resume`) cost nothing and are left out of it.
 *
 * @module
 */

/** `1.5 min left`, `40 s left`. */
export function timeLeft(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 90 ? `${Math.round(s / 60)} min left` : `${s} s left`;
}

/** What the progress line says at one moment. */
export interface ProgressState {
  /** Students done (graded or kept). */
  done: number;
  /** Students in this run. */
  total: number;
  /** Students graded in this run (not kept): the estimate's base. */
  graded: number;
  /** Milliseconds since the grading started. */
  elapsedMs: number;
  /** The student whose grading just started. */
  student: string;
}

/** `12/100  alice  3 min left` (`estimating` until one student is graded). */
export function progressText(state: ProgressState): string {
  const left = state.total - state.done;
  const estimate = left === 0
    ? "done"
    : state.graded === 0
    ? "estimating time left"
    : timeLeft(state.elapsedMs / state.graded * left);
  return `${state.done}/${state.total}  ${state.student}  ${estimate}`;
}
